"""Benchmark: ``observatory report``, the static site built from every shipped file, as a process.

What it measures, on a data home holding every shipped file of ``../shared/data`` (imported once
into a temporary folder, or ``--home`` to reuse one):

- ``observatory report --out TMP/site``: every page's views, the index's cards, the tables as
  CSV and (unless ``--no-images``) each chart drawn as PNG and SVG, written whole into the folder
  (target: <= 30 s median wall time on 2 cores);
- the site it leaves: files and MB on disk, and the pages with and without data (from
  ``manifest.json``: a page whose ``missing`` is set says which command would fill it).

The command runs once to warm the file cache (and to write the project's bytecode, as a user's
installation has it), then 3 times; the wall time of each run is taken around the child process
and its peak RSS and CPU time from ``wait4``. The median, min and max are printed and written to
``benchmarks/results/report.json``.

Run: ``make bench-report`` or ``.venv/bin/python benchmarks/bench_report.py [--home DIR]
[--no-images] [--strict]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import build_home  # the same data home as bench_cli

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "report.json"
RUNS = 3
TARGET_SECONDS = 30.0


def entry() -> list[str]:
    script = Path(sys.executable).parent / "observatory"  # the console script users run
    return [str(script)] if script.exists() else [sys.executable, "-m", "observatory.cli"]


def run_once(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB and CPU seconds (user + system: less swayed than the wall
    time by other work on the machine) of one run; exits with the command's stderr if it fails."""
    with log.open("wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {child.returncode}:\n"
                         f"{log.read_text(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def site_figures(site: Path) -> dict[str, Any]:
    files = [p for p in site.rglob("*") if p.is_file()]
    manifest = json.loads((site / "manifest.json").read_text())
    pages = manifest["pages"]
    missing = sorted(slug for slug, page in pages.items() if page.get("missing"))
    return {"files": len(files), "mb": sum(p.stat().st_size for p in files) / 1e6,
            "charts": sum(1 for p in files if p.parent.name == "charts"),
            "pages": len(pages), "pages_with_data": len(pages) - len(missing),
            "pages_without_data": missing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a data home that already holds the shipped data")
    parser.add_argument("--no-images", action="store_true", help="build without the PNG/SVG charts")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()
    load_before = os.getloadavg()  # other work on the machine shows here
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        home = args.home or Path(scratch) / "home"
        env = {**os.environ, "OBSERVATORY_HOME": str(home), "HF_HUB_DISABLE_TELEMETRY": "1",
               "OBSERVATORY_REGISTRY": str(Path(scratch) / "no-overrides"), "COLUMNS": "200"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if args.home is None:
            started = time.perf_counter()
            build_home(home, env)
            print(f"  imported in {time.perf_counter() - started:.1f} s", flush=True)
        site = Path(scratch) / "site"
        command = [*entry(), "report", "--out", str(site),
                   "--no-images" if args.no_images else "--images"]
        log = Path(scratch) / "report.log"
        print(f"warm-up: {' '.join(command[1:])} ...", flush=True)
        warm, _, _ = run_once(command, env, log)
        print(f"  {warm:.1f} s", flush=True)
        runs = []
        for number in range(1, RUNS + 1):
            runs.append(run_once(command, env, log))
            print(f"  run {number}: {runs[-1][0]:.1f} s, {runs[-1][1]:.0f} MB, "
                  f"{runs[-1][2]:.1f} CPU s", flush=True)
        built = log.read_text(errors="replace").strip().splitlines()
        figures = site_figures(site)
    seconds = [s for s, _, _ in runs]
    result = {"command": "observatory report --out TMP/site"
              + (" --no-images" if args.no_images else ""),
              "runs": RUNS, "warm_up_s": round(warm, 2),
              "seconds": round(statistics.median(seconds), 2),
              "seconds_min": round(min(seconds), 2), "seconds_max": round(max(seconds), 2),
              "peak_mb": round(statistics.median(p for _, p, _ in runs), 1),
              "cpu_s": round(statistics.median(c for _, _, c in runs), 2),
              "target_seconds": TARGET_SECONDS, "cores": os.cpu_count(),
              "loadavg_before": [round(x, 2) for x in load_before],
              "site": {**figures, "mb": round(figures["mb"], 2)},
              "stderr": built[-1] if built else ""}
    missed = result["seconds"] > TARGET_SECONDS
    result["missed"] = ["seconds"] if missed else []
    print()
    print(f"{'command':44} {'median s':>9} {'min':>6} {'max':>6} {'CPU s':>6} {'peak MB':>8}  target")
    print(f"{result['command']:44} {result['seconds']:9.2f} {result['seconds_min']:6.2f} "
          f"{result['seconds_max']:6.2f} {result['cpu_s']:6.1f} {result['peak_mb']:8.0f}  "
          f"seconds <= {TARGET_SECONDS:g}"
          + ("  MISSED" if missed else ""))
    print(f"site: {figures['files']} files ({figures['charts']} charts), {figures['mb']:.1f} MB; "
          f"{figures['pages_with_data']} of {figures['pages']} pages with data"
          + (f", without: {', '.join(figures['pages_without_data'])}"
             if figures["pages_without_data"] else ""))
    print(f"{os.cpu_count()} cores; load average before {load_before[0]:.2f}")
    if result["stderr"]:
        print(f"report said: {result['stderr']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
