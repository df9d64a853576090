"""Benchmark: import of every shipped leaderboard file, then the leaders queries on that store.

What it measures, on the real data in ``../shared/data`` (beside the repo root):

1. Import: a child process runs ``Observatory(home).import_paths([...])`` on the three shipped
   leaderboard folders (the importer skips the non-leaderboard files in them) into a fresh
   temporary data home. Wall time (including interpreter start-up and library imports) and the
   child's peak RSS (``ru_maxrss``) are taken per run; 3 runs, min/median reported.
   Targets: < 10 s and < 500 MB (decimal MB, judged on the median).
2. Queries, in-process on the imported store: ``timeline``, ``lead_changes``,
   ``leaders(by="country")``, ``gap`` and ``top``, on the default board and on
   ``Selection(board="aa")``. One warm-up, then best/median of 7 runs each.
   Target: timeline < 1 s (median).

The registry override directory points into the temporary home, so user overrides do not leak in.
Prints a table and writes ``benchmarks/results/latest.json``.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_import_leaders.py [--strict]``
(``--strict`` exits 1 if a target is missed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
FOLDERS = [
    SHARED / name
    for name in ("fboulnois-llm-leaderboard-csv", "lmarena-official", "artificial-analysis-daily")
]
RESULTS = REPO / "benchmarks" / "results" / "latest.json"
IMPORT_RUNS = 3
QUERY_RUNS = 7
MAX_IMPORT_S = 10.0
MAX_IMPORT_MB = 500.0
MAX_TIMELINE_S = 1.0

CHILD = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from observatory.api import Observatory
loaded = time.perf_counter()
report = Observatory(Path(sys.argv[1])).import_paths(sys.argv[2:])
print(json.dumps({"library_import_s": loaded - start, "import_paths_s": time.perf_counter() - loaded,
                  "imported": len(report.imported), "duplicates": len(report.duplicates),
                  "skipped": len(report.skipped),
                  "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


@dataclass
class ImportRun:
    wall_s: float
    peak_rss_kib: int
    library_import_s: float
    import_paths_s: float
    imported: int
    duplicates: int
    skipped: int


@dataclass
class QueryTiming:
    name: str
    best_s: float
    median_s: float
    runs_s: list[float]
    rows: int


def isolated_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "OBSERVATORY_HOME": str(home),
        "OBSERVATORY_REGISTRY": str(home / "registry"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }


def run_import(home: Path) -> ImportRun:
    """One child-process import; peak RSS from RUSAGE_CHILDREN around this single run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), *map(str, FOLDERS)],
        env=isolated_env(home),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        sys.exit(f"import child failed (exit {proc.returncode}):\n{proc.stderr}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    # RUSAGE_CHILDREN is a high-water mark over all children: it only rises when this run set it.
    peak = after if after > before else int(info["self_maxrss_kib"])
    del info["self_maxrss_kib"]
    return ImportRun(wall_s=wall, peak_rss_kib=peak, **info)


def time_query(name: str, query: Callable[[], Any]) -> QueryTiming:
    query()  # warm-up
    runs, rows = [], 0
    for _ in range(QUERY_RUNS):
        start = time.perf_counter()
        rows = len(query())
        runs.append(time.perf_counter() - start)
    return QueryTiming(name, min(runs), statistics.median(runs), runs, rows)


def run_queries(home: Path) -> list[QueryTiming]:
    os.environ.update(isolated_env(home))
    from observatory.api import Observatory, Selection

    obs = Observatory(home)
    timings = []
    for label, sel in (("", Selection()), (" [aa]", Selection(board="aa"))):
        queries: dict[str, Callable[[], Any]] = {
            "timeline": lambda s=sel: obs.timeline(s),
            "lead_changes": lambda s=sel: obs.lead_changes(s),
            "leaders(by=country)": lambda s=sel: obs.leaders(by="country", sel=s),
            "gap": lambda s=sel: obs.gap(s),
            "top": lambda s=sel: obs.top(sel=s),
        }
        timings += [time_query(name + label, query) for name, query in queries.items()]
    return timings


def machine() -> dict[str, Any]:
    packages = ("open-weights-observatory", "duckdb", "ibis-framework", "pyarrow", "pandas")
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: metadata.version(name) for name in packages},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    missing = [str(p) for p in FOLDERS if not p.is_dir()]
    if missing:
        sys.exit(
            "shipped data not found (expected ../shared/data beside the repo root): " + ", ".join(missing)
        )

    with tempfile.TemporaryDirectory(prefix="obs-bench-") as tmp:
        runs = []
        for i in range(IMPORT_RUNS):
            runs.append(run_import(Path(tmp) / f"home{i}"))
            print(
                f"import run {i + 1}/{IMPORT_RUNS}: {runs[-1].wall_s:.2f} s, "
                f"{runs[-1].peak_rss_kib / 1024:.0f} MiB",
                file=sys.stderr,
            )
        queries = run_queries(Path(tmp) / f"home{IMPORT_RUNS - 1}")

    walls = [r.wall_s for r in runs]
    rss_mb = [r.peak_rss_kib * 1024 / 1e6 for r in runs]
    rows: list[dict[str, Any]] = [
        {
            "figure": "import wall (s)",
            "best": min(walls),
            "median": statistics.median(walls),
            "target": MAX_IMPORT_S,
        },
        {
            "figure": "import peak RSS (MB)",
            "best": min(rss_mb),
            "median": statistics.median(rss_mb),
            "target": MAX_IMPORT_MB,
        },
    ]
    for q in queries:
        target = MAX_TIMELINE_S if q.name.startswith("timeline") else None
        rows.append({"figure": f"{q.name} (s)", "best": q.best_s, "median": q.median_s, "target": target})
    for row in rows:
        row["pass"] = None if row["target"] is None else row["median"] < row["target"]

    print(f"\n{'figure':<30}{'best/min':>10}{'median':>10}{'target':>10}  result")
    for row in rows:
        target = "-" if row["target"] is None else f"< {row['target']:g}"
        verdict = {None: "", True: "PASS", False: "FAIL"}[row["pass"]]
        print(f"{row['figure']:<30}{row['best']:>10.3f}{row['median']:>10.3f}{target:>10}  {verdict}")
    first = runs[0]
    print(
        f"\nfiles: {first.imported} imported, {first.duplicates} duplicate, {first.skipped} skipped; "
        f"in-child: library import {first.library_import_s:.2f} s, import_paths "
        f"{first.import_paths_s:.2f} s (run 1)"
    )

    all_pass = all(row["pass"] is not False for row in rows)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": [str(p) for p in FOLDERS],
        "import_runs": [asdict(r) for r in runs],
        "queries": [asdict(q) for q in queries],
        "summary": rows,
        "all_pass": all_pass,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"all targets met: {all_pass}; written {RESULTS.relative_to(REPO)}")
    return 1 if args.strict and not all_pass else 0


if __name__ == "__main__":
    sys.exit(main())
