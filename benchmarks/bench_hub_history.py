"""Benchmark: Hub views over a long history, and the aggregates of a newly landed snapshot.

Writes ``--snapshots`` (default 104: two years of weekly files) synthetic whole-Hub snapshots of
``--models`` (default 2,500,000) models straight into a store (not through the backfill; the
store is cached under the temp folder between runs), computes the per-snapshot aggregates of all
but the newest (untimed setup, as each would have been computed when it landed), then times:

1. the aggregates of the newest snapshot, as when it lands (target <= 10 s);
2. ``downloads --by family --crossings``, ``share --by country --first-year`` over the first and
   last dates, and ``likes --as-of LAST --earlier FIRST``, each in its own child process as a
   user runs them (target <= 30 s together on 2 cores; 26 snapshots took 58.5 s before the
   aggregates).

Run: ``.venv/bin/python benchmarks/bench_hub_history.py [--snapshots 104] [--models 2500000]``;
writes ``benchmarks/results/hub_history.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hub import synthetic_snapshots  # the same synthetic Hub as bench_hub

if TYPE_CHECKING:
    from observatory.api import Observatory

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "hub_history.json"
FIRST = date(2025, 1, 5)  # bench_hub's first snapshot date


def run(home: Path, *args: str) -> float:
    env = {**os.environ, "OBSERVATORY_HOME": str(home), "HF_HUB_DISABLE_TELEMETRY": "1"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "observatory.cli", *args], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"observatory {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


def newest_snapshot(obs: Observatory) -> str:
    return max((m for m in obs.store.manifests() if m["format"] == "hub-api"),
               key=lambda m: m["snapshot_date"])["snapshot_id"]


def prepare(snapshots: int, models: int) -> Path:
    """The cached store of ``snapshots`` x ``models`` (written on first use) with the aggregates
    of all but the newest snapshot computed (untimed setup); sets ``OBSERVATORY_REGISTRY``."""
    from observatory.api import Observatory

    home = Path(tempfile.gettempdir()) / "observatory-bench" / f"history-{snapshots}-{models}"
    os.environ["OBSERVATORY_REGISTRY"] = str(home.parent / "no-overrides")
    if not (home / "written").exists():
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        setup = synthetic_snapshots(home, models, snapshots)
        print(f"wrote {snapshots} snapshots x {models:,} models in {setup:.0f} s", flush=True)
        (home / "written").write_text("")
    if not (home / "ready").exists():
        obs = Observatory(home)
        started = time.perf_counter()
        obs.update_aggregates(skip={newest_snapshot(obs)})
        print(f"aggregates of the older snapshots (setup): {time.perf_counter() - started:.0f} s",
              flush=True)
        (home / "ready").write_text("")
    return home


def view_commands(snapshots: int) -> dict[str, tuple[str, ...]]:
    """The three timed views over ``snapshots`` weekly snapshots, as CLI arguments by label."""
    last = FIRST + timedelta(days=7 * (snapshots - 1))
    return {
        "downloads --by family --crossings": ("downloads", "--by", "family", "--crossings"),
        "share --by country --first-year": ("share", "--by", "country", "--first-year",
                                            "--window", f"{FIRST}:{last}"),
        "likes --as-of --earlier": ("likes", "--as-of", last.isoformat(), "--earlier",
                                    FIRST.isoformat(), "--pipeline-tag", "any"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=104)
    parser.add_argument("--models", type=int, default=2_500_000)
    args = parser.parse_args()
    from observatory.api import Observatory

    home = prepare(args.snapshots, args.models)
    obs = Observatory(home)
    newest = newest_snapshot(obs)
    for manifest in obs.store.manifests():  # as if the newest snapshot had just landed
        if manifest.get("query", {}).get("hub_snapshot") == newest:
            shutil.rmtree(manifest["_dir"])
    obs = Observatory(home)
    started = time.perf_counter()
    landed = obs.update_aggregates()
    one = time.perf_counter() - started
    print(f"aggregates of one newly landed snapshot: {one:.1f} s (target <= 10) "
          f"[{len(landed)} computed]", flush=True)
    times = {}
    for label, command in view_commands(args.snapshots).items():
        times[label] = run(home, *command)
        print(f"  {label:36s} {times[label]:6.1f} s", flush=True)
    total = sum(times.values())
    print(f"the three views over {args.snapshots} snapshots x {args.models:,} models: {total:.1f} s "
          "(target <= 30)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"snapshots": args.snapshots, "models": args.models,
                                   "aggregates_one_snapshot_s": round(one, 1),
                                   "views_s": {k: round(v, 1) for k, v in times.items()},
                                   "views_total_s": round(total, 1)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
