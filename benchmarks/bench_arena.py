"""Benchmark: `backfill --source arena` at the size of Arena's real text history.

Public reports put ``text/full`` of ``lmarena-ai/leaderboard-dataset`` at about 1.1 million rows
(422 models, 2023-05-08 to 2026-09-13). This serves a synthetic ``text/full`` file of that size
(422 models x 26 categories x 100 publish dates = 1,097,200 rows, the documented columns) from
the fake Hub on loopback and times the whole backfill in a child process: the download through
huggingface_hub, the parse, and one snapshot per publish date. Then it times the run again, which
must find everything stored. Reports wall time and the child's peak RSS.

Run: ``.venv/bin/python benchmarks/bench_arena.py [--days 100]``; writes
``benchmarks/results/arena.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "arena.json"
CHILD = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from observatory.api import Observatory
from observatory.jobs import arena
report = arena.load(Observatory(Path(sys.argv[1])).catalog, sys.argv[2], "full")
print(json.dumps({"seconds": time.perf_counter() - start, "imported": len(report.imported),
                  "already": len(report.duplicates),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--models", type=int, default=422)
    parser.add_argument("--categories", type=int, default=26)
    args = parser.parse_args()
    from observatory.testing import FakeHub, FakeHubConfig
    from observatory.testing.fake_datasets import ARENA_REPO, arena_rows, parquet_bytes

    first = date(2023, 5, 8)
    days = [(first + timedelta(days=round(i * 1224 / args.days))).isoformat() for i in range(args.days)]
    models = tuple((f"model-{i:03d}", f"Org {i % 60}", "Apache 2.0" if i % 2 else "Proprietary")
                   for i in range(args.models))
    categories = ("overall", *(f"category-{i}" for i in range(args.categories - 1)))
    built = time.perf_counter()
    rows = arena_rows(days, categories, models)
    content = parquet_bytes(rows)
    print(f"synthetic text/full: {len(rows):,} rows, {len(content) / 1e6:.1f} MB parquet "
          f"(built in {time.perf_counter() - built:.1f} s)")
    del rows
    with FakeHub(FakeHubConfig(models=10)) as hub, tempfile.TemporaryDirectory() as scratch:
        hub.datasets.commit(ARENA_REPO, {"text/full-00000-of-00001.parquet": content,
                                         "text/latest-00000-of-00001.parquet": content})
        env = {**os.environ, "HF_HOME": str(Path(scratch) / "hf"), "HF_HUB_DISABLE_TELEMETRY": "1",
               "OBSERVATORY_REGISTRY": str(Path(scratch) / "registry")}
        runs = []
        for label in ("first backfill", "second backfill (nothing new)"):
            started = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", CHILD, str(Path(scratch) / "home"),
                                   hub.base_url], capture_output=True, text=True, env=env, check=True)
            found = json.loads(proc.stdout.strip().splitlines()[-1])
            found["wall_seconds"] = time.perf_counter() - started
            runs.append({"run": label, **found})
            print(f"{label}: {found['wall_seconds']:.1f} s wall, {found['imported']} snapshots "
                  f"imported, {found['already']} already stored, peak RSS {found['peak_rss_mb']:.0f} MB")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"days": args.days, "models": args.models,
                                   "categories": args.categories, "runs": runs,
                                   "self_peak_rss_mb": resource.getrusage(
                                       resource.RUSAGE_SELF).ru_maxrss / 1024}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
