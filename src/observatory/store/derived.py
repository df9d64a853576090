"""Derived snapshots: tables the observatory computes (inferred lineage edges, self-computed
ratings) stored like imported ones, with the inputs and method in the manifest.

The table is written to a temporary folder and moved in whole by ``Store.adopt``; the hash of
its content (Arrow IPC bytes: the same rows in the same order give the same hash) names the
snapshot, so computing the same result twice stores it once.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from observatory import METHOD_VERSION, __version__
from observatory.store.snapshots import ImportResult, Store


def write_derived(store: Store, fmt: str, snapshot_date: date, tables: dict[str, pa.Table],
                  inputs: dict[str, Any], notes: dict[str, Any] | None = None) -> ImportResult:
    """Store ``tables`` (without their ``snapshot_id`` column, which is added from the content
    hash) as one snapshot of format ``fmt``; ``inputs`` names what it was computed from
    (snapshot ids, parameters) and goes into the manifest's ``query``."""
    digest = hashlib.sha256(fmt.encode())
    for name in sorted(tables):
        digest.update(name.encode())
        digest.update(_ipc_bytes(tables[name]))
    content_hash = digest.hexdigest()
    snapshot_id = content_hash[:12]
    with store.writing():  # before tmp/ is used: the lock's first holder clears it
        return _write(store, fmt, snapshot_date, tables, inputs, notes, content_hash, snapshot_id)


def _write(store: Store, fmt: str, snapshot_date: date, tables: dict[str, pa.Table],
           inputs: dict[str, Any], notes: dict[str, Any] | None, content_hash: str,
           snapshot_id: str) -> ImportResult:
    work = store.tmp_dir / f"derived-{uuid.uuid4().hex[:12]}"
    work.mkdir(parents=True)
    try:
        for name, table in tables.items():
            with_id = table.append_column("snapshot_id", pa.array([snapshot_id] * table.num_rows,
                                                                  pa.string()))
            pq.write_table(with_id, work / f"{name}.parquet", compression="zstd")
        manifest = {
            "snapshot_id": snapshot_id, "source": "observatory", "format": fmt,
            "snapshot_date": snapshot_date.isoformat(), "content_hash": content_hash,
            "raw_files": [], "raw_note": "computed by the observatory; see query for the inputs",
            "origin": "observatory", "query": inputs,
            "counts": {name: table.num_rows for name, table in tables.items()},
            "notes": notes or {}, "method_version": METHOD_VERSION, "tool_version": __version__,
            "imported_at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "status": "complete",
        }
        return store.adopt(work, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return sink.getvalue().to_pybytes()
