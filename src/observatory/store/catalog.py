"""The DuckDB catalog over all snapshots, and the Ibis connection metric queries run on (DuckDB
by default; Spark with ``backend="spark"``, see ``store/spark.py``).

The catalog is a cache: its tables are built from the snapshots' Parquet files, into a temporary
file renamed into place, and it records a fingerprint of the snapshots it was built from. A
connection whose fingerprint no longer matches the store (a failed or concurrent rebuild, a
snapshot added by hand) rebuilds it first, so queries never read a stale catalog. Deleting
``catalog.duckdb`` loses nothing (``observatory store rebuild`` makes it again).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from observatory.errors import StoreError
from observatory.schema import TABLES
from observatory.store import spark
from observatory.store.snapshots import Store, table_files
from observatory.store.tables import SNAPSHOTS, VIEWS, snapshot_rows

T = TypeVar("T")
# ``Catalog.memo``'s entries per connection, least recently used dropped with the temporary tables
# they made: a server asked for ever new arguments (a lineage graph per ``as_of``, some 5 MB of
# DuckDB's memory each on the shipped Hub data) stays bounded. A whole report uses 7 entries,
# one page at most 2.
MEMO_KEPT = 8
# Per thread, innermost last: the names of the temporary tables each memo entry being built makes.
_building = threading.local()
SQL_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN",
             "date32[day]": "DATE", "timestamp[s, tz=UTC]": "TIMESTAMPTZ",
             "list<item: string>": "VARCHAR[]"}


def fingerprint(folders: list[Path]) -> str:
    """Of the complete snapshot folders (their names end in the snapshot id) and the tables this
    version builds. Paths matter too: views point at files, so a moved data home needs a
    rebuild; so does a version with a new table."""
    text = "\n".join([*sorted(map(str, folders)), *sorted(TABLES), str(SNAPSHOTS)])
    return hashlib.sha256(text.encode()).hexdigest()


def _create(con: duckdb.DuckDBPyConnection, name: str, source: pa.Table) -> None:
    con.register("arrow_source", source)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM arrow_source").fetchall()
    con.unregister("arrow_source")


def _create_view(con: duckdb.DuckDBPyConnection, name: str, schema: pa.Schema,
                 manifests: list[dict[str, Any]]) -> None:
    """A view over the snapshots' files, one branch per snapshot with its id as a constant
    (big snapshots leave the id out of the file, whose hash names the snapshot). Filters on
    constant-per-file columns such as snapshot_date prune whole files."""
    branches = []
    for manifest in manifests:
        files = table_files(Path(manifest["_dir"]), name) if manifest["counts"].get(name) else []
        if not files:
            continue
        # a snapshot written before a column was added reads it as null
        present = set(pq.read_schema(files[0]).names)
        columns = ", ".join(f'"{f.name}"' if f.name in present else
                            f'CAST(NULL AS {SQL_TYPES[str(f.type)]}) AS "{f.name}"'
                            for f in schema if f.name != "snapshot_id")
        paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
        snapshot_id = str(manifest["snapshot_id"]).replace("'", "''")
        branches.append(f"SELECT {columns}, '{snapshot_id}' AS snapshot_id "
                        f"FROM read_parquet([{paths}], union_by_name = true)")
    con.execute(f"CREATE VIEW {name} AS " + " UNION ALL ".join(branches))


def _build(path: Path, manifests: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    con = duckdb.connect(str(path))
    try:
        for name, schema in TABLES.items():
            files = [str(path) for m in manifests if m["counts"].get(name)
                     for path in table_files(Path(m["_dir"]), name)]
            if files and name in VIEWS:
                _create_view(con, name, schema, manifests)
            elif files:
                # by name: snapshots written before a column was added read it as null
                _create(con, name, pa.Table.from_pylist([], schema=schema))
                con.execute(f"INSERT INTO {name} BY NAME SELECT * "
                            "FROM read_parquet(?, union_by_name = true)", [files]).fetchall()
            else:
                _create(con, name, pa.Table.from_pylist([], schema=schema))
            counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
        _create(con, "snapshots", snapshot_rows(manifests))
        folders = [Path(m["_dir"]) for m in manifests]
        _create(con, "catalog_info", pa.table({"fingerprint": [fingerprint(folders)]}))
    finally:
        con.close()
    return counts


def rebuild(store: Store) -> dict[str, int]:
    """(Re)build every catalog table from the snapshots; returns row counts."""
    manifests = store.manifests()
    work = store.tmp_dir / f"catalog-{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"
    try:
        counts = _build(work, manifests)
        os.replace(work, store.catalog_path)
    except (duckdb.Error, OSError) as exc:
        raise StoreError(f"{store.catalog_path}: cannot rebuild the catalog ({exc}); the "
                         "snapshots are safe, and the next query will try again") from exc
    finally:
        with contextlib.suppress(OSError):
            work.unlink()
        with contextlib.suppress(OSError):
            Path(f"{work}.wal").unlink()
    return counts


def _stored_fingerprint(con: ibis.BaseBackend) -> str | None:
    try:  # plain SQL: compiling an Ibis query costs more than this whole check
        rows = con.con.execute("SELECT fingerprint FROM catalog_info").fetchall()
    except Exception:  # an old or damaged catalog: rebuild it
        return None
    return str(rows[0][0]) if rows else None


def _open(store: Store) -> ibis.BaseBackend:
    try:
        return ibis.duckdb.connect(str(store.catalog_path), read_only=True)
    except Exception as exc:  # duckdb raises several types here
        raise StoreError(f"{store.catalog_path}: cannot open the catalog ({exc})") from exc


def connect(store: Store) -> ibis.BaseBackend:
    """An Ibis connection on a catalog that matches the snapshots on disk."""
    current = fingerprint(store.snapshot_folders())
    if store.catalog_path.exists():
        con = _open(store)
        if _stored_fingerprint(con) == current:
            return con
        con.disconnect()
    rebuild(store)
    return _open(store)


def temp_table(con: ibis.BaseBackend, table: ibis.Table, prefix: str = "memo") -> ibis.Table:
    """``table`` computed once into a temporary table on the connection. Unlike ``.cache()`` it
    has no finalizer, so it can outlive a closed connection without errors; it goes when the
    connection closes."""
    name = f"_{prefix}_{uuid.uuid4().hex[:12]}"
    for made in getattr(_building, "stack", [])[-1:]:
        made.append(name)  # dropped with the memo entry being built
    if con.name == "pyspark":  # Spark has no temporary tables: a checkpointed temporary view
        return spark.temp_table(con, table, name)
    return con.create_table(name, table, temp=True)


def cached(table: ibis.Table) -> ibis.Table:
    """``table.cache()``, except on Spark, where it is a temporary table: Spark's cache keeps
    the plan, and a loop that caches each round built on the last would grow it every round."""
    con = ibis.get_backend(table)
    if con.name == "pyspark":
        return temp_table(con, table, "cached")
    return table.cache()


class Catalog:
    """The store's catalog as one Ibis connection, opened (and checked against the snapshots)
    on first use and reopened after writes. Results tied to the connection (a lineage graph's
    temporary tables) are kept with ``memo`` and dropped with it."""

    def __init__(self, store: Store, backend: str | None = None) -> None:
        self.store = store
        self.backend = spark.backend_name(backend)
        self._connection: ibis.BaseBackend | None = None
        # key -> (value, the temporary tables building it made), least recently used first
        self._memo: OrderedDict[Hashable, tuple[Any, list[str]]] = OrderedDict()

    def connection(self) -> ibis.BaseBackend:
        if self._connection is None:
            if self.backend == "spark":
                self._connection = spark.connect(self.store, spark.SparkSettings.from_env())
            else:
                self._connection = connect(self.store)
        return self._connection

    def _close(self) -> None:
        if self._connection is not None:
            if self.backend == "spark":  # disconnecting would stop the process's Spark
                spark.release(self._connection)
            else:
                self._connection.disconnect()
            self._connection = None
        self._memo.clear()

    def refresh(self) -> dict[str, int]:
        """Rebuild the catalog after snapshots were written; the next query reconnects."""
        self._close()
        return rebuild(self.store)

    def temp_table(self, table: ibis.Table, prefix: str = "memo") -> ibis.Table:
        return temp_table(self.connection(), table, prefix)

    def reopen(self) -> None:
        """Connect again on next use (another process wrote snapshots): the catalog is rebuilt
        then only if it no longer matches them."""
        self._close()

    def forget(self) -> None:
        """Drop what ``memo`` kept (attribution changed: the registry was edited)."""
        while self._memo:
            self._drop(self._memo.popitem()[1][1])

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once per key and connection, for the last ``MEMO_KEPT`` keys used; the
        temporary tables an entry made go with it. An entry must not read another entry's
        tables (none does: each builds from the catalog's own)."""
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key][0]
        stack = _building.__dict__.setdefault("stack", [])
        made: list[str] = []
        stack.append(made)
        try:
            value = build()
        except BaseException:
            self._drop(made)
            raise
        finally:
            stack.pop()
        self._memo[key] = (value, made)
        while len(self._memo) > MEMO_KEPT:
            self._drop(self._memo.popitem(last=False)[1][1])
        return value

    def _drop(self, names: list[str]) -> None:
        """Free temporary tables of this connection now (not when it closes)."""
        con = self._connection
        for name in names if con is not None else ():
            with contextlib.suppress(Exception):  # already gone, or the connection broke
                if self.backend == "spark":
                    con.raw_sql(f"DROP VIEW IF EXISTS `{name}`")
                else:
                    con.con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"').fetchall()
