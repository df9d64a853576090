"""The DuckDB catalog over all snapshots, and the Ibis connection metric queries run on.

The catalog is a cache: tables are rebuilt from the snapshots' Parquet files after each import,
so deleting ``catalog.duckdb`` loses nothing (``observatory store rebuild`` makes it again).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import pyarrow as pa

from observatory.errors import StoreError
from observatory.schema import TABLES
from observatory.store.snapshots import Store


def rebuild(store: Store) -> dict[str, int]:
    """(Re)build every catalog table from the snapshots; returns row counts."""
    manifests = store.manifests()
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(store.catalog_path))
    except duckdb.Error as exc:
        raise StoreError(f"{store.catalog_path}: cannot open the catalog ({exc})") from exc
    try:
        con.execute("BEGIN TRANSACTION").fetchall()
        for name, schema in TABLES.items():
            files = [
                str(Path(m["_dir"]) / "tables" / f"{name}.parquet")
                for m in manifests
                if m["counts"].get(name)
            ]
            if files:
                con.execute(
                    f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet(?)", [files]
                ).fetchall()
            else:
                con.register("empty_source", pa.Table.from_pylist([], schema=schema))
                con.execute(
                    f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM empty_source"
                ).fetchall()
                con.unregister("empty_source")
            counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
        con.execute("COMMIT")
    except duckdb.Error as exc:
        raise StoreError(f"{store.catalog_path}: cannot rebuild the catalog ({exc})") from exc
    finally:
        con.close()
    return counts


def connect(store: Store) -> ibis.BaseBackend:
    """An Ibis connection on the catalog (built on first use)."""
    if not store.catalog_path.exists():
        rebuild(store)
    try:
        return ibis.duckdb.connect(str(store.catalog_path), read_only=True)
    except Exception as exc:  # duckdb raises several types here
        raise StoreError(f"{store.catalog_path}: cannot open the catalog ({exc})") from exc
