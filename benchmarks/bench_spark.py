"""Benchmark: DuckDB and local Spark on 2 cores (``local[2]``), side by side, at growing sizes.

Every step runs in its own child process, once per backend; its time is the child's wall time
and its peak memory the peak of the summed RSS of the child and all its descendants (the Spark
JVM is one), sampled every 50 ms from ``/proc`` (psutil is not a dependency). Before each step
the benchmark waits (``--settle``, up to 120 s) for the machine to be near idle, and it reports
the CPU time of the step's processes and of everything else meanwhile (``others``: other load
that shared the 2 cores). A step that uses no CPU for ``--stall`` seconds (default 300) is
killed as hung, with ``jstack`` of its JVM saved next to the results; ``--timeout`` (3600 s)
bounds every step.

1. The Hub history views of ``bench_hub_history.py`` over its cached store (``--snapshots``,
   default 26 and 104 weekly snapshots of ``--models`` 2,500,000 models; its builder writes the
   store and the aggregates on first use, untimed): ``downloads --by family --crossings``,
   ``share --by country --first-year``, ``likes --as-of --earlier``, each as a user runs it,
   ``observatory ... --backend duckdb|spark``, and whether both print the same. The Spark views
   include starting the JVM, which ``spark session start`` (a child that only starts the
   session) measures on its own.
2. Root resolution (``lineage.roots.resolve_roots``) over ``bench_lineage.py``'s synthetic graph
   (``--sizes``, default 300,000, 1,000,000 and 3,000,000 models, two thirds as many edges),
   read from one Parquet file by the backend, forced as ``bench_lineage`` forces it (the roots
   cached, then counted by status). On Spark the connection is the product's
   (``store.spark.session`` then ``ibis_connect`` on a new session); the session start is timed
   apart, so the step reports its wall time with and without it (``excl.start``). The two
   backends' counts by status are compared.
3. The crossover: per step, a straight line ``seconds = a + b * rows`` (and one for peak MB)
   through each backend's sizes, and the size where Spark's line crosses DuckDB's, if Spark's
   slope is the smaller.

Spark runs on ``OBSERVATORY_SPARK_MASTER=local[2]`` with ``spark.driver.memory`` set explicitly
(``--driver-memory``, default 8g) through ``OBSERVATORY_SPARK_CONF``.

Run: ``make bench-spark`` or ``.venv/bin/python benchmarks/bench_spark.py [--quick]
[--snapshots 26 104] [--models 2500000] [--sizes 300000 1000000 3000000] [--driver-memory 8g]``
(``--quick``: 4 and 8 snapshots of 200,000 models, graphs of 100,000 and 300,000 models, about
6 minutes). Writes ``benchmarks/results/spark.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hub_history import prepare, view_commands  # the same store and views
from bench_lineage import synthetic_graph  # the same graph

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "spark.json"
CACHE = Path(tempfile.gettempdir()) / "observatory-bench"
MASTER = "local[2]"
BACKENDS = ("duckdb", "spark")
INTERVAL = 0.05  # seconds between memory samples

SETTINGS = """
try:
    from observatory.store.spark import SparkSettings
except ImportError:  # where it was first
    from observatory.config import SparkSettings
"""

START = SETTINGS + """
import json, sys, time
from observatory.store.spark import session
began = time.perf_counter()
session(SparkSettings.from_env()).range(1).count()
print(json.dumps({"start_s": time.perf_counter() - began}))
"""

ROOTS = SETTINGS + """
import json, sys, time
import ibis
from observatory.lineage.edges import declared_edges, graph_edges
from observatory.lineage.roots import resolve_roots
from observatory.store.catalog import cached
backend, path = sys.argv[1], sys.argv[2]
began = time.perf_counter()
if backend == "spark":
    from observatory.store import spark
    con = spark.ibis_connect(spark.session(SparkSettings.from_env()).newSession())
else:
    con = ibis.duckdb.connect()
start_s = time.perf_counter() - began
began = time.perf_counter()
models = con.read_parquet(path)
roots = resolve_roots(models, graph_edges(declared_edges(models))).pipe(cached)
summary = roots.group_by("status").agg(n=roots.count(), depth=roots.depth.max()).to_pandas()
print(json.dumps({"start_s": start_s, "query_s": time.perf_counter() - began,
                  "pairs": int(summary.n.sum()), "max_depth": int(summary.depth.max()),
                  "status": dict(sorted(zip(summary.status, summary.n.astype(int).tolist())))}))
"""


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    cpu_s: float  # CPU time of the child's process tree
    other_cpu_s: float  # CPU time the rest of the machine used meanwhile (other load)
    returncode: int
    stdout: str
    stderr: str
    killed: str = ""  # why the benchmark killed it, if it did


TICK = os.sysconf("SC_CLK_TCK")


def processes() -> dict[int, tuple[int, float]]:
    """``pid -> (parent pid, CPU seconds)`` of every process now running."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return found


def descendants(root: int, running: dict[int, tuple[int, float]]) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in running.items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK


def settle(limit: float, cores: float = 0.25) -> None:
    """Wait (up to ``limit`` seconds) until the machine is near idle: other work (tests, another
    benchmark) would be timed with the step."""
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        busy = machine_busy_s()
        time.sleep(3)
        if (machine_busy_s() - busy) / 3 < cores:
            return
    print(f"  (the machine stayed busy for {limit:.0f} s: timing anyway)", flush=True)


def stack_dumps(tree: list[int], label: str) -> None:
    """``jstack`` of every JVM in ``tree``, next to the results, for a step that stalled."""
    for pid in tree:
        try:
            if Path(f"/proc/{pid}/exe").resolve().name != "java":
                continue
        except OSError:
            continue
        dump = subprocess.run(["jstack", str(pid)], capture_output=True, text=True, check=False)
        path = RESULTS.parent / f"spark-stall-{label}-{pid}.txt"
        path.write_text(dump.stdout + dump.stderr)
        print(f"  stack of the stalled JVM: {path}", flush=True)


def measure(command: list[str], env: dict[str, str], timeout: float, stall: float,
            label: str) -> Measured:
    """Run ``command`` in a new process group: wall time, peak summed RSS of its process tree
    (psutil is not a dependency: ``/proc``), its CPU time. The group is killed after
    ``timeout`` seconds, or when the tree used under a second of CPU in ``stall`` seconds."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        busy, started = machine_busy_s(), time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=err, text=True,
                                start_new_session=True)
        peak, cpu, killed = 0.0, {proc.pid: 0.0}, ""
        progress = (started, 0.0)  # when the tree's CPU time last grew by a second, and to what
        while proc.poll() is None:
            running = processes()
            tree = descendants(proc.pid, running)
            peak = max(peak, sum(rss_kb(pid) for pid in tree) / 1024)
            cpu.update({pid: running[pid][1] for pid in tree if pid in running})
            now = time.perf_counter()
            if sum(cpu.values()) > progress[1] + 1:
                progress = (now, sum(cpu.values()))
            if now - started > timeout:
                killed = f"killed after {now - started:.0f} s (--timeout {timeout:.0f})"
            elif now - progress[0] > stall:
                killed = (f"stalled: no CPU used for {now - progress[0]:.0f} s (--stall), killed after "
                          f"{now - started:.0f} s")
                stack_dumps(tree, label)
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(INTERVAL)
        seconds = time.perf_counter() - started
        other = machine_busy_s() - busy - sum(cpu.values())
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # a JVM outliving its Python goes with it
        out.seek(0)
        err.seek(0)
        return Measured(seconds, peak, sum(cpu.values()), max(0.0, other), proc.returncode,
                        out.read(), err.read(), killed)


@dataclass(frozen=True)
class Limits:
    memory: str  # spark.driver.memory
    timeout: float  # seconds a step may take
    stall: float  # seconds a step may use no CPU
    settle: float  # seconds to wait for an idle machine before a step


def environment(backend: str, limits: Limits, home: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "HF_HUB_DISABLE_TELEMETRY": "1", "OBSERVATORY_BACKEND": backend,
           "OBSERVATORY_SPARK_MASTER": MASTER,
           "OBSERVATORY_SPARK_CONF": f"spark.driver.memory={limits.memory}"}
    if home is not None:
        env["OBSERVATORY_HOME"] = str(home)
    return env


def failure(done: Measured) -> str:
    if done.killed:
        return done.killed
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    return "\n".join(lines[-12:]) or f"exit code {done.returncode}"


def step(limits: Limits, label: str, size: str, rows: int, backend: str, command: list[str],
         home: Path | None = None) -> tuple[dict[str, Any], Measured]:
    """Run one step in a child and describe it (with the last JSON line it printed, if any)."""
    tag = "".join(c if c.isalnum() else "-" for c in f"{label}-{size}-{backend}")
    settle(limits.settle)
    done = measure(command, environment(backend, limits, home), limits.timeout, limits.stall, tag)
    ok = done.returncode == 0 and not done.killed
    result = {"step": label, "size": size, "rows": rows, "backend": backend, "ok": ok,
              "seconds": round(done.seconds, 2), "peak_mb": round(done.peak_mb),
              "cpu_s": round(done.cpu_s, 1), "other_cpu_s": round(done.other_cpu_s, 1)}
    if ok and command[1] == "-c":
        result.update(json.loads(done.stdout.strip().splitlines()[-1]))
    if not ok:
        result["error"] = failure(done)
        print(f"  FAILED {label} [{size}] on {backend}: {result['error']}", flush=True)
    else:
        print(f"  {label:36s} {size:22s} {backend:6s} {done.seconds:7.1f} s {done.peak_mb:7.0f} MB "
              f"(CPU {done.cpu_s:.0f} s; others meanwhile {done.other_cpu_s:.0f} s)", flush=True)
    return result, done


def spark_start(limits: Limits) -> dict[str, Any]:
    return step(limits, "spark session start", MASTER, 0, "spark", [sys.executable, "-c", START])[0]


def history(snapshots: int, models: int, limits: Limits) -> list[dict[str, Any]]:
    """The three views over the cached store, on each backend; the same output on both?"""
    from observatory.api import Observatory

    home = prepare(snapshots, models)
    Observatory(home, backend="duckdb").update_aggregates()  # the newest snapshot's, as it landed
    size = f"{snapshots} x {models:,}"
    rows = []
    for label, command in view_commands(snapshots).items():
        outputs = {}
        for backend in BACKENDS:
            result, done = step(limits, label, size, snapshots * models, backend,
                                [sys.executable, "-m", "observatory.cli", *command, "--backend", backend],
                                home)
            outputs[backend] = done.stdout
            rows.append(result)
        if rows[-1]["ok"] and rows[-2]["ok"]:
            rows[-1]["same_output"] = outputs["duckdb"] == outputs["spark"]
    return rows


def graph_file(models: int) -> Path:
    """``bench_lineage``'s graph of ``models`` models, two thirds as many edges (cached)."""
    path = CACHE / f"graph-{models}.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        pq.write_table(synthetic_graph(models, models * 2 // 3), path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
        print(f"graph of {models:,} models written in {time.perf_counter() - began:.0f} s", flush=True)
    return path


def roots(models: int, limits: Limits) -> list[dict[str, Any]]:
    """Root resolution on each backend; the same counts by status on both?"""
    path = graph_file(models)
    rows = [step(limits, "roots (resolve_roots)", f"{models:,} models", models, backend,
                 [sys.executable, "-c", ROOTS, backend, str(path)])[0] for backend in BACKENDS]
    if all(r["ok"] for r in rows):
        rows[-1]["same_output"] = rows[0]["status"] == rows[1]["status"]
        if not rows[-1]["same_output"]:
            print(f"  counts by status differ: duckdb {rows[0]['status']}, spark {rows[1]['status']}",
                  flush=True)
    return rows


def line(points: list[tuple[int, float]]) -> tuple[float, float] | None:
    """Least-squares ``(a, b)`` of ``seconds = a + b * rows``; None below two sizes."""
    if len({n for n, _ in points}) < 2:
        return None
    mean_n = sum(n for n, _ in points) / len(points)
    mean_s = sum(s for _, s in points) / len(points)
    slope = (sum((n - mean_n) * (s - mean_s) for n, s in points)
             / sum((n - mean_n) ** 2 for n, _ in points))
    return mean_s - slope * mean_n, slope


def crossover(rows: list[dict[str, Any]], field: str = "seconds") -> list[dict[str, Any]]:
    """Per step timed in ``field``: each backend's fitted line, the row count where Spark's
    crosses DuckDB's, and how fast each one's peak memory grows."""
    found = []
    for label in dict.fromkeys(r["step"] for r in rows if r["rows"] and field in r):
        mine = [r for r in rows if r["step"] == label and r["ok"]]
        fits = {b: line([(r["rows"], r[field]) for r in mine if r["backend"] == b]) for b in BACKENDS}
        memory = {b: line([(r["rows"], r["peak_mb"]) for r in mine if r["backend"] == b])
                  for b in BACKENDS}
        duck, spark = fits["duckdb"], fits["spark"]
        if duck is None or spark is None:
            continue
        if duck[1] <= 0 or spark[1] <= 0:  # timings flat or noisy over these sizes: no trend
            verdict, at = "no trend: a slope is not positive over these sizes", None
        elif spark[1] >= duck[1]:
            verdict, at = "no crossover: Spark's time grows as fast or faster", None
        else:
            at = max(0, round((spark[0] - duck[0]) / (duck[1] - spark[1])))
            verdict = f"Spark faster above ~{at:,} rows (straight-line extrapolation)"
        found.append({"step": label if field == "seconds" else f"{label}, excl. start",
                      "duckdb_fixed_s": round(duck[0], 2),
                      "duckdb_s_per_million_rows": round(duck[1] * 1e6, 3),
                      "spark_fixed_s": round(spark[0], 2),
                      "spark_s_per_million_rows": round(spark[1] * 1e6, 3),
                      "spark_faster_above_rows": at, "verdict": verdict,
                      **{f"{b}_peak_mb_per_million_rows": round(m[1] * 1e6, 1)
                         for b, m in memory.items() if m is not None}})
    return found


def code_state() -> dict[str, str]:
    """The commit measured, and a hash of the uncommitted changes to src/ (edited meanwhile?)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout

    diff = git("diff", "HEAD", "--", "src")
    return {"commit": git("rev-parse", "HEAD").strip(),
            "src_uncommitted_sha256": hashlib.sha256(diff.encode()).hexdigest()[:16] if diff else ""}


def table(rows: list[dict[str, Any]]) -> str:
    head = (f"{'step':36s} {'size':22s} {'backend':7s} {'seconds':>8s} {'excl.start':>10s} "
            f"{'peak MB':>8s} {'CPU s':>6s} {'others':>6s} {'spark/duckdb':>12s}  same")
    lines = [head, "-" * len(head)]
    duck: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        if r["backend"] == "duckdb":
            duck[(r["step"], r["size"])] = r
        seconds = f"{r['seconds']:8.1f}" if r["ok"] else "  FAILED"
        query = f"{r['query_s']:10.1f}" if r["ok"] and "query_s" in r else ""
        other = duck.get((r["step"], r["size"]))
        ratio = (f"{r['seconds'] / other['seconds']:11.1f}x" if r["backend"] == "spark" and other
                 and r["ok"] and other["ok"] else "")
        same = {True: "yes", False: "NO"}.get(r.get("same_output"), "")
        lines.append(f"{r['step']:36s} {r['size']:22s} {r['backend']:7s} {seconds} {query:>10s} "
                     f"{r['peak_mb']:8.0f} {r['cpu_s']:6.0f} {r['other_cpu_s']:6.0f} {ratio:>12s}  {same}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--snapshots", type=int, nargs="+", default=[26, 104])
    parser.add_argument("--models", type=int, default=2_500_000, help="models per Hub snapshot")
    parser.add_argument("--sizes", type=int, nargs="+", default=[300_000, 1_000_000, 3_000_000],
                        help="models in the lineage graph")
    parser.add_argument("--driver-memory", default="8g", help="spark.driver.memory")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per step")
    parser.add_argument("--stall", type=float, default=300,
                        help="kill a step whose processes used no CPU for this many seconds")
    parser.add_argument("--settle", type=float, default=120,
                        help="seconds to wait for an idle machine before each step")
    args = parser.parse_args()
    if args.quick:
        args.snapshots, args.models, args.sizes = [4, 8], 200_000, [100_000, 300_000]
    began, code = time.perf_counter(), code_state()
    print(f"Spark: OBSERVATORY_SPARK_MASTER={MASTER} "
          f"OBSERVATORY_SPARK_CONF=spark.driver.memory={args.driver_memory}; {os.cpu_count()} cores",
          flush=True)
    limits = Limits(args.driver_memory, args.timeout, args.stall, args.settle)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    rows = [spark_start(limits)]
    for snapshots in args.snapshots:
        rows += history(snapshots, args.models, limits)
    for models in args.sizes:
        rows += roots(models, limits)
    crossings = crossover(rows) + crossover(rows, "query_s")
    total = time.perf_counter() - began
    print("\n" + table(rows))
    print("\nstraight lines through the sizes (seconds = fixed + per-row cost):")
    for c in crossings:
        print(f"  {c['step']:36s} duckdb {c['duckdb_fixed_s']:6.1f} s + {c['duckdb_s_per_million_rows']:6.3f}"
              f" s/M rows; spark {c['spark_fixed_s']:6.1f} s + {c['spark_s_per_million_rows']:6.3f} s/M rows:"
              f" {c['verdict']}")
        if "duckdb_peak_mb_per_million_rows" in c and "spark_peak_mb_per_million_rows" in c:
            print(f"  {'':36s} peak memory grows {c['duckdb_peak_mb_per_million_rows']:.0f} MB (duckdb), "
                  f"{c['spark_peak_mb_per_million_rows']:.0f} MB (spark) per million rows")
    print("(excl.start: without starting the backend's session; CPU s: the step's processes; others: the "
          "rest of the machine meanwhile)")
    print(f"\nwhole run {total / 60:.1f} min")
    if code_state() != code:
        print("note: src/ changed while the benchmark ran (another edit): steps measured different code")
    RESULTS.write_text(json.dumps({
        "code": {"start": code, "end": code_state()}, "master": MASTER,
        "driver_memory": args.driver_memory, "cores": os.cpu_count(),
        "snapshots": args.snapshots, "models": args.models, "graph_sizes": args.sizes,
        "rows": rows, "crossover": crossings, "total_s": round(total, 1)}, indent=2) + "\n")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
