"""Benchmark: how many models the automatic attribution layers re-attribute, and how many right.

On every shipped board and index file (``../shared/data``, imported into a temporary data home,
or ``--home`` for an existing one): the registry's model rows (``model_facts.csv`` and
``arena_models.csv``) are hidden for a random third of the models it names, every model is
attributed again, and each hidden model that is on a board is compared with what the full
registry says: organisation, country and open weights (``registry.holdout``). Several seeds.

A second scenario hides the boards' own labels of the same models too (as a board that lists only
keys shows a new model), so that only the other layers (a match in Artificial Analysis or the
Hub, a Hub repository, a family rule) can attribute them.

Targets (issue 11, first scenario): at least 80 % of the hidden models attributed again; at least
98 % of those right on all three facts. Also reported: the share of the distinct models of all shipped boards
that the full registry attributes (target 97 %), and the ones it cannot.

Run: ``.venv/bin/python benchmarks/bench_attribution.py [--seeds 0 1 2 3 4] [--home DIR]``.
Writes ``benchmarks/results/attribution.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results" / "attribution.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--home", type=Path, help="an existing data home (default: import the shipped data)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["OBSERVATORY_REGISTRY"] = str(Path(scratch) / "registry")  # no user overrides
        from observatory.api import Observatory
        from observatory.registry import holdout
        from observatory.registry.unknowns import attributed_models, unknowns

        home = args.home
        if home is None:
            if not SHARED.exists():
                print(f"skipped: {SHARED} is absent", file=sys.stderr)
                return 0
            home = Path(scratch) / "home"
            Observatory(home).import_paths([SHARED])
        obs = Observatory(home)
        con = obs.connection()
        scenarios = {
            "registry rows hidden": lambda registry, hidden: attributed_models(con, registry),
            "registry rows and the boards' own labels hidden (as on a board that lists only keys)":
                lambda registry, hidden: attributed_models(con, registry, frozenset(hidden)),
        }
        results = {name: holdout.run(obs.registry, attribute, args.seeds)
                   for name, attribute in scenarios.items()}
        models = attributed_models(con, obs.registry)
        distinct = models.assign(key=models["model_key"].str.lower()).groupby(["table", "key"]).size()
        missing = unknowns(con, obs.registry)
        left = missing.assign(key=missing["model_key"].str.lower())[["table", "key"]].drop_duplicates()
    report = {}
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        for name, scored in results.items():
            every = holdout.summary(scored)
            per_seed = pd.concat([holdout.summary(part).iloc[[0]].assign(seed=seed)
                                  for seed, part in scored.groupby("seed")], ignore_index=True)
            print(f"{name}: hidden models on the boards, {len(args.seeds)} seeds, per evidence layer:")
            print(every.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            print("per seed:")
            print(per_seed[["seed", "models", "attributed", "right", "attributed_share",
                            "right_share"]].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            print()
            report[name] = {"layers": every.to_dict("records"), "per_seed": per_seed.to_dict("records")}
    coverage = 1 - len(left) / len(distinct)
    print(f"\ndistinct models on all shipped boards: {len(distinct):,}; attributed "
          f"{len(distinct) - len(left):,} ({coverage:.1%}); not attributed: "
          + ", ".join(sorted(left["key"])))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({
        "seeds": args.seeds, "scenarios": report, "distinct_models": len(distinct),
        "not_attributed": sorted(left["key"]), "coverage": coverage,
    }, indent=2, default=str) + "\n")
    total = holdout.summary(results["registry rows hidden"]).iloc[0]
    met = total["attributed_share"] >= 0.80 and total["right_share"] >= 0.98 and coverage >= 0.97
    print("targets met" if met else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
