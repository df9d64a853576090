"""A synthetic Hub for inferred lineage: declarations hidden from 40 % of the derivatives,
fingerprints stored beside the models, and the generator's truth for the hidden ones."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from observatory.api import Observatory
from observatory.schema import HUB_CONFIGS, HUB_MODELS
from observatory.sources.hub_records import Issues, to_row
from observatory.testing.synth import BASE, config_table, universe

SEED, N = 11, 6000
DAY = date(2026, 10, 31)


def hidden(i: int) -> bool:
    return i % 5 < 2


def true_roots() -> dict[str, str]:
    """Hidden model id -> its true root id (from the generator's lineage)."""
    u = universe(SEED, N)
    idx = np.arange(N)
    lin = u.lineage(idx)
    ids = u.ids(lin)
    out = {}
    for i in idx.tolist():
        if lin.rel[i] != BASE and lin.root[i] >= 0 and hidden(i):
            out[ids[i]] = ids[int(lin.root[i])]
    return out


def synthetic_store(obs: Observatory, tmp_path: Path) -> Observatory:
    """The universe's models (declarations of the hidden ones removed) and their fingerprints,
    adopted as one Hub snapshot."""
    u = universe(SEED, N)
    records = json.loads(u.encode_many(np.arange(N), ["author", "cardData", "createdAt", "downloads",
                                                      "downloadsAllTime", "likes", "tags", "library_name",
                                                      "pipeline_tag", "config", "safetensors"]))
    issues = Issues()
    rows = []
    for i, record in enumerate(records):
        row = to_row(record, DAY, "hub-api", issues)
        if hidden(i):
            row["base_models"], row["base_relation"] = [], None
            row["tags"] = [t for t in row["tags"] if not t.startswith("base_model:")]
        rows.append({**row, "snapshot_id": "synthlineage"})
    configs = config_table(u).assign(source="hub-api", snapshot_date=DAY, snapshot_id="synthlineage")
    folder = tmp_path / "snapshot"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=HUB_MODELS), folder / "hub_models.parquet")
    pq.write_table(pa.Table.from_pandas(configs[HUB_CONFIGS.names], schema=HUB_CONFIGS, preserve_index=False),
                   folder / "hub_configs.parquet")
    manifest = {"snapshot_id": "synthlineage", "source": "hub", "format": "hub-api",
                "snapshot_date": DAY.isoformat(), "content_hash": hashlib.sha256(b"synthlineage").hexdigest(),
                "origin": "test", "counts": {"hub_models": len(rows), "hub_configs": len(configs)},
                "imported_at": "2026-10-31T00:00:00"}
    obs.store.adopt(folder, manifest)
    return obs
