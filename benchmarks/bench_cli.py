"""Benchmark: how fast the ``observatory`` command starts, as whole processes.

What it measures, on a data home holding every shipped file of ``../shared/data`` (imported once
into a temporary folder, or ``--home`` to reuse one):

- ``observatory --help``: the command table only (target: <= 0.4 s median);
- ``observatory leaders --as-of 2025-07-18``: a real view on the shipped store (targets:
  <= 0.8 s median and <= 200 MB peak RSS);
- ``python -c "import observatory.cli"``, and, as a floor for this machine, a bare
  ``python -c "import ibis, pandas, duckdb, pyarrow"``: any command that reads the store loads
  these four, so a slow machine shows here first.

Each command runs once to warm the file cache (and to write the bytecode of the project's own
modules, as a user's installation has it; ``PYTHONDONTWRITEBYTECODE`` is unset), then 5 times;
the wall time of each run is taken around the child process and its peak RSS from ``wait4``.
The median, min and max are printed and written to ``benchmarks/results/cli.json``.

``--pythonpath DIR`` runs another checkout's ``src`` with this environment (e.g. the commit
before a change, for a before/after pair).

Run: ``make bench-cli`` or ``.venv/bin/python benchmarks/bench_cli.py [--strict]``.
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

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results" / "cli.json"
RUNS = 5
TARGETS = {"observatory --help": {"seconds": 0.4},
           "observatory leaders --as-of 2025-07-18": {"seconds": 0.8, "peak_mb": 200.0}}


def commands() -> dict[str, list[str]]:
    python = sys.executable
    script = Path(python).parent / "observatory"  # the console script users run
    entry = [str(script)] if script.exists() else [python, "-m", "observatory.cli"]
    return {
        "observatory --help": [*entry, "--help"],
        "observatory leaders --as-of 2025-07-18": [*entry, "leaders", "--as-of", "2025-07-18"],
        "python -c 'import observatory.cli'": [python, "-c", "import observatory.cli"],
        "floor: python -c 'import ibis, pandas, duckdb, pyarrow'":
            [python, "-c", "import ibis, pandas, duckdb, pyarrow"],
    }


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit status of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.stderr is not None:
        child.stderr.close()
    return seconds, usage.ru_maxrss / 1024, child.returncode


def measure(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    run_once(command, env)  # warm-up: the file cache, .pyc files
    runs = [run_once(command, env) for _ in range(RUNS)]
    failed = [code for _, _, code in runs if code != 0]
    if failed:
        raise SystemExit(f"{' '.join(command)} exited with {failed[0]}")
    seconds = [s for s, _, _ in runs]
    peaks = [p for _, p, _ in runs]
    return {"seconds": statistics.median(seconds), "seconds_min": min(seconds),
            "seconds_max": max(seconds), "peak_mb": statistics.median(peaks)}


def build_home(home: Path, env: dict[str, str]) -> None:
    if not SHARED.exists():
        raise SystemExit(f"real data not found at {SHARED} (expected ../shared/data beside the repo)")
    print(f"importing {SHARED} into {home} ...", flush=True)
    subprocess.run([sys.executable, "-m", "observatory.cli", "import", str(SHARED)], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a data home that already holds the shipped data")
    parser.add_argument("--pythonpath", type=Path, help="run this src folder instead")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        home = args.home or Path(scratch) / "home"
        env = {**os.environ, "OBSERVATORY_HOME": str(home), "HF_HUB_DISABLE_TELEMETRY": "1",
               "OBSERVATORY_REGISTRY": str(Path(scratch) / "no-overrides"), "COLUMNS": "200"}
        # As installed for a user: bytecode is written on the first (warm-up) run and read after.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if args.pythonpath:
            env["PYTHONPATH"] = str(args.pythonpath.resolve())
        if args.home is None:
            build_home(home, env)
        results = {name: measure(command, env) for name, command in commands().items()}
    missed = []
    print(f"{'command':58} {'median s':>9} {'min':>6} {'max':>6} {'peak MB':>8}  target")
    for name, figures in results.items():
        target = TARGETS.get(name, {})
        misses = [key for key, bound in target.items() if figures[key] > bound]
        missed += [f"{name}: {key}" for key in misses]
        wanted = ", ".join(f"{k} <= {v}" for k, v in target.items()) or "-"
        print(f"{name:58} {figures['seconds']:9.2f} {figures['seconds_min']:6.2f} "
              f"{figures['seconds_max']:6.2f} {figures['peak_mb']:8.0f}  {wanted}"
              + ("  MISSED" if misses else ""))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"runs": RUNS, "pythonpath": str(args.pythonpath or ""),
                                   "results": results, "missed": missed}, indent=2))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
