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
from observatory.store import health, spark
from observatory.store.integrity import Problem
from observatory.store.snapshots import Store, table_files
from observatory.store.tables import QUARANTINE, SNAPSHOTS, VERIFIED, VIEWS, snapshot_rows

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


def fingerprint(home: Path, folders: list[Path]) -> str:
    """Of the complete snapshot folders (their names end in the snapshot id), the size and
    modification time of their manifests and table files, and the tables this version builds.
    Paths matter too: views point at files, so a moved data home needs a rebuild; so does a
    version with a new table; so does a file changed in place (checked, and quarantined when
    damaged)."""
    stats = [f"{path} {size} {mtime}" for path, size, mtime in health.file_stats(home, folders)]
    text = "\n".join([*sorted(map(str, folders)), *stats, *sorted(TABLES), str(SNAPSHOTS),
                      str(QUARANTINE)])
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


def _copy_tables(con: duckdb.DuckDBPyConnection, name: str,
                 manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy table ``name`` of every snapshot into the catalog; the snapshots whose files do not
    decode (a flipped byte the footer check cannot see) are returned, their rows left out."""
    files = [str(path) for m in manifests if m["counts"].get(name)
             for path in table_files(Path(m["_dir"]), name)]
    try:  # one read of every file, the common case
        con.execute(f"INSERT INTO {name} BY NAME SELECT * "
                    "FROM read_parquet(?, union_by_name = true)", [files]).fetchall()
        return []
    except duckdb.Error:
        con.execute(f"DELETE FROM {name}")
    broken = []
    for manifest in manifests:  # then snapshot by snapshot, to find the bad ones
        mine = [str(p) for p in table_files(Path(manifest["_dir"]), name)]
        if not manifest["counts"].get(name) or not mine:
            continue
        try:
            con.execute(f"INSERT INTO {name} BY NAME SELECT * "
                        "FROM read_parquet(?, union_by_name = true)", [mine]).fetchall()
        except duckdb.Error as exc:
            broken.append({**manifest, "_error": f"unreadable Parquet ({str(exc).splitlines()[0]})"})
    return broken


def _build(con: duckdb.DuckDBPyConnection, home: Path, checked: health.Checked,
           folders: list[Path]) -> dict[str, int]:
    """Every catalog table from the healthy snapshots, the quarantine and the files verified."""
    counts: dict[str, int] = {}
    manifests = checked.manifests
    for name, schema in TABLES.items():
        has_rows = any(m["counts"].get(name) and table_files(Path(m["_dir"]), name)
                       for m in manifests)
        if has_rows and name in VIEWS:
            _create_view(con, name, schema, manifests)
        else:
            _create(con, name, pa.Table.from_pylist([], schema=schema))
            if has_rows:
                # by name: snapshots written before a column was added read it as null
                for broken in _copy_tables(con, name, manifests):
                    folder = Path(broken["_dir"])
                    checked.damaged.append(health.damage(home, folder, broken, [
                        Problem(folder, broken["_error"])]))
                    manifests = [m for m in manifests if m["_dir"] != broken["_dir"]]
        counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
    if len(manifests) < len(checked.manifests):  # a table left a snapshot out: all tables do
        checked.manifests = manifests
        return _rebuild_without(con, home, checked, folders)
    _create(con, "snapshots", snapshot_rows(manifests))
    _create(con, "quarantine", pa.Table.from_pylist(
        [{**vars(d), "tables": _joined(d.tables), "boards": _joined(d.boards)}
         for d in checked.damaged], schema=QUARANTINE))
    _create(con, "verified_files", pa.Table.from_pylist(
        [{"path": k, "bytes": v[0], "mtime_ns": v[1]} for k, v in checked.verified.items()],
        schema=VERIFIED))
    _create(con, "catalog_info", pa.table({"fingerprint": [fingerprint(home, folders)]}))
    return counts


def _rebuild_without(con: duckdb.DuckDBPyConnection, home: Path, checked: health.Checked,
                     folders: list[Path]) -> dict[str, int]:
    for name in TABLES:
        con.execute(f"DROP VIEW IF EXISTS {name}; DROP TABLE IF EXISTS {name}")
    return _build(con, home, checked, folders)


def _joined(values: tuple[str, ...] | None) -> str | None:
    return None if values is None else "," + ",".join(values) + ","


def _split(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(v for v in text.split(",") if v)


def _trusted(store: Store) -> dict[str, health.FILE_STAT]:
    """The files the current catalog file verified (none when it cannot be read)."""
    if not store.catalog_path.exists():
        return {}
    try:
        con = duckdb.connect(str(store.catalog_path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute("SELECT path, bytes, mtime_ns FROM verified_files").fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {path: (size, mtime) for path, size, mtime in rows}


def _check(store: Store) -> tuple[health.Checked, list[Path]]:
    folders = store.snapshot_folders()
    return health.check(store.home, folders, _trusted(store)), folders


def rebuild(store: Store) -> dict[str, int]:
    """(Re)build every catalog table from the snapshots, under the data home's lock; returns
    row counts. Damaged snapshots are quarantined, not fatal."""
    with store.writing():
        checked, folders = _check(store)
        work = store.tmp_dir / f"catalog-{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"
        try:
            con = duckdb.connect(str(work))
            try:
                counts = _build(con, store.home, checked, folders)
            finally:
                con.close()
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


def in_memory(store: Store) -> ibis.BaseBackend:
    """A private catalog in this process's memory, for a reader that finds the catalog out of
    date while a writer holds the lock: it reads, and writes nothing into the home."""
    checked, folders = _check(store)
    con = duckdb.connect()
    try:
        _build(con, store.home, checked, folders)
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"{store.home}: cannot read the snapshots ({exc})") from exc
    return ibis.duckdb.from_connection(con)


def damaged(con: ibis.BaseBackend) -> list[health.Damage]:
    """The quarantined snapshots a DuckDB catalog left out."""
    try:  # plain SQL: this runs on every connection
        rows = con.con.execute("SELECT folder, snapshot_id, format, snapshot_date, reason, "
                               "tables, boards FROM quarantine").fetchall()
    except Exception:  # a catalog written before the quarantine existed
        return []
    return [health.Damage(folder, sid, fmt, day, reason, _split(tables), _split(boards))
            for folder, sid, fmt, day, reason, tables, boards in rows]


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
    """An Ibis connection on a catalog that matches the snapshots on disk. An out-of-date
    catalog is rebuilt under the lock; while another process writes, this reader builds its
    own in memory instead of waiting."""
    current = fingerprint(store.home, store.snapshot_folders())
    if store.catalog_path.exists():
        con = _open(store)
        if _stored_fingerprint(con) == current:
            return con
        con.disconnect()
    with store.writing_if_free() as free:
        if not free:
            return in_memory(store)
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
        self.damaged: list[health.Damage] = []  # the snapshots this connection leaves out
        self._reads: set[str] = set()
        self._boards: set[str] | None = set()

    def connection(self) -> ibis.BaseBackend:
        if self._connection is None:
            local = connect(self.store)
            self.damaged = damaged(local)
            if self.backend == "spark":  # the DuckDB catalog has checked the snapshots
                local.disconnect()
                left_out = {d.snapshot_id for d in self.damaged}
                self._connection = spark.connect(self.store, spark.SparkSettings.from_env(),
                                                 left_out)
            else:
                self._connection = local
        return self._connection

    # --- what a view read, for the damage it must mention --------------------------------------
    def note_read(self, *tables: str, board: str | None = None) -> None:
        """A view read ``tables`` (board rows of ``board``; None: of any board)."""
        self._reads.update(tables)
        if "board_entries" in tables and self._boards is not None:
            self._boards = self._boards | {board} if board else None

    def start_reads(self) -> None:
        """Forget what earlier views read (a server answers many views on one connection)."""
        self._reads, self._boards = set(), set()

    def damage_notes(self) -> list[str]:
        """One line when a view read tables of which a quarantined snapshot held rows."""
        if self._connection is None:
            return []
        return health.notes(self.damaged, self._reads, self._boards)

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
