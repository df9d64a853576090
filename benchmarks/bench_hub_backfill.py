"""Benchmark: `backfill --source hub-weekly` of one whole-Hub weekly file.

Builds (once, cached under the temp folder) a synthetic ``models/<date>/models.parquet`` of
2,500,000 models in the dumps' schema with the large nested columns present (``cardData`` as JSON
text, ``siblings``, ``config``, ``safetensors``, ``gguf``), sized like the real file (the weekly file
of 2026-09-30 declares 1,572,863,800 bytes, ~630 bytes a model), serves it from disk through the
fake Hub on loopback, and runs ``observatory backfill --source hub-weekly`` as a child process.
Reports wall time, the child's peak RSS, and the bytes transferred as a share of the file.
Targets: <= 25 s, <= 1.5 GB peak, <= 20% of the bytes.

Run: ``.venv/bin/python benchmarks/bench_hub_backfill.py [--models 2500000]``; writes
``benchmarks/results/hub_backfill.json``.
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "hub_backfill.json"
WEEK = "2026-09-30"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=2_500_000)
    parser.add_argument("--row-group", type=int, default=250_000)
    args = parser.parse_args()
    from observatory.testing import FakeHub, FakeHubConfig
    from observatory.testing.fake_dumps import WEEKLY_REPO, write_big_file

    cache = Path(tempfile.gettempdir()) / "observatory-bench"
    cache.mkdir(exist_ok=True)
    file = cache / f"weekly-{args.models}-{args.row_group}.parquet"
    if not file.exists():
        built = time.perf_counter()
        write_big_file(args.models, file.with_suffix(".tmp"), row_group_size=args.row_group)
        file.with_suffix(".tmp").rename(file)
        print(f"built {file} in {time.perf_counter() - built:.0f} s")
    size = file.stat().st_size
    print(f"synthetic weekly file: {args.models:,} models, {size / 1e6:,.0f} MB "
          f"({size / args.models:.0f} bytes a model), row groups of {args.row_group:,}")
    hub = FakeHub(FakeHubConfig(models=10))
    hub.start()
    try:
        hub.datasets.commit(WEEKLY_REPO, {f"models/{WEEK}/models.parquet": file})
        hub.datasets.tree(WEEKLY_REPO, "main", "models", True)  # hash the file before timing
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "OBSERVATORY_HOME": home, "OBSERVATORY_HUB_URL": hub.base_url,
                   "HF_HOME": str(Path(home) / "hf"), "HF_HUB_DISABLE_TELEMETRY": "1"}
            command = [sys.executable, "-m", "observatory.cli", "backfill", "--source",
                       "hub-weekly"]
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            if done.returncode != 0:
                print(done.stdout, done.stderr)
                return 1
            sent = hub.stats()["dataset_bytes"]
    finally:
        hub.stop()
    result = {"models": args.models, "file_bytes": size, "row_group": args.row_group,
              "seconds": round(seconds, 1), "peak_rss_mb": round(peak),
              "bytes_transferred": sent, "share_of_file": round(sent / size, 4),
              "output": done.stdout.strip().splitlines()}
    print(done.stdout.strip())
    print(f"backfill of one weekly file: {seconds:.1f} s (target <= 25), peak RSS {peak:,.0f} MB "
          f"(target <= 1,500), transferred {sent / 1e6:,.0f} MB = {sent / size:.1%} of the file "
          "(target <= 20%)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
