"""Benchmark: ``observatory serve`` under concurrent clients, on loopback.

What it measures, on a data home holding every shipped file of ``../shared/data`` (imported once
into a temporary folder, or ``--home`` to reuse one):

1. ``observatory serve --port PORT --site TMP/site --cache-mb N`` starts as a child process (a
   free loopback port; an empty site folder, so Vega is bundled in memory) and is polled until
   ``/openapi.json`` answers (the start-up time is recorded);
2. warm-up: one request per URL of the mix, in order, each recorded as a *cold* latency (the first
   request of a query computes it; the server keeps the result until the store changes). The
   pages come first: the server computes the index (and with it every page) in a background
   thread from its start, and one computation runs at a time, so ``/`` measures the time left
   until the pages are ready and the API's cold latencies after it are each query's own. A URL
   that does not answer 200 is dropped from the load and flagged (a missed target);
3. load: ``--clients`` (default 50) closed-loop clients for ``--seconds`` (default 30), each
   looping over the mix from its own starting point, so every request after warm-up is served
   from the server's cache. Every request's latency (send to whole body read) and status are
   recorded; an error is a non-200 answer or an exception (a timeout of 30 s included);
4. memory: the server's resident set (VmRSS) after the load, then after ``--distinct`` (default
   1,000) queries it has never seen, one at a time (``distinct_queries``: ``/api/top`` at other
   dates and sizes, ``/api/leaders`` per category, style control and date, ``/api/derivatives`` per
   date, each a new lineage graph, ``/api/gap`` per category and index version (each a new board
   selection for the catalog), ``/api/org-ranks`` per count and category), each computed and
   kept. Its growth must stay within the answer cache's bound plus
   50 MB: what else the server keeps per query (the catalog's temporary tables, DuckDB's memory)
   is bounded too.

The mix: the pages ``/`` and ``/q01-leaders.html``, plus 23 JSON queries across /api/leaders,
timeline, lead-changes, gap, top, org-ranks, likes, derivatives, licences, architecture and
snapshots. /api/downloads and /api/share are left out: they answer 404 on the shipped
store (it holds no whole-Hub snapshots).

The clients are asyncio tasks in this process, each with its own keep-alive connection and a
minimal HTTP/1.1 GET (``Connection``: httpx cost the client more CPU per request than the server
took, so it measured itself); one thread, so no GIL convoy among 50 client threads skews the
timings. The
client shares the machine's cores with the server, and its event loop's delay is part of each
latency; the CPU time of the client and of the server over the load is printed (as % of one core)
to show how much of the machine each took.

Targets: p95 <= 100 ms over the load, zero errors, and RSS growth over the distinct queries
<= cache bound + 50 MB. Closed-loop clients without think time
obey Little's law (mean latency = clients / throughput): 50 clients within 100 ms need the server
to answer some 500 cached requests a second. Figures are printed and written to
``benchmarks/results/serve.json``.

Run: ``make bench-report`` or ``.venv/bin/python benchmarks/bench_serve.py [--home DIR]
[--clients 50] [--seconds 30] [--cache-mb 64] [--distinct 1000] [--strict]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import build_home  # the same data home as bench_cli

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "serve.json"
TARGET_P95_MS = 100.0
GROWTH_ALLOWANCE_MB = 50.0  # beyond the answer cache's bound
START_TIMEOUT = 120.0  # seconds for the server to answer at all
COLD_TIMEOUT = 600.0  # one cold request (``/`` computes every page)
LOAD_TIMEOUT = 30.0

# Each answers 200 on the shipped store (checked again at warm-up).
MIX = [
    "/",
    "/q01-leaders.html",
    "/api/leaders",
    "/api/leaders?by=org",
    "/api/leaders?as_of=2025-01-01",
    "/api/leaders?board=aa&category=intelligence",
    "/api/leaders?board=vision",
    "/api/leaders?category=coding&style_control=true",
    "/api/timeline",
    "/api/timeline?by=org",
    "/api/lead-changes",
    "/api/lead-changes?by=org",
    "/api/gap",
    "/api/gap?style_control=true",
    "/api/top?n=20",
    "/api/top?n=200",
    "/api/top?by=country",
    "/api/org-ranks",
    "/api/likes",
    "/api/likes?pipeline_tag=any",
    "/api/derivatives?by=root-country",
    "/api/derivatives?by=root-family",
    "/api/licences?by=country&period=year",
    "/api/architecture?period=quarter",
    "/api/snapshots",
]


CATEGORIES = ["chinese", "coding", "creative_writing", "english", "french", "full", "german",
              "hard_6", "hard_english_6", "if", "japanese", "korean", "long_user", "math",
              "multiturn", "no_refusal", "no_short", "no_tie", "russian", "spanish"]


def distinct_queries(count: int) -> list[str]:
    """``count`` API queries, none in the mix and no two alike, over the views whose arguments
    are free: dates, sizes, categories (some answer 404 or 422: a date before the first board, a
    category a board lacks; those are kept too)."""
    start, hub_start = date(2023, 7, 1), date(2024, 7, 7)
    found: list[str] = []
    for i in range(count):
        day, category = start + timedelta(days=i), CATEGORIES[i % len(CATEGORIES)]
        style = "true" if (i // len(CATEGORIES)) % 2 else "false"
        kind = i % 6
        if kind == 0:
            found.append(f"/api/top?n={50 + i % 151}&open_only=false&as_of={day}")
        elif kind == 1:
            found.append(f"/api/leaders?by=org&category={category}&style_control={style}"
                         f"&as_of={day}")
        elif kind == 2:
            found.append(f"/api/derivatives?as_of={hub_start + timedelta(days=i // 6)}")
        elif kind == 3:
            group = i // 6  # unique (count, category) up to 1,000 groups
            found.append(f"/api/org-ranks?orgs={1 + group % 50}"
                         f"&category={CATEGORIES[(group // 50) % len(CATEGORIES)]}")
        elif kind == 4:
            found.append(f"/api/gap?category={category}&style_control={style}&index_version=v{i}")
        else:
            found.append(f"/api/top?n={1 + i % 200}&by=country&as_of={day}")
    assert len(set(found)) == count
    return found


def rss_mb(pid: int) -> float:
    """The process's resident set (Linux /proc), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for process {pid}")


def grow(base: str, urls: list[str], server_pid: int) -> dict[str, Any]:
    """The distinct queries one at a time; the server's RSS before, every 100 and after, the
    statuses per view and the bytes of the answers (what the cache had to hold, or drop)."""
    before = rss_mb(server_pid)
    statuses: dict[str, dict[str, int]] = {}
    answered = 0
    trace = []
    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=COLD_TIMEOUT) as client:
        for number, url in enumerate(urls, start=1):
            try:
                response = client.get(url)
                status = str(response.status_code)
                answered += len(response.content)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            view = statuses.setdefault(url.split("?")[0], {})
            view[status] = view.get(status, 0) + 1
            if number % 100 == 0:
                trace.append(round(rss_mb(server_pid) - before, 1))
                print(f"  {number:5} queries {time.perf_counter() - started:6.1f} s: RSS "
                      f"{before + trace[-1]:.0f} MB ({trace[-1]:+.0f})", flush=True)
    after = rss_mb(server_pid)
    return {"queries": len(urls), "seconds": round(time.perf_counter() - started, 1),
            "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1),
            "growth_mb": round(after - before, 1), "growth_every_100_mb": trace,
            "answers_mb": round(answered / 2**20, 1), "statuses": statuses}


def entry() -> list[str]:
    script = Path(sys.executable).parent / "observatory"  # the console script users run
    return [str(script)] if script.exists() else [sys.executable, "-m", "observatory.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < START_TIMEOUT:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}:\n"
                             f"{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {START_TIMEOUT:.0f} s")


def warm_up(base: str) -> dict[str, dict[str, Any]]:
    """One request per URL, in order: cold latency (ms), status and body size."""
    cold: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base, timeout=COLD_TIMEOUT) as client:
        for url in MIX:
            started = time.perf_counter()
            try:
                response = client.get(url)
                status, size = response.status_code, len(response.content)
                note = "" if status == 200 else response.text[:200]
            except httpx.HTTPError as exc:
                status, size, note = 0, 0, repr(exc)
            ms = (time.perf_counter() - started) * 1000
            cold[url] = {"ms": round(ms, 1), "status": status, "bytes": size}
            if note:
                cold[url]["error"] = note
            print(f"  {url:50} {status:4} {ms:9.1f} ms {size / 1000:8.1f} kB"
                  + ("  DROPPED" if status != 200 else ""), flush=True)
    return cold


class Connection:
    """One keep-alive HTTP/1.1 connection with just enough of a client to measure the server:
    a GET, the status line, and a body read by its Content-Length (every answer in the mix has
    one). httpx took 1.6-2.0 ms of client CPU per request here, more than the server's 1.1 ms,
    so with it the 50 clients measured mostly themselves."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str) -> int:
        assert self.reader is not None and self.writer is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n"
                          .encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise ValueError(f"{path}: an answer without Content-Length")
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


async def load(base: str, urls: list[str], clients: int, seconds: float, server_pid: int
               ) -> tuple[list[tuple[int, float, int]], float, float, float]:
    """(url index, latency ms, status or 0 for an exception) per request, the elapsed seconds,
    and the CPU seconds the server and this process took meanwhile."""
    records: list[tuple[int, float, int]] = []
    host, port = base.removeprefix("http://").split(":")
    # Each client its own keep-alive connection, opened before the clock starts.
    pool = [Connection(host, int(port)) for _ in range(clients)]
    await asyncio.gather(*(connection.open() for connection in pool))
    server_cpu, client_cpu = cpu_seconds(server_pid), own_cpu_seconds()
    started = time.perf_counter()
    deadline = started + seconds

    async def one_client(number: int) -> None:
        connection, index = pool[number], number % len(urls)
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                status = await asyncio.wait_for(connection.get(urls[index]), LOAD_TIMEOUT)
            except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError):
                status = 0
                await connection.close()  # a broken connection is not reused
                await connection.open()
            records.append((index, (time.perf_counter() - sent) * 1000, status))
            index = (index + 1) % len(urls)

    try:
        await asyncio.gather(*(one_client(n) for n in range(clients)))
        return (records, time.perf_counter() - started, cpu_seconds(server_pid) - server_cpu,
                own_cpu_seconds() - client_cpu)
    finally:
        await asyncio.gather(*(connection.close() for connection in pool))


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"p50_ms": round(percentile(ordered, 50), 1), "p95_ms": round(percentile(ordered, 95), 1),
            "p99_ms": round(percentile(ordered, 99), 1),
            "max_ms": round(ordered[-1], 1) if ordered else float("nan")}


def stop(server: subprocess.Popen[bytes]) -> int | None:
    """Terminate the server and wait for it (killed if it has not stopped after 20 s). Uvicorn
    raises SIGTERM again after its graceful shutdown: -15 is a clean stop."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return server.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a data home that already holds the shipped data")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--port", type=int, help="default: a free loopback port")
    parser.add_argument("--cache-mb", type=int, default=64, help="the server's answer cache")
    parser.add_argument("--distinct", type=int, default=1000,
                        help="new queries for the memory measure (0: none)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as scratch:
        home = args.home or Path(scratch) / "home"
        env = {**os.environ, "OBSERVATORY_HOME": str(home), "HF_HUB_DISABLE_TELEMETRY": "1",
               "OBSERVATORY_REGISTRY": str(Path(scratch) / "no-overrides"), "COLUMNS": "200"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if args.home is None:
            build_home(home, env)
        port = args.port or free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(scratch) / "serve.log"
        with log.open("wb") as output:
            server = subprocess.Popen([*entry(), "serve", "--host", "127.0.0.1", "--port", str(port),
                                       "--site", str(Path(scratch) / "site"),
                                       "--cache-mb", str(args.cache_mb)],
                                      env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            up = wait_until_up(base, server, log)
            print(f"server up on {base} in {up:.1f} s; warm-up (cold latencies):", flush=True)
            cold = warm_up(base)
            urls = [url for url in MIX if cold[url]["status"] == 200]
            dropped = [url for url in MIX if cold[url]["status"] != 200]
            if not urls:
                raise SystemExit("no URL of the mix answered 200")
            print(f"load: {args.clients} clients for {args.seconds:g} s over {len(urls)} URLs ...",
                  flush=True)
            records, elapsed, server_cpu, client_cpu = asyncio.run(
                load(base, urls, args.clients, args.seconds, server.pid))
            memory: dict[str, Any] = {}
            if args.distinct and server.poll() is None:
                print(f"memory: {args.distinct} distinct queries, one at a time ...", flush=True)
                memory = grow(base, distinct_queries(args.distinct), server.pid)
            alive = server.poll() is None
        finally:
            exit_code = stop(server)
            server_log = log.read_text(errors="replace")
    latencies = [ms for _, ms, _ in records]
    errors = sum(1 for _, _, status in records if status != 200)
    per_url = {}
    for index, url in enumerate(urls):
        mine = [ms for i, ms, _ in records if i == index]
        per_url[url] = {"requests": len(mine), **summary(mine),
                        "errors": sum(1 for i, _, s in records if i == index and s != 200)}
    overall = summary(latencies)
    result: dict[str, Any] = {
        "clients": args.clients, "seconds": round(elapsed, 2), "urls": len(urls),
        "requests": len(records), "requests_per_s": round(len(records) / elapsed, 1),
        **overall, "errors": errors,
        "statuses": {str(s): sum(1 for _, _, t in records if t == s)
                     for s in sorted({s for _, _, s in records})},
        "server_cpu_pct_of_one_core": round(100 * server_cpu / elapsed, 1),
        "client_cpu_pct_of_one_core": round(100 * client_cpu / elapsed, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, len(records)), 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / max(1, len(records)), 2),
        "cores": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
        "server_start_s": round(up, 2), "server_alive_after_load": alive,
        "server_exit_code": exit_code, "cold": cold, "dropped": dropped, "per_url": per_url,
        "memory": memory, "cache_mb": args.cache_mb,
        "targets": {"p95_ms": TARGET_P95_MS, "errors": 0,
                    "growth_mb": args.cache_mb + GROWTH_ALLOWANCE_MB},
    }
    missed = []
    if overall["p95_ms"] > TARGET_P95_MS:
        missed.append(f"p95 {overall['p95_ms']} ms > {TARGET_P95_MS:g}")
    if errors:
        missed.append(f"{errors} errors")
    if dropped:
        missed.append(f"{len(dropped)} URL(s) of the mix not 200 at warm-up: {', '.join(dropped)}")
    if not alive:
        missed.append("the server died during the load")
    growth_target = args.cache_mb + GROWTH_ALLOWANCE_MB
    if memory and memory["growth_mb"] > growth_target:
        missed.append(f"RSS grew {memory['growth_mb']} MB over {memory['queries']} distinct "
                      f"queries > {growth_target:g}")
    failed = {f"{view} {s}": n for view, found in memory.get("statuses", {}).items()
              for s, n in found.items() if not s.isdigit() or s[0] == "5"}
    if failed:
        missed.append(f"distinct queries failed: {failed}")
    result["missed"] = missed

    print()
    print(f"{'url':50} {'requests':>8} {'p50':>7} {'p95':>7} {'max':>8} {'errors':>6}")
    for url, figures in per_url.items():
        print(f"{url:50} {figures['requests']:8} {figures['p50_ms']:7.1f} {figures['p95_ms']:7.1f} "
              f"{figures['max_ms']:8.1f} {figures['errors']:6}")
    print()
    print(f"{'clients':>7} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>8} {'errors':>6}  target")
    print(f"{args.clients:7} {len(records):9} {result['requests_per_s']:7.1f} {overall['p50_ms']:7.1f} "
          f"{overall['p95_ms']:7.1f} {overall['p99_ms']:7.1f} {overall['max_ms']:8.1f} {errors:6}  "
          f"p95 <= {TARGET_P95_MS:g} ms, 0 errors" + ("  MISSED" if missed else ""))
    print(f"CPU over the load: server {result['server_cpu_pct_of_one_core']:.0f}%, client "
          f"{result['client_cpu_pct_of_one_core']:.0f}% of one core ({os.cpu_count()} cores; "
          f"load average before {load_before[0]:.2f}); CPU per request: server "
          f"{result['server_cpu_ms_per_request']:.1f} ms, client "
          f"{result['client_cpu_ms_per_request']:.1f} ms")
    if memory:
        print(f"RSS over {memory['queries']} distinct queries after warm-up: "
              f"{memory['rss_before_mb']:.0f} -> {memory['rss_after_mb']:.0f} MB, "
              f"{memory['growth_mb']:+.1f} MB (target <= {growth_target:g} MB: cache bound "
              f"{args.cache_mb} MB + {GROWTH_ALLOWANCE_MB:g} MB); the answers came to "
              f"{memory['answers_mb']:.1f} MB in {memory['seconds']:.0f} s; statuses per view: "
              + "; ".join(f"{view} {found}" for view, found in memory["statuses"].items()))
    for line in missed:
        print(f"MISSED: {line}")
    if server_log.strip():
        print("server output (tail):\n" + "\n".join(server_log.strip().splitlines()[-10:]))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
