"""Benchmark: lineage at full-Hub scale.

A synthetic Hub of ``--models`` (default 3,000,000) models with ``--edges`` (default 2,000,000)
declared edges is written as one Parquet file shaped like ``hub_models``: three quarters of the
derivatives name a base model created before them, the rest an earlier derivative (so chains
run a few levels deep, as on the Hub); 5 % are merges with two parents, 1 % name a parent
that is not in the snapshot, and a few cycles and self-loops are planted. Each step runs in a
child process so its peak RSS is its own.

1. Root resolution (``lineage.roots.resolve_roots``). Target: < 30 s, < 4 GB peak on 2 cores.
2. Monthly derivative shares by root country over that graph. Target: < 10 s.

Run: ``make bench-lineage`` or ``.venv/bin/python benchmarks/bench_lineage.py [--models N]``.
Writes ``benchmarks/results/lineage.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "lineage.json"
# Real registry namespaces, so root organisations and countries resolve as on the Hub.
NAMESPACES = ("Qwen", "meta-llama", "deepseek-ai", "google", "mistralai", "microsoft", "nvidia",
              "THUDM", "01-ai", "tiiuae", "allenai", "ibm-granite")
RELATIONS = np.array(["finetune", "quantized", "adapter", "merge"], dtype=object)


def synthetic_graph(n: int, n_edges: int, seed: int = 1) -> pa.Table:
    rng = np.random.default_rng(seed)
    n_derived = int(n_edges / 1.05)  # merges add a second parent
    derived = np.sort(rng.choice(np.arange(1000, n), n_derived, replace=False))
    is_derived = np.zeros(n, dtype=bool)
    is_derived[derived] = True
    bases = np.nonzero(~is_derived)[0]
    parent = np.empty(n_derived, dtype=np.int64)
    to_base = rng.random(n_derived) < 0.75
    earlier_bases = np.searchsorted(bases, derived)
    parent[to_base] = bases[(rng.random(to_base.sum()) * earlier_bases[to_base]).astype(np.int64)]
    rest = ~to_base
    window = np.minimum(derived[rest], 50_000)
    parent[rest] = derived[rest] - 1 - (rng.random(rest.sum()) * window).astype(np.int64)
    relation = RELATIONS[rng.choice(4, n_derived, p=[0.55, 0.25, 0.15, 0.05])]
    second = np.where(relation == "merge", (rng.random(n_derived) * derived).astype(np.int64), -1)
    orgs = np.where(rng.random(n) < 0.2, rng.integers(0, len(NAMESPACES), n), -1)
    names = [f"{NAMESPACES[o]}/model-{i:x}" if o >= 0 else f"user{i % 200_000}/model-{i:x}"
             for i, o in enumerate(orgs.tolist())]
    bases_of: list[list[str]] = [[] for _ in range(n)]
    rel: list[str | None] = [None] * n
    missing = rng.random(n_derived) < 0.01
    for k, (child, p, q, r, gone) in enumerate(zip(derived.tolist(), parent.tolist(), second.tolist(),
                                                    relation.tolist(), missing.tolist(), strict=True)):
        bases_of[child] = [f"removed/model-{k:x}"] if gone else [names[p]]
        if q >= 0 and q != p:
            bases_of[child].append(names[q])
        rel[child] = r
    for k in range(0, 200, 2):  # cycles of two and self-loops
        a, b = int(derived[k]), int(derived[k + 1])
        bases_of[a], bases_of[b] = [names[b]], [names[a]]
    for k in range(200, 250):
        bases_of[int(derived[k])] = [names[int(derived[k])]]
    start = np.datetime64("2023-01-01T00:00:00")
    created = start + (np.arange(n) * (3 * 365 * 86400 // n)).astype("timedelta64[s]")
    return pa.table({
        "model_id": names,
        "created_at": pa.array(created, pa.timestamp("s", tz="UTC")),
        "downloads_30d": rng.integers(0, 1000, n),
        "base_models": pa.array(bases_of, pa.list_(pa.string())),
        "base_relation": pa.array(rel, pa.string()),
    })


ROOTS = """
import json, resource, sys, time
import ibis
from observatory.lineage.edges import declared_edges, graph_edges
from observatory.lineage.roots import resolve_roots
con = ibis.duckdb.connect()
models = con.read_parquet(sys.argv[1], table_name="hub_models")
start = time.perf_counter()
roots = resolve_roots(models, graph_edges(declared_edges(models))).cache()
summary = roots.group_by("status").agg(n=roots.count(), depth=roots.depth.max()).to_pandas()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": int(summary.n.sum()),
                  "status": dict(zip(summary.status, summary.n.astype(int).tolist())),
                  "max_depth": int(summary.depth.max()),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


SHARES = """
import json, resource, sys, time
from pathlib import Path
from observatory.api import Observatory
obs = Observatory(Path(sys.argv[1]))
start = time.perf_counter()
graph = obs.lineage_graph()
graph.roots.count().execute()
built = time.perf_counter() - start
timings = {}
for by in ("root-country", "uploader-country", "root-family"):
    began = time.perf_counter()
    frame = obs.derivatives(by)
    timings[by] = time.perf_counter() - began
print(json.dumps({"graph_seconds": built, "shares_seconds": timings, "months": int(frame.month.nunique()),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def store_with(table: pa.Table, home: Path) -> None:
    """The graph as one Hub snapshot in a fresh store (what ``update --source hub`` leaves)."""
    import hashlib
    from datetime import date

    from observatory.schema import HUB_MODELS
    from observatory.store.snapshots import Store

    n = table.num_rows
    full = {f.name: table[f.name] if f.name in table.column_names else pa.nulls(n, f.type)
            for f in HUB_MODELS if f.name != "snapshot_id"}
    full["source"] = pa.array(["hub-api"] * n)
    full["snapshot_date"] = pa.array([date(2026, 1, 1)] * n, pa.date32())
    folder = home / "prepared"
    folder.mkdir(parents=True)
    pq.write_table(pa.table(full), folder / "hub_models.parquet")
    manifest = {"snapshot_id": "bench0000000", "source": "hub", "format": "hub-api",
                "snapshot_date": "2026-01-01", "content_hash": hashlib.sha256(b"bench").hexdigest(),
                "origin": "benchmark", "counts": {"hub_models": n},
                "imported_at": "2026-01-01T00:00:00"}
    Store(home).adopt(folder, manifest)


def child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=REPO, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=int, default=3_000_000)
    parser.add_argument("--edges", type=int, default=2_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hub_models.parquet"
        began = time.perf_counter()
        pq.write_table(synthetic_graph(args.models, args.edges), path)
        print(f"graph: {args.models:,} models, ~{args.edges:,} edges "
              f"({time.perf_counter() - began:.1f} s to generate)")
        roots = child(ROOTS, str(path))
        print(f"roots: {roots['seconds']:.1f} s, peak {roots['peak_mb']:.0f} MB, "
              f"{roots['rows']:,} (model, root) rows, max depth {roots['max_depth']}, "
              f"status {roots['status']}  (targets < 30 s, < 4096 MB)")
        store_with(pq.read_table(path), Path(tmp) / "home")
        shares = child(SHARES, str(Path(tmp) / "home"))
        print(f"graph from the store (latest Hub snapshot, edges, roots, root attribution): "
              f"{shares['graph_seconds']:.1f} s, peak {shares['peak_mb']:.0f} MB")
        for by, seconds in shares["shares_seconds"].items():
            print(f"monthly derivative shares by {by}: {seconds:.2f} s over {shares['months']} "
                  "months (target < 10 s)")
    results = {"models": args.models, "edges": args.edges, "roots": roots, "shares": shares}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
