"""The catalog on Apache Spark: the snapshots' Parquet files as temporary views of a Spark
session, which the metrics query through the Ibis PySpark backend.

Nothing is copied: each table is one read of its files where they lie (the data home, or the
URL the cluster sees it under, ``OBSERVATORY_SPARK_STORE_URL``), with the store's schema given so
that a snapshot written before a column was added reads it as null, as the DuckDB catalog does.
The JVM starts once per process (several seconds); each catalog connection is a new session on
it, so two data homes in one process keep their own views.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa

from observatory.errors import ConfigError, StoreError
from observatory.schema import TABLES
from observatory.store.snapshots import Store, table_files
from observatory.store.tables import SNAPSHOTS, VIEWS, snapshot_rows

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

BACKENDS = ("duckdb", "spark")


def backend_name(choice: str | None = None) -> str:
    """The engine metric queries run on: ``choice``, else ``$OBSERVATORY_BACKEND``, else DuckDB."""
    name = (choice or os.environ.get("OBSERVATORY_BACKEND") or "duckdb").strip().lower()
    if name not in BACKENDS:
        source = "backend" if choice else "OBSERVATORY_BACKEND"
        raise ConfigError(f"{source}: unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")
    return name


@dataclass(frozen=True)
class SparkSettings:
    """Where Spark runs and where it finds the snapshots, from the environment.

    ``master`` is a ``spark://`` (or ``yarn``, ``k8s://``) master, a Spark Connect ``sc://``
    address, or ``local[...]``; when unset, spark-submit's session if the process runs under
    it, else ``local[*]``. ``store_url`` is the data home as the cluster sees it (say
    ``s3a://bucket/observatory`` when the home is synced there): each file's path under the
    home is read under that URL instead. ``conf`` holds extra ``key=value`` settings."""

    master: str | None = None
    store_url: str | None = None
    conf: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_env(cls) -> SparkSettings:
        pairs = []
        for item in os.environ.get("OBSERVATORY_SPARK_CONF", "").split(";"):
            if not item.strip():
                continue
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise ConfigError(f"OBSERVATORY_SPARK_CONF: {item.strip()!r} is not key=value "
                                  "(separate settings with ';')")
            pairs.append((key.strip(), value.strip()))
        return cls(master=os.environ.get("OBSERVATORY_SPARK_MASTER", "").strip() or None,
                   store_url=(os.environ.get("OBSERVATORY_SPARK_STORE_URL") or "").rstrip("/")
                   or None,
                   conf=tuple(pairs))


INSTALL_HINT = "install it with: pip install 'open-weights-observatory[spark]'"
# On one machine: stay on loopback, no web UI or progress bars, few shuffle partitions (the
# default 200 is sized for clusters). On any: Arrow to move results into pandas.
LOCAL_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": str(max(4, 2 * (os.cpu_count() or 1))),
    # list a store's files here rather than in a Spark job (which costs seconds per table)
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "1000000",
    # Spark makes an (empty) warehouse folder; not in the user's working directory
    "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "observatory-spark-warehouse"),
}
ANY_CONF = {"spark.sql.execution.arrow.pyspark.enabled": "true"}
_SESSIONS: dict[SparkSettings, SparkSession] = {}
_CONNECT_HOMES: dict[int, Path] = {}
STORE_SCHEMAS = {name: ibis.Schema.from_pyarrow(schema)
                 for name, schema in {**TABLES, "snapshots": SNAPSHOTS}.items()}


def session(settings: SparkSettings) -> SparkSession:
    """The process's Spark session for ``settings``: the one spark-submit (or a notebook) made,
    else a new one on ``settings.master``."""
    if settings in _SESSIONS:
        return _SESSIONS[settings]
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(f"the spark backend needs pyspark, which is not installed; {INSTALL_HINT}"
                          ) from exc
    spark = SparkSession.getActiveSession()
    # under spark-submit the JVM is up and its conf (the master, memory) is the user's
    submitted = settings.master is None and "PYSPARK_GATEWAY_PORT" in os.environ
    master = settings.master or "local[*]"
    if spark is None:
        builder = SparkSession.builder.appName("open-weights-observatory")
        if master.startswith("sc://"):
            builder = builder.remote(master)
        elif not submitted:
            builder = builder.master(master)
            if master.startswith("local"):
                for key, value in LOCAL_CONF.items():
                    builder = builder.config(key, value)
                log = Path(__file__).with_name("spark-log4j2.properties")
                builder = builder.config("spark.driver.extraJavaOptions",
                                         f"-Dlog4j2.configurationFile={log.as_uri()}")
        for key, value in (*ANY_CONF.items(), *settings.conf):
            builder = builder.config(key, value)
        try:
            spark = builder.getOrCreate()
        except Exception as exc:  # py4j and pyspark raise many types; all mean "no Spark"
            raise ConfigError(f"cannot start Spark on {master} ({first_line(exc)}); Spark needs "
                              "Java 17 or 21 on the PATH or in JAVA_HOME") from exc
        if not master.startswith("sc://"):
            # a failed query raises with its message; Spark's log would repeat it as pages of JSON
            spark.sparkContext.setLogLevel("FATAL")
    _SESSIONS[settings] = spark
    return spark


def first_line(exc: BaseException) -> str:
    """A Spark error's first line (the rest is the JVM's stack), or its type when it says nothing."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def file_uri(path: Path, home: Path, settings: SparkSettings) -> str:
    """Where the cluster reads ``path``: under ``store_url`` when set, else the path itself."""
    if settings.store_url is None:  # a URI, or a cluster would read it on its default filesystem
        return path.resolve().as_uri()
    try:
        relative = path.resolve().relative_to(home.resolve())
    except ValueError as exc:
        raise StoreError(f"{path}: outside the data home {home}, so not under "
                         f"OBSERVATORY_SPARK_STORE_URL={settings.store_url}") from exc
    return f"{settings.store_url}/{relative.as_posix()}"


def spark_schema(schema: pa.Schema) -> Any:
    from ibis.backends.pyspark.datatypes import PySparkSchema

    return PySparkSchema.from_ibis(ibis.Schema.from_pyarrow(schema))


def _table(spark: SparkSession, name: str, schema: pa.Schema, manifests: list[dict[str, Any]],
           home: Path, settings: SparkSettings) -> DataFrame:
    """One table over every snapshot's files; ``snapshot_id`` from the manifest of the folder a
    row was read from (big snapshots leave it out of the file)."""
    from pyspark.sql import functions as F

    structure = spark_schema(schema)
    folders = {Path(m["_dir"]).name: str(m["snapshot_id"]) for m in manifests
               if m["counts"].get(name)}
    files = [file_uri(path, home, settings) for m in manifests if m["counts"].get(name)
             for path in table_files(Path(m["_dir"]), name)]
    if not files:
        return spark.createDataFrame([], structure)
    frame = spark.read.schema(structure).parquet(*files)
    # the snapshot's folder: the one holding tables/<name>.parquet or tables/<name>/part-*
    # (anchored at the end: the data home's own path may hold a "tables" folder)
    folder = F.regexp_extract(F.col("_metadata.file_path"), r"([^/]+)/tables/[^/]+(?:/[^/]+)?$", 1)
    ids = F.create_map(*[F.lit(text) for pair in sorted(folders.items()) for text in pair])
    return frame.withColumn("snapshot_id", F.coalesce(F.try_element_at(ids, folder),
                                                       F.col("snapshot_id")))


def connect(store: Store, settings: SparkSettings,
            left_out: frozenset[str] | set[str] = frozenset()) -> ibis.BaseBackend:
    """An Ibis PySpark connection whose tables are the store's (and the listing of its
    snapshots, as in the DuckDB catalog), as temporary views of a new session; the snapshots
    ``left_out`` (quarantined by the DuckDB catalog's check) are not read."""
    root = session(settings)
    try:
        spark = root.newSession()
    except Exception:  # Spark Connect has no newSession: the views live in its one session,
        spark = root  # so a process serves one data home there
        other = _CONNECT_HOMES.setdefault(id(root), store.home)
        if other != store.home:
            raise ConfigError(f"{store.home}: this process's Spark Connect session already holds "
                              f"the views of {other}; use one data home per process") from None
    manifests = [m for m in store.manifests() if m["snapshot_id"] not in left_out]
    try:
        for name, schema in TABLES.items():
            frame = _table(spark, name, schema, manifests, store.home, settings)
            # the small tables kept in memory once read, as the DuckDB catalog copies them; the
            # cache is Spark's, shared by the sessions that read the same files
            (frame if name in VIEWS else frame.cache()).createOrReplaceTempView(name)
        listing = snapshot_rows(manifests)
        spark.createDataFrame(listing.to_pandas(date_as_object=True),
                              spark_schema(SNAPSHOTS)).createOrReplaceTempView("snapshots")
    except Exception as exc:
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"{store.home}: Spark cannot read the snapshots ({first_line(exc)})"
                         ) from exc
    return ibis_connect(spark)


def ibis_connect(spark: SparkSession) -> ibis.BaseBackend:
    """The Ibis backend on ``spark`` with SQL semantics the metrics share with DuckDB. Spark 4
    turns on ANSI mode, where indexing past an array's end or a failed cast raises; the Ibis
    PySpark backend expects the null that DuckDB gives. Constraint propagation is off: on a
    union of two reads of one checkpointed table it fails (``key not found``) in Spark 4.0."""
    return _backend().connect(spark, **{"spark.sql.ansi.enabled": "false",
                                        "spark.sql.constraintPropagation.enabled": "false"})


@functools.cache
def _backend() -> ibis.BaseBackend:
    """One instance to connect from (``connect`` makes a new one per session)."""
    from ibis.backends.pyspark import Backend

    Backend.register_options()  # as Ibis's own ``ibis.pyspark`` entry point does

    class StoreBackend(Backend):
        """The PySpark backend, whose store tables have the store's types: Spark has one
        timestamp type, which Ibis reads as having no time zone; the store's are UTC."""

        def table(self, name: str, /, *, database: Any = None) -> ibis.Table:
            table = super().table(name, database=database)
            schema = STORE_SCHEMAS.get(name)
            if schema is None or table.schema() == schema or set(table.columns) != set(schema):
                return table  # not a store table (a user's own table of that name)
            return table.cast(schema)

    return StoreBackend()


def temp_table(con: ibis.BaseBackend, table: ibis.Table, name: str) -> ibis.Table:
    """``table`` computed once, now, under the temporary view ``name``. A local checkpoint, not
    Spark's cache: it cuts the plan, so a loop that builds each round on the last (the lineage
    walk) gives Spark a plan of one step to analyse, not the whole history of steps."""
    con.create_view(f"{name}_plan", table)  # also registers the in-memory tables it reads
    frame = con.raw_sql(f"SELECT * FROM `{name}_plan`").localCheckpoint(eager=True)
    frame.createOrReplaceTempView(name)
    con.raw_sql(f"DROP VIEW IF EXISTS `{name}_plan`")
    stored = con.table(name)
    # Spark's types where they differ from Ibis's (row_number is 32-bit there): the expression's
    return stored if stored.schema() == table.schema() else stored.cast(table.schema())


def release(con: ibis.BaseBackend) -> None:
    """Drop the views this connection computed (``temp_table``) and the small tables it cached,
    and free their data (a server that reconnects after each new snapshot would otherwise
    keep every earlier copy); the session itself stays (other catalogs of this process share
    its JVM, and starting one again takes seconds)."""
    for row in con.raw_sql("SHOW VIEWS").collect():
        if not row.isTemporary:
            continue
        if re.match(r"_\w+_[0-9a-f]{12}$", row.viewName):
            con.raw_sql(f"DROP VIEW IF EXISTS `{row.viewName}`")
        elif row.viewName in TABLES and row.viewName not in VIEWS:
            con.raw_sql(f"UNCACHE TABLE IF EXISTS `{row.viewName}`")
    # a checkpoint's blocks go when the JVM finds it unreferenced: ask it now, not at the
    # next collection of a heap that may be large
    gc.collect()
    with contextlib.suppress(Exception):  # Spark Connect has no JVM on this side
        con._session.sparkContext._jvm.System.gc()
