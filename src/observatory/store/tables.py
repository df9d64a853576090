"""What every backend's catalog holds: the store's tables (the big ones as views over their
files, the rest as copies), and ``snapshots``, one row per snapshot from the manifests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

# Big tables are views over their Parquet files rather than copies in the catalog.
VIEWS = {"hub_models", "hub_configs", "votes"}
SNAPSHOTS = pa.schema([("snapshot_id", pa.string()), ("format", pa.string()),
                       ("snapshot_date", pa.date32()), ("imported_at", pa.string()),
                       ("dated_by", pa.string()),
                       # the tables the snapshot has rows in, comma-separated (",hub_models,")
                       ("tables", pa.string())])


def snapshot_rows(manifests: list[dict[str, Any]]) -> pa.Table:
    """The ``snapshots`` table: one row per snapshot, from the manifests."""
    rows = [{"snapshot_id": m["snapshot_id"], "format": m["format"],
             "snapshot_date": date.fromisoformat(m["snapshot_date"]),
             "imported_at": m["imported_at"], "dated_by": m.get("dated_by"),
             "tables": "," + ",".join(sorted(k for k, v in m["counts"].items() if v)) + ","}
            for m in manifests]
    return pa.Table.from_pylist(rows, schema=SNAPSHOTS)

# The snapshots the catalog left out because their files are damaged (``store/health.py``).
QUARANTINE = pa.schema([("folder", pa.string()), ("snapshot_id", pa.string()),
                        ("format", pa.string()), ("snapshot_date", pa.string()),
                        ("reason", pa.string()),
                        ("tables", pa.string()),  # ",board_entries," (null: unknown)
                        ("boards", pa.string())])
# The table files checked against their manifest's SHA-256 at the last build, by size and time.
VERIFIED = pa.schema([("path", pa.string()), ("bytes", pa.int64()), ("mtime_ns", pa.int64())])
