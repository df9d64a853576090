"""Benchmark: importing a public-release-sized vote file (3,000,000 votes) as parquet and JSON lines.

1. Generates ``--rows`` votes (default 3,000,000) in the arena preference release layout:
   ``model_a, model_b, winner`` (spelled as released), ``tstamp``, ``language``, ``judge_hash``,
   ``turn``, ``is_code``, ``category_tag`` (nested flags and the seven hard-prompt criteria) and
   ``conv_metadata`` (token counts and markdown counts per element type). About 1% of the rows
   are bad on purpose (unknown winner, a model playing itself, a missing model name), so the
   exclusion bookkeeping is timed too. Written once to a temporary ``.parquet`` (zstd) and a
   temporary ``.jsonl`` (by DuckDB).
2. Each file is imported by a child process, ``Observatory(home).import_paths([file])`` into a
   fresh temporary data home (parse, validate, write the snapshot, rebuild the catalog). The
   child reports the time of ``import_paths`` (library imports excluded) and its own peak RSS
   (``VmHWM``). Target: parquet well under 30 s on 2 cores.

Run: ``.venv/bin/python benchmarks/bench_votes_import.py [--rows N] [--formats parquet,jsonl]``.
``--src DIR`` imports the package from another checkout's ``src`` (e.g. to time an older
importer on the same files).
"""

from __future__ import annotations

import argparse
import json
import os
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
TARGET_PARQUET_S = 30.0
CRITERIA = ["specificity", "domain_knowledge", "complexity", "problem_solving", "creativity",
            "technical_accuracy", "real_world"]
LANGUAGES = ["English", "Chinese", "Russian", "German", "Japanese", "Spanish", "French", "unknown"]

# Peak RSS from the child's own VmHWM: ru_maxrss of a child started by (v)fork + exec starts
# from the parent's high-water mark, and the parent holds the generated votes.
CHILD = """
import json, re, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from observatory.api import Observatory
loaded = time.perf_counter()
report = Observatory(Path(sys.argv[1])).import_paths([sys.argv[2]])
done = time.perf_counter()
result = report.results[0]
try:
    with open("/proc/self/status") as status:
        peak_kib = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read())[1])
except (OSError, TypeError):
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"library_import_s": loaded - start, "import_paths_s": done - loaded,
                  "format": result.format, "votes": result.counts.get("votes"),
                  "maxrss_kib": peak_kib}))
"""


def _struct(fields: dict[str, Any]) -> pa.StructArray:
    arrays = [value if isinstance(value, pa.Array) else pa.array(value) for value in fields.values()]
    return pa.StructArray.from_arrays(arrays, names=list(fields))


def release_table(rows: int, seed: int = 7) -> pa.Table:
    """``rows`` votes in the arena release layout, about 1% of them malformed."""
    rng = np.random.default_rng(seed)
    models = np.array([f"model-{i:03d}" for i in range(150)], dtype=object)
    first = rng.integers(0, len(models), rows)
    second = (first + rng.integers(1, len(models), rows)) % len(models)
    winner = np.array(["model_a", "model_b", "tie", "tie (bothbad)"], dtype=object)[
        rng.choice(4, rows, p=[0.42, 0.42, 0.1, 0.06])]
    bad = rng.random(rows)
    winner[bad < 0.004] = "draw"                                   # unknown winner
    second[(bad >= 0.004) & (bad < 0.007)] = first[(bad >= 0.004) & (bad < 0.007)]  # self-play
    model_a = pa.array(models[first], mask=(bad >= 0.007) & (bad < 0.009))  # missing name
    stamps = np.sort(1_714_000_000 + rng.random(rows) * 300 * 86_400)

    def counts(*names: str) -> pa.StructArray:
        return _struct({name: rng.poisson(1.0, rows) for name in names})

    sides: dict[str, Any] = {}
    for side in "ab":
        sides[f"sum_assistant_{side}_tokens"] = rng.integers(1, 4000, rows)
        sides[f"context_{side}_tokens"] = rng.integers(1, 9000, rows)
    for side in "ab":
        sides[f"header_count_{side}"] = counts("h1", "h2", "h3", "h4", "h5", "h6")
        sides[f"list_count_{side}"] = counts("ordered", "unordered")
        sides[f"bold_count_{side}"] = counts("**", "__")
    conv_metadata = _struct({"sum_user_tokens": rng.integers(1, 2000, rows), **sides,
                             "turns": rng.integers(1, 6, rows)})
    category_tag = _struct({
        "criteria_v0.1": _struct({name: rng.random(rows) < 0.55 for name in CRITERIA}),
        "if_v0.1": _struct({"if": rng.random(rows) < 0.3, "score": rng.integers(0, 6, rows)}),
        "math_v0.1": _struct({"math": rng.random(rows) < 0.1}),
        "creative_writing_v0.1": _struct({"creative_writing": rng.random(rows) < 0.15,
                                          "score": pa.array(np.where(rng.random(rows) < 0.5,
                                                                     "yes", "no"))}),
    })
    return pa.table({
        "model_a": model_a, "model_b": pa.array(models[second]), "winner": pa.array(winner),
        "tstamp": stamps, "language": pa.array(np.array(LANGUAGES, dtype=object)[
            rng.integers(0, len(LANGUAGES), rows)]),
        "judge_hash": pa.array(np.char.add("j", rng.integers(0, 50_000, rows).astype(str))),
        "turn": rng.integers(1, 6, rows), "is_code": rng.random(rows) < 0.2,
        "category_tag": category_tag, "conv_metadata": conv_metadata,
    })


def write_files(table: pa.Table, folder: Path) -> dict[str, Path]:
    import duckdb

    paths = {"parquet": folder / "arena-votes.parquet", "jsonl": folder / "arena-votes.jsonl"}
    pq.write_table(table, paths["parquet"], compression="zstd")
    with duckdb.connect() as con:  # from the parquet file: DuckDB's JSON writer, in parallel
        con.execute(f"COPY (SELECT * FROM read_parquet('{paths['parquet']}')) "
                    f"TO '{paths['jsonl']}' (FORMAT JSON)")
    return paths


def run_import(path: Path, home: Path, src: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src), "OBSERVATORY_HOME": str(home),
           "OBSERVATORY_REGISTRY": str(home / "registry"), "HF_HUB_DISABLE_TELEMETRY": "1"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(home), str(path)], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"import child failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    return {**info, "wall_s": wall, "peak_rss_mb": info.pop("maxrss_kib") * 1024 / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--formats", default="parquet,jsonl")
    parser.add_argument("--src", type=Path, default=REPO / "src")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    with tempfile.TemporaryDirectory(prefix="obs-bench-votes-") as tmp:
        began = time.perf_counter()
        table = release_table(args.rows)
        paths = write_files(table, Path(tmp))
        del table
        sizes = {name: path.stat().st_size / 1e6 for name, path in paths.items()}
        print(f"generated {args.rows:,} votes in {time.perf_counter() - began:.1f} s: "
              + ", ".join(f"{name} {mb:,.0f} MB" for name, mb in sizes.items()), flush=True)
        for name in formats:
            run = run_import(paths[name], Path(tmp) / f"home-{name}", args.src.resolve())
            verdict = ""
            if name == "parquet":
                verdict = f"  (target < {TARGET_PARQUET_S:.0f} s: " \
                          f"{'pass' if run['import_paths_s'] < TARGET_PARQUET_S else 'MISS'})"
            print(f"{name:8} import_paths {run['import_paths_s']:7.2f} s  "
                  f"(child wall {run['wall_s']:.2f} s, library import {run['library_import_s']:.2f} s)"
                  f"  peak RSS {run['peak_rss_mb']:,.0f} MB  votes {run['votes']:,}{verdict}",
                  flush=True)


if __name__ == "__main__":
    main()
