"""Benchmark: inferred bases from config/tokenizer fingerprints, measured on held-back declarations.

Protocol (the same on both sets):

* the models that DECLARE a base are split at random (``--test-share``, default 50 %) into a test
  half, whose declarations are hidden, and a training half, which is all the method may know;
* candidate bases = models that declare no base and are the declared root of >= 1 training model;
  their prior = how many training models have them as root (their declared descendants);
* ``infer_bases`` proposes up to 3 candidates per test model (from its fingerprint facts and
  creation time only); the rank-1 candidate is a prediction when its score >= the threshold;
* correct (primary) = the prediction is the test model's declared ROOT base (what "whose base is
  it" needs); also reported: = its declared parent (exact), and = same organisation as the root;
* precision = correct / predictions; recall = correct / all test models of that relation,
  including those without facts (adapters have no config.json, so their recall is 0 by design).

(a) synthetic: a fake-Hub universe of ``--models`` (default 300,000); truth = synth lineage (root,
first parent); models whose declared parent does not exist (~1.5 %) are left out (no truth).
(b) real trees: ../shared/data/hf-model-tree (Hub records of three declared trees); truth = the
declared parents walked up inside the tree; a root is a tree model without a declared base in
the tree. Only the listing's short config (model type, tokenizer facts) and safetensors/GGUF
totals are known there, so figures are whatever they are.

Targets: precision >= 0.9 at recall >= 0.7 for finetunes and quantizations on (a).
Run: ``.venv/bin/python benchmarks/bench_lineage_infer.py [--models N]``.
Writes ``benchmarks/results/lineage_infer.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "lineage_infer.json"
TREES = REPO.parent / "shared" / "data" / "hf-model-tree"
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
FINE_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(20))


def split(truth: pd.DataFrame, share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    test = np.random.default_rng(seed).random(len(truth)) < share
    return truth[test].reset_index(drop=True), truth[~test].reset_index(drop=True)


def candidates(train: pd.DataFrame, models: pd.DataFrame, declaring: set[str]) -> pd.DataFrame:
    """Bases known to the method: undeclaring models that are the root of >= 1 training model."""
    counts = train.groupby("root_id").size().rename("derivatives").reset_index()
    counts = counts[~counts["root_id"].isin(declaring)].rename(columns={"root_id": "model_id"})
    return counts.merge(models[["model_id", "created_at"]], on="model_id")


def run(configs: pd.DataFrame, models: pd.DataFrame, truth: pd.DataFrame, share: float,
        seed: int, threshold: float) -> dict[str, Any]:
    from observatory.lineage.infer import evaluate, infer_bases, learn_changes, precision_recall

    test, train = split(truth, share, seed)
    bases = candidates(train, models, set(truth["child_id"]))
    targets = test[["child_id"]].rename(columns={"child_id": "model_id"}).merge(
        models[["model_id", "created_at"]], on="model_id")
    start = time.perf_counter()
    changes = learn_changes(configs, train)
    learn_seconds = time.perf_counter() - start
    start = time.perf_counter()
    lineage = train[["child_id", "root_id"]]
    predictions = infer_bases(configs, bases, targets, changes=changes, lineage=lineage)
    seconds = time.perf_counter() - start
    # ablation: the same run without config.json's _name_or_path (fingerprint facts only)
    config_only = infer_bases(configs.assign(name_or_path=None), bases, targets,
                              changes=learn_changes(configs.assign(name_or_path=None), train))
    with_facts = test["child_id"].isin(configs["model_id"])
    root_known = test["root_id"].isin(bases["model_id"])
    org = predictions.assign(parent_id=predictions["parent_id"].str.split("/").str[0])
    truth_org = test.assign(root_org=test["root_id"].str.split("/").str[0])
    table = evaluate(predictions, test, threshold)
    return {
        "models": len(models), "declaring": len(truth), "test": len(test), "train": len(train),
        "candidate_bases": len(bases), "test_with_facts": int(with_facts.sum()),
        "test_root_among_candidates": int(root_known.sum()),
        "facts_by_relation": test.assign(f=with_facts).groupby("relation")["f"].mean().round(3).to_dict(),
        "predictions": len(predictions), "seconds": round(seconds, 2),
        "learn_seconds": round(learn_seconds, 2),
        "change_rates": {k: round(v, 3) for k, v in changes.rate.items()},
        "targets_per_second": round(len(targets) / max(seconds, 1e-9)),
        "threshold": threshold,
        "root": table.to_dict("records"),
        "parent_exact": evaluate(predictions, test, threshold, answer="parent_id").to_dict("records"),
        "same_org": evaluate(org, truth_org, threshold, answer="root_org").to_dict("records"),
        "curve": precision_recall(predictions, test, THRESHOLDS).to_dict("records"),
        "relation_guess": relation_accuracy(predictions, test),
        "name_agreement": round(changes.name_agree, 4),
        "test_named": int(test["child_id"].isin(configs.loc[configs["name_or_path"].notna(),
                                                            "model_id"]).sum()),
        "operating_points": validated_points(configs, models, train, predictions, test, seed),
        "config_only": {"root": evaluate(config_only, test, threshold).to_dict("records"),
                        "curve": precision_recall(config_only, test, THRESHOLDS).to_dict("records")},
        "ambiguity": ambiguity(configs, bases, test, models),
    }


def validated_points(configs: pd.DataFrame, models: pd.DataFrame, train: pd.DataFrame,
                     predictions: pd.DataFrame, test: pd.DataFrame, seed: int,
                     precision: float = 0.9) -> dict[str, dict[str, float]]:
    """Per relation, the threshold chosen WITHOUT the test half, and the test figures there.

    A fifth of the training half is held out in turn (its declarations hidden, the rest known);
    the threshold is the lowest on ``FINE_THRESHOLDS`` whose precision there is >= ``precision``.
    """
    from observatory.lineage.infer import evaluate, infer_bases, learn_changes, precision_recall

    validation, fit = split(train, 0.2, seed + 1)
    bases = candidates(fit, models, set(train["child_id"]) | set(test["child_id"]))
    targets = validation[["child_id"]].rename(columns={"child_id": "model_id"}).merge(
        models[["model_id", "created_at"]], on="model_id")
    found = infer_bases(configs, bases, targets, changes=learn_changes(configs, fit),
                        lineage=fit[["child_id", "root_id"]])
    curve = precision_recall(found, validation, FINE_THRESHOLDS)
    out = {}
    for relation, rows in curve.groupby("relation"):
        ok = rows[rows["precision"] >= precision].sort_values("threshold")
        if not len(ok):
            continue
        chosen = float(ok.iloc[0]["threshold"])
        at = evaluate(predictions, test, chosen).set_index("relation")
        if relation in at.index:
            out[relation] = {"threshold": chosen, "precision": round(float(at.loc[relation, "precision"]), 3),
                             "recall": round(float(at.loc[relation, "recall"]), 3),
                             "validation_recall": round(float(ok.iloc[0]["recall"]), 3)}
    return out


def ambiguity(configs: pd.DataFrame, bases: pd.DataFrame, test: pd.DataFrame,
              models: pd.DataFrame) -> dict[str, Any]:
    """How many candidate bases created before each held-out model share its root's fingerprint
    exactly (fingerprint facts only, not the name), and how often the most popular of them is the
    root: a ceiling for any method that sees configs and popularity alone."""
    from observatory.lineage.infer import FACTS

    facts = configs.drop_duplicates("model_id").set_index("model_id").reindex(columns=list(FACTS))
    hashes = pd.util.hash_pandas_object(facts.astype("string"), index=False).to_numpy()
    key = pd.Series(hashes, index=facts.index)
    created = models.set_index("model_id")["created_at"]
    cand = bases.assign(key=bases["model_id"].map(key)).dropna(subset=["key"])
    rows = test[test["root_id"].isin(cand["model_id"])].assign(
        key=lambda f: f["root_id"].map(key), at=lambda f: f["child_id"].map(created))
    pairs = rows[["child_id", "relation", "root_id", "key", "at"]].merge(
        cand[["model_id", "key", "created_at", "derivatives"]], on="key")
    pairs = pairs[pairs["created_at"] <= pairs["at"]]
    size = pairs.groupby("child_id").size()
    best = pairs.sort_values("derivatives", ascending=False, kind="stable").drop_duplicates("child_id")
    best_right = (best["model_id"] == best["root_id"]).groupby(best["relation"]).sum()
    totals = test.groupby("relation").size()
    per = rows.assign(n=rows["child_id"].map(size)).groupby("relation")["n"]
    return {rel: {"median_identical": float(per.median().get(rel, np.nan)),
                  "unique_share": round(float((per.apply(lambda s: (s == 1).mean())).get(rel, np.nan)), 3),
                  "most_popular_is_root": round(float(best_right.get(rel, 0) / totals[rel]), 3)}
            for rel in totals.index}


def relation_accuracy(predictions: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    best = predictions[predictions["candidate_rank"] == 1][["child_id", "relation"]]
    merged = test.merge(best.rename(columns={"relation": "guess"}), on="child_id")
    return merged.assign(ok=merged["guess"] == merged["relation"]).groupby("relation")["ok"].mean().round(
        3).to_dict()


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, float]:
    from observatory.testing.synth import BASE, RELATION_NAMES, config_table, universe

    start = time.perf_counter()
    u = universe(seed, n)
    idx = np.arange(n, dtype=np.int64)
    lin = u.lineage(idx)
    ids = np.array(u.ids(lin), dtype=object)
    configs = config_table(u)
    models = pd.DataFrame({"model_id": ids, "created_at": pd.to_datetime(lin.created, unit="s", utc=True)})
    declaring = (lin.rel != BASE) & (lin.root >= 0)
    rows = np.nonzero(declaring)[0]
    truth = pd.DataFrame({"child_id": ids[rows], "root_id": ids[lin.root[rows]],
                          "parent_id": ids[lin.parents[rows, 0]],
                          "relation": np.array(RELATION_NAMES, dtype=object)[lin.rel[rows]]})
    return configs, models, truth, time.perf_counter() - start


def real_trees() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    from observatory.sources.base import read_bytes
    from observatory.sources.modeltree import parse

    if not TREES.exists():
        return None
    models, configs = [], []
    for path in sorted(TREES.glob("*.csv")):
        parsed = parse(path, read_bytes(path)).freeze()
        models.append(parsed.arrow["hub_models"].to_pandas())
        if "hub_configs" in parsed.arrow:
            configs.append(parsed.arrow["hub_configs"].to_pandas())
    frame = pd.concat(models, ignore_index=True).drop_duplicates("model_id")
    known = set(frame["model_id"])
    parent = {row.model_id: next((b for b in row.base_models if b in known), None)
              for row in frame.itertuples() if len(row.base_models)}
    relation = dict(zip(frame["model_id"], frame["base_relation"], strict=True))

    def root(model: str) -> str:
        seen = {model}
        while parent.get(model) and parent[model] not in seen:
            model = parent[model]
            seen.add(model)
        return model

    truth = pd.DataFrame([{"child_id": m, "root_id": root(m), "parent_id": p, "relation": relation[m]}
                          for m, p in parent.items() if p is not None])
    return pd.concat(configs, ignore_index=True), frame[["model_id", "created_at"]], truth


def show(name: str, result: dict[str, Any]) -> None:
    print(f"\n== {name}: {result['models']:,} models, {result['declaring']:,} declaring a base, "
          f"{result['test']:,} held out, {result['candidate_bases']:,} candidate bases")
    print(f"   held-out models with fingerprint facts: {result['test_with_facts']:,}; whose root is a "
          f"candidate: {result['test_root_among_candidates']:,}")
    print(f"   infer_bases: {result['seconds']:.2f} s, {result['targets_per_second']:,} targets/s "
          f"(learn_changes from the training edges: {result['learn_seconds']:.2f} s)")
    print(f"   threshold {result['threshold']}:  (correct = rank-1 candidate is the declared root)")
    print(f"   {'relation':<10} {'targets':>8} {'predicted':>9} {'correct':>8} {'precision':>9} "
          f"{'recall':>7} {'parent-exact P':>14} {'same-org P':>10}")
    exact = {r["relation"]: r for r in result["parent_exact"]}
    org = {r["relation"]: r for r in result["same_org"]}
    for row in result["root"]:
        rel = row["relation"]
        print(f"   {rel:<10} {row['targets']:>8,} {row['predicted']:>9,} {row['correct']:>8,} "
              f"{fmt(row['precision']):>9} {fmt(row['recall']):>7} {fmt(exact[rel]['precision']):>14} "
              f"{fmt(org[rel]['precision']):>10}")
    curve = {(r["threshold"], r["relation"]): r for r in result["curve"]}
    relations = [r for r in ("finetune", "quantized", "merge", "adapter", "unknown", "all")
                 if any(rel == r for _, rel in curve)]
    print("   precision/recall by threshold:")
    print("   " + f"{'thr':>4} " + " ".join(f"{r:>13}" for r in relations))
    for thr in sorted({t for t, _ in curve}):
        cells = [f"{fmt(curve[thr, r]['precision'])}/{fmt(curve[thr, r]['recall'])}" for r in relations]
        print("   " + f"{thr:>4.1f} " + " ".join(f"{c:>13}" for c in cells))
    print(f"   relation guessed right (rank-1): {result['relation_guess']}")
    print(f"   held-out models whose config.json names a Hub id: {result['test_named']:,}; learned "
          f"agreement of a resolved name with the declared root: {result['name_agreement']}")
    print("   threshold per relation chosen on a validation fifth of the TRAINING half (lowest with "
          "precision >= 0.9 there); test precision/recall at it:")
    cells = [f"{rel} {p['precision']:.3f}/{p['recall']:.3f} @{p['threshold']:.2f}"
             for rel, p in sorted(result["operating_points"].items())]
    print("     " + ("; ".join(cells) or "no threshold reaches 0.9 on validation"))
    only = {r["relation"]: r for r in result["config_only"]["root"]}
    print(f"   without _name_or_path (fingerprint facts only), threshold {result['threshold']}: " + "; ".join(
        f"{rel} {fmt(only[rel]['precision'])}/{fmt(only[rel]['recall'])}" for rel in ("finetune", "quantized")
        if rel in only))
    print("   fingerprint ambiguity (candidates created earlier with the root's exact facts):")
    for rel, a in result["ambiguity"].items():
        print(f"     {rel:<10} median {a['median_identical']:.0f}, unique {a['unique_share']:.3f}, "
              f"most popular of them is the root for {a['most_popular_is_root']:.3f} of all held out")


def fmt(value: Any) -> str:
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    from observatory.lineage.infer import DEFAULT_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--test-share", type=float, default=0.5)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"threshold": args.threshold}
    configs, models, truth, build = synthetic(args.models, args.seed)
    print(f"synthetic universe and fingerprints: {build:.1f} s ({len(configs):,} config rows, "
          f"{len(configs) / build:,.0f} rows/s)")
    out["synthetic"] = run(configs, models, truth, args.test_share, args.seed, args.threshold)
    out["synthetic"]["build_seconds"] = round(build, 2)
    show("synthetic", out["synthetic"])
    trees = real_trees()
    if trees is None:
        print(f"\n== real trees: skipped, {TREES} not found")
    else:
        out["real_trees"] = run(*trees, args.test_share, args.seed, args.threshold)
        show("real trees (hf-model-tree)", out["real_trees"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2, default=str))
    print(f"\nwrote {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
