"""Benchmark: the Hub collector against the fake Hub on loopback, and the adoption metrics at
full-Hub scale.

1. Collect ``--models`` (default 2,500,000) synthetic models from a fake Hub running in its own
   process, no rate limit. The collector runs in a child process so its peak RSS is its own.
   Targets: < 120 s wall on 2 cores, < 1.5 GB peak; models/s reported.
2. Rate-limited collection: the fake Hub allows ``--quota`` requests per ``--window`` seconds
   (a scaled free tier); the floor is the time the quota forces, (ceil(pages / quota) - 1)
   windows. Target: total within 1.1x of the floor.
3. Adoption metrics over ``--snapshots`` (default 26) Hub snapshots of ``--metric-models``
   (default 2,500,000) models each, written straight into a store (synthetic, with downloads
   growing between snapshots): downloads by family/org/country, crossings, window shares (plain
   and first-year), artefacts, likes, licences, architecture. Target: all under 60 s.

Run: ``make bench-hub`` or ``.venv/bin/python benchmarks/bench_hub.py [--models N] ...``.
Writes ``benchmarks/results/hub.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "hub.json"
ENV = {"HF_HUB_DISABLE_TELEMETRY": "1"}

CHILD = """
import json, resource, sys, time
from pathlib import Path
from observatory.api import Observatory
from observatory.jobs.hub_collect import HubOptions, collect_hub
start = time.perf_counter()
obs = Observatory(Path(sys.argv[1]))
result, run = collect_hub(obs.catalog, obs.registry,
                          HubOptions(endpoint=sys.argv[2], page_size=int(sys.argv[3])), lambda s: None)
print(json.dumps({"seconds": time.perf_counter() - start, "models": result.counts["hub_models"],
                  "pages": run.state["pages"], "waited": run.state.get("retries"),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def collect(models: int, page_size: int, faults: Any = None) -> dict[str, Any]:
    from observatory.testing import start_fakehub_subprocess

    server, url = start_fakehub_subprocess(models=models, seed=1, faults=faults,
                                           page_size=page_size)
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, **ENV, "HF_HOME": f"{home}/hf", "OBSERVATORY_REGISTRY": f"{home}/r"}
            started = time.perf_counter()
            child = subprocess.run([sys.executable, "-c", CHILD, home, url, str(page_size)],
                                   env=env, capture_output=True, text=True, check=True)
            wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    figures["wall_seconds"] = wall
    figures["models_per_second"] = figures["models"] / wall
    return figures


def rate_limited(models: int, page_size: int, quota: int, window: float) -> dict[str, Any]:
    from observatory.testing import Faults

    figures = collect(models, page_size, Faults(rate_limit=quota, rate_window=window))
    pages = math.ceil(models / page_size) + 1  # the last page is requested too
    floor = (math.ceil(pages / quota) - 1) * window
    figures.update({"quota": quota, "window": window, "floor_seconds": floor,
                    "ratio_to_floor": figures["wall_seconds"] / floor if floor else None})
    return figures


def synthetic_snapshots(home: Path, models: int, snapshots: int) -> float:
    """Write ``snapshots`` weekly Hub snapshots of ``models`` models into a store (untimed setup)."""
    from observatory.schema import HUB_MODELS
    from observatory.store import Store

    store = Store(home)
    rng = np.random.default_rng(7)
    index = np.arange(models)
    namespaces = np.array(["Qwen", "meta-llama", "deepseek-ai", "google", "mistralai", "microsoft",
                           "nvidia", "someone", "user1", "user2"])
    ns = namespaces[rng.integers(0, len(namespaces), models)]
    names = np.array(["Qwen2.5-7B", "Llama-3.1-8B", "DeepSeek-R1", "gemma-2-9b", "Mistral-7B",
                      "Phi-4", "Nemotron-70B", "tiny-bert", "sd-lora", "whisper"])
    name = names[rng.integers(0, len(names), models)]
    ids = pa.array([f"{a}/{b}-{i}" for a, b, i in zip(ns.tolist(), name.tolist(), index.tolist(),
                                                      strict=True)])
    created = datetime(2023, 1, 1, tzinfo=UTC).timestamp() + rng.uniform(0, 3 * 365 * 86400, models)
    base = (rng.pareto(1.2, models) * 50).astype(np.int64)
    licences = np.array(["apache-2.0", "mit", "llama3.1", "other", "cc-by-nc-4.0", "gemma"])
    licence = pa.array(licences[rng.integers(0, len(licences), models)])
    gguf = rng.random(models) < 0.08
    tags = pa.array([["gguf"] if g else [] for g in gguf.tolist()], type=pa.list_(pa.string()))
    experts = np.where(rng.random(models) < 0.05, 64, 0)
    first = date(2025, 1, 5)
    start = time.perf_counter()
    for k in range(snapshots):
        day = first + timedelta(days=7 * k)
        age = np.clip((datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() - created)
                      / 86400, 0, None)
        all_time = (base * age / 30).astype(np.int64)
        columns = {
            "source": pa.array(["hub-api"] * models), "snapshot_date": pa.array([day] * models),
            "model_id": ids, "author": pa.array(ns), "created_at": pa.array(
                created.astype(np.int64).astype("datetime64[s]")).cast(pa.timestamp("s", tz="UTC")),
            "likes": pa.array(base // 10), "downloads_30d": pa.array(np.minimum(base, all_time)),
            "downloads_all_time": pa.array(all_time), "pipeline_tag": pa.array(
                ["text-generation"] * models), "licence": licence, "tags": tags,
            "num_experts": pa.array(experts), "params_total": pa.array(base * 10_000_000),
            "snapshot_id": pa.array([f"bench{k:02d}"] * models),
        }
        table = pa.table({f.name: columns.get(f.name, pa.nulls(models, f.type)).cast(f.type)
                          for f in HUB_MODELS})
        folder = home / "prepared" / str(k)
        folder.mkdir(parents=True)
        pq.write_table(table, folder / "hub_models.parquet", compression="zstd")
        store.adopt(folder, {"snapshot_id": f"bench{k:02d}", "source": "hub", "format": "hub-api",
                             "snapshot_date": day.isoformat(), "content_hash": f"bench{k}",
                             "origin": "benchmark", "counts": {"hub_models": models},
                             "imported_at": datetime.now(UTC).isoformat()})
    return time.perf_counter() - start


def metrics(home: Path, snapshots: int) -> dict[str, float]:
    from observatory.api import Observatory

    obs = Observatory(home)
    obs.connection()  # build the catalog once (views over the snapshots)
    started = time.perf_counter()
    obs.update_aggregates()  # what each snapshot's landing computes (not a view's time)
    landing = time.perf_counter() - started
    print(f"  aggregates of {snapshots} snapshots (at landing, untimed below): {landing:.1f} s",
          flush=True)
    first = date(2025, 1, 5)
    last = first + timedelta(days=7 * (snapshots - 1))
    family: dict[str, Any] = {}
    runs = {
        "downloads by family": lambda: family.setdefault("frame", obs.downloads("family")),
        "downloads by org": lambda: obs.downloads("org"),
        "downloads by country": lambda: obs.downloads("country"),
        "crossings by family": lambda: obs.download_crossings("family", family["frame"]),
        "share by country": lambda: obs.share(first, last),
        "share first-year": lambda: obs.share(first, last, first_year_only=True),
        "artefacts": obs.download_artefacts,
        "likes": lambda: obs.likes(),
        "licences": lambda: obs.licences(),
        "architecture": lambda: obs.architecture(),
    }
    times = {}
    for label, run in runs.items():
        started = time.perf_counter()
        run()
        times[label] = time.perf_counter() - started
        print(f"  {label:24s} {times[label]:7.2f} s", flush=True)
    times["total"] = sum(times.values())
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=2_500_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--rate-models", type=int, default=20_000)
    parser.add_argument("--rate-page-size", type=int, default=100)
    parser.add_argument("--quota", type=int, default=50)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--snapshots", type=int, default=26)
    parser.add_argument("--metric-models", type=int, default=2_500_000)
    parser.add_argument("--skip", nargs="*", default=[], choices=["collect", "rate", "metrics"])
    args = parser.parse_args()
    results: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                               "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if "collect" not in args.skip:
        print(f"collect {args.models:,} models ...", flush=True)
        results["collect"] = collect(args.models, args.page_size)
        print(f"  {results['collect']}", flush=True)
    if "rate" not in args.skip:
        print(f"rate-limited: {args.rate_models:,} models, {args.quota} requests / {args.window:g} s",
              flush=True)
        results["rate_limited"] = rate_limited(args.rate_models, args.rate_page_size, args.quota,
                                               args.window)
        print(f"  {results['rate_limited']}", flush=True)
    if "metrics" not in args.skip:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["OBSERVATORY_REGISTRY"] = f"{tmp}/no-overrides"
            setup = synthetic_snapshots(Path(tmp), args.metric_models, args.snapshots)
            print(f"metrics over {args.snapshots} snapshots x {args.metric_models:,} models "
                  f"(setup {setup:.0f} s)", flush=True)
            results["metrics"] = metrics(Path(tmp), args.snapshots)
    results["peak_rss_mb_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
