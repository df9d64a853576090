"""Hand-made Hub snapshots adopted into a test store, whose answers the tests work out in their
comments: a three-date adoption store (downloads, shares, artefacts) and a one-date lineage store
(derivatives, bursts, derivers, runnable builds, the lineage tree)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from observatory.api import Observatory
from observatory.schema import HUB_MODELS

# Adoption store: model -> (created, {date: (all_time, last_30_days)}); Qwen is CN, meta-llama US.
ADOPTION_MODELS = {
    "Qwen/Qwen2.5-7B": ("2024-09-01", {"2024-08-01": None, "2025-02-01": (100, 30),
                                        "2025-08-01": (400, 60)}),
    "meta-llama/Llama-3.1-8B": ("2024-07-01", {"2024-08-01": (50, 50), "2025-02-01": (250, 40),
                                               "2025-08-01": (300, 0)}),
    "someone/Qwen2.5-7B-GGUF": ("2025-01-01", {"2025-02-01": (10, 10), "2025-08-01": (8, 5)}),
}
ADOPTION_DAYS = ("2024-08-01", "2025-02-01", "2025-08-01")

# Lineage store: model -> (created, bases, relation, downloads_30d, tags). Qwen and DeepSeek are
# CN, Meta and Nvidia US; the user* and bartowski namespaces are community accounts (country
# unknown).
LINEAGE_MODELS = {
    "Qwen/Qwen2.5-7B": ("2024-09-19", [], None, 1000, []),
    "meta-llama/Llama-3.1-8B": ("2024-07-23", [], None, 900, []),
    "deepseek-ai/DeepSeek-R1": ("2025-01-20", [], None, 800, []),
    "userA/qwen-ft": ("2025-01-05", ["Qwen/Qwen2.5-7B"], "finetune", 50, []),
    "userB/llama-ft": ("2025-01-10", ["meta-llama/Llama-3.1-8B"], "finetune", 40, []),
    "userC/merge": ("2025-01-20", ["userA/qwen-ft", "meta-llama/Llama-3.1-8B"], "merge", 30, []),
    "userD/r1-distill": ("2025-01-25", ["deepseek-ai/DeepSeek-R1"], "finetune", 70, []),
    "userF/r1-gguf": ("2025-01-22", ["deepseek-ai/DeepSeek-R1"], "quantized", 20, ["gguf"]),
    "nvidia/Qwen-ft2": ("2025-02-02", ["Qwen/Qwen2.5-7B"], "finetune", 60, []),
    "bartowski/qwen-ft-GGUF": ("2025-02-10", ["userA/qwen-ft"], "quantized", 10, ["gguf"]),
    "someone/Qwen2.5-7B-AWQ": ("2025-03-01", ["Qwen/Qwen2.5-7B"], "quantized", 5, ["awq"]),
    "userE/r1-late": ("2025-04-01", ["deepseek-ai/DeepSeek-R1"], "finetune", 3, []),
}
LINEAGE_DAY = "2025-10-01"


def _created(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def adopt_rows(obs: Observatory, folder: Path, rows: list[dict], snapshot_id: str, day: str,
               content_key: str) -> None:
    """Write ``rows`` as one Hub snapshot's ``hub_models`` file and adopt it into the store
    (its content hash is that of ``content_key``)."""
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=HUB_MODELS), folder / "hub_models.parquet")
    manifest = {"snapshot_id": snapshot_id, "source": "hub", "format": "hub-api",
                "snapshot_date": day, "content_hash": hashlib.sha256(content_key.encode()).hexdigest(),
                "origin": "test", "counts": {"hub_models": len(rows)},
                "imported_at": f"{day}T00:00:00"}
    obs.store.adopt(folder, manifest)


def add_adoption_snapshot(obs: Observatory, day: str, tmp: Path) -> None:
    rows = []
    for model_id, (created, history) in ADOPTION_MODELS.items():
        counts = history.get(day)
        if counts is None:
            continue
        rows.append({
            "source": "hub-api", "snapshot_date": date.fromisoformat(day), "model_id": model_id,
            "author": model_id.split("/")[0], "created_at": _created(created),
            "downloads_all_time": counts[0], "downloads_30d": counts[1], "likes": 1,
            "tags": ["gguf"] if "GGUF" in model_id else [], "base_models": [],
            "pipeline_tag": "text-generation", "snapshot_id": f"s{day}",
        })
    adopt_rows(obs, tmp / day, rows, f"s{day}", day, content_key=day)


def adoption_hub(obs: Observatory, tmp: Path) -> Observatory:
    """The adoption store: three snapshots of ADOPTION_MODELS."""
    for day in ADOPTION_DAYS:
        add_adoption_snapshot(obs, day, tmp)
    return obs


def lineage_hub(obs: Observatory, tmp: Path) -> Observatory:
    """The lineage store: one snapshot of LINEAGE_MODELS on LINEAGE_DAY."""
    rows = [{
        "source": "hub-api", "snapshot_date": date.fromisoformat(LINEAGE_DAY), "model_id": model_id,
        "author": model_id.split("/")[0], "created_at": _created(created),
        "downloads_30d": downloads, "tags": tags, "base_models": bases, "base_relation": relation,
        "pipeline_tag": "text-generation", "snapshot_id": "lineage",
    } for model_id, (created, bases, relation, downloads, tags) in LINEAGE_MODELS.items()]
    adopt_rows(obs, tmp / "snap", rows, "lineage", LINEAGE_DAY, content_key="lineage")
    return obs
