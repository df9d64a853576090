"""The Spark backend (``store/spark.py``): its tables are the DuckDB catalog's, row for row, and
every view the issue names gives the same rows and numbers (floats to 1e-9 relative) on the
shipped data. The metric tests themselves run on both backends through the parity fixture
(``tests/metrics/conftest.py``, ``tests/lineage/conftest.py``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.errors import ConfigError, ObservatoryError, StoreError
from observatory.schema import TABLES
from observatory.store.spark import SparkSettings, backend_name
from tests.cli_runner import run_cli
from tests.conftest import SHARED, need_shared
from tests.store.helpers import as_written_before

pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install -e '.[dev,spark]')")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped data file imported once: boards, the AA index, Hub listings, model trees."""
    need_shared()
    home = tmp_path_factory.mktemp("shipped")
    Observatory(home, backend="duckdb").import_paths([SHARED])
    return home


@pytest.fixture
def both(shipped: Path, spark_settings: SparkSettings,
         monkeypatch: pytest.MonkeyPatch) -> tuple[Observatory, Observatory]:
    monkeypatch.setattr("observatory.store.spark.SparkSettings.from_env", lambda: spark_settings)
    return Observatory(shipped, backend="duckdb"), Observatory(shipped, backend="spark")


def assert_same(duck: pd.DataFrame, spark: pd.DataFrame, what: str) -> None:
    """Same columns, same rows in the same order, floats equal to 1e-9 relative."""
    assert list(duck.columns) == list(spark.columns), what
    assert len(duck) == len(spark), f"{what}: {len(duck)} rows on DuckDB, {len(spark)} on Spark"
    for column in duck.columns:
        left, right = duck[column].reset_index(drop=True), spark[column].reset_index(drop=True)
        if pd.api.types.is_float_dtype(left) or pd.api.types.is_float_dtype(right):
            pd.testing.assert_series_equal(left.astype("float64"), right.astype("float64"),
                                           rtol=1e-9, atol=0, obj=f"{what}.{column}")
        else:
            assert [_plain(v) for v in left] == [_plain(v) for v in right], f"{what}.{column}"


def _plain(value: object) -> object:
    """One spelling of a cell on both sides: nulls as None, dates as ISO text, arrays as lists."""
    if isinstance(value, list | tuple) or (hasattr(value, "tolist") and not isinstance(value, str)):
        listed = value.tolist() if hasattr(value, "tolist") else list(value)
        return [_plain(v) for v in listed] if isinstance(listed, list) else listed
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | date):
        return value.isoformat()
    return value


def _hub_window(obs: Observatory) -> tuple[date, date]:
    days = sorted(obs.snapshots().query("format == 'hub-listing'")["snapshot_date"])
    return pd.Timestamp(days[0]).date(), pd.Timestamp(days[-1]).date()


VIEWS: dict[str, Callable[[Observatory], pd.DataFrame]] = {
    "leaders by country": lambda o: o.leaders(by="country"),
    "leaders by org on 2025-07-18": lambda o: o.leaders(by="org", as_of=date(2025, 7, 18)),
    "lead-changes": lambda o: o.lead_changes(),
    "gap": lambda o: o.gap(),
    "top 25, closed too": lambda o: o.top(n=25, open_weights_only=False),
    "downloads by family": lambda o: o.downloads(by="family"),
    "share by country": lambda o: o.share(*_hub_window(o), by="country"),
    "licences": lambda o: o.licences(),
    "architecture": lambda o: o.architecture(),
    "derivatives by root country": lambda o: o.derivatives("root-country"),
    "roots": lambda o: o.lineage_graph().roots.to_pandas().sort_values(
        ["model_id", "root_id"], ignore_index=True),
}


@pytest.mark.parametrize("view", VIEWS)
def test_views_agree_on_the_shipped_data(both: tuple[Observatory, Observatory], view: str) -> None:
    duck, spark = both
    try:
        expected = VIEWS[view](duck)
    except ObservatoryError as exc:  # no data for it: Spark must say the same
        with pytest.raises(type(exc)):
            VIEWS[view](spark)
        return
    assert not expected.empty, view
    assert_same(expected, VIEWS[view](spark), view)


def test_tables_are_the_catalogs_row_for_row(both: tuple[Observatory, Observatory]) -> None:
    duck, spark = both
    for name in [*TABLES, "snapshots"]:
        left = duck.connection().table(name).to_pandas()
        right = spark.connection().table(name).to_pandas()
        keys = [c for c in left.columns if not isinstance(_first(left[c]), list | tuple)
                and not hasattr(_first(left[c]), "tolist")]
        assert_same(left.sort_values(keys, ignore_index=True, na_position="first"),
                    right[list(left.columns)].sort_values(keys, ignore_index=True, na_position="first"),
                    name)


def _first(series: pd.Series) -> object:
    values = series.dropna()
    return values.iloc[0] if len(values) else None


def test_a_column_missing_from_an_old_file_reads_as_null(tmp_path: Path, spark_settings: SparkSettings,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot written before a column existed: both backends read that column as null.
    The snapshot id, left out of the file, comes from its folder, even in a data home whose own
    path holds a folder named "tables"."""
    from tests.metrics.hub_store import lineage_hub

    monkeypatch.setattr("observatory.store.spark.SparkSettings.from_env", lambda: spark_settings)
    home = tmp_path / "tables" / "home"
    obs = lineage_hub(Observatory(home, backend="duckdb"), tmp_path)
    path = next((home / "snapshots").glob("*/*/tables/hub_models.parquet"))
    old = pq.read_table(path)
    pq.write_table(old.drop_columns(["extra", "params_total", "snapshot_id"]), path)
    as_written_before(path.parent.parent)
    obs.refresh()
    frames = [Observatory(home, backend=b).connection().table("hub_models")
              .order_by("model_id").to_pandas() for b in ("duckdb", "spark")]
    for frame in frames:
        assert frame["extra"].isna().all() and frame["params_total"].isna().all()
        assert set(frame["snapshot_id"]) == {"lineage"}
    assert_same(frames[0], frames[1], "hub_models")


def test_the_cluster_reads_the_store_under_its_url(tmp_path: Path) -> None:
    from observatory.store.spark import file_uri

    home = tmp_path / "home"
    inside = home / "snapshots" / "hub-api" / "2025-10-01_x" / "tables" / "hub_models.parquet"
    url = SparkSettings(store_url="s3a://bucket/observatory")
    assert file_uri(inside, home, url) == ("s3a://bucket/observatory/snapshots/hub-api/2025-10-01_x/"
                                           "tables/hub_models.parquet")
    assert file_uri(inside, home, SparkSettings()) == inside.resolve().as_uri()
    with pytest.raises(StoreError, match="outside the data home"):
        file_uri(tmp_path / "elsewhere.parquet", home, url)


def test_settings_and_backend_choice_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVATORY_SPARK_MASTER", "sc://spark.example:15002")
    monkeypatch.setenv("OBSERVATORY_SPARK_STORE_URL", "s3a://b/obs/")
    monkeypatch.setenv("OBSERVATORY_SPARK_CONF", "spark.driver.memory=8g; spark.executor.cores=4")
    settings = SparkSettings.from_env()
    assert settings == SparkSettings("sc://spark.example:15002", "s3a://b/obs",
                                     (("spark.driver.memory", "8g"), ("spark.executor.cores", "4")))
    monkeypatch.setenv("OBSERVATORY_SPARK_CONF", "spark.driver.memory")
    with pytest.raises(ConfigError, match=r"SPARK_CONF: 'spark\.driver\.memory' is not key=value"):
        SparkSettings.from_env()
    monkeypatch.setenv("OBSERVATORY_BACKEND", "Spark")
    assert backend_name() == "spark" and backend_name("duckdb") == "duckdb"
    monkeypatch.setenv("OBSERVATORY_BACKEND", "oracle")
    with pytest.raises(ConfigError, match="OBSERVATORY_BACKEND: unknown backend 'oracle'"):
        backend_name()


def test_without_pyspark_the_error_says_how_to_install_it(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from observatory.store import spark

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    monkeypatch.setattr(spark, "_SESSIONS", {})
    with pytest.raises(ConfigError, match=r"pip install 'open-weights-observatory\[spark\]'"):
        Observatory(tmp_path / "home", backend="spark").connection()


def test_cli_backend_option_gives_the_same_answer(shipped: Path, spark_settings: SparkSettings,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("observatory.store.spark.SparkSettings.from_env", lambda: spark_settings)
    monkeypatch.setenv("OBSERVATORY_HOME", str(shipped))
    args = ("leaders", "--as-of", "2025-07-18", "--format", "json")
    duck = run_cli(capsys, monkeypatch, *args, "--backend", "duckdb")
    spark = run_cli(capsys, monkeypatch, *args, "--backend", "spark")
    assert duck.code == spark.code == 0, spark.err
    assert_same(pd.DataFrame(json.loads(duck.out)), pd.DataFrame(json.loads(spark.out)), "leaders")
    bad = run_cli(capsys, monkeypatch, "gap", "--backend", "oracle")
    assert bad.code == 2 and "oracle" in bad.err


def test_a_query_spark_cannot_run_is_one_line(tmp_path: Path, spark_settings: SparkSettings,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A file Spark cannot read as the store's schema (here model_id written as numbers): the
    command fails with Spark's message on one line, not the JVM's stack."""
    import pyarrow as pa

    from tests.metrics.hub_store import lineage_hub

    monkeypatch.setattr("observatory.store.spark.SparkSettings.from_env", lambda: spark_settings)
    monkeypatch.setenv("OBSERVATORY_HOME", str(tmp_path / "home"))
    lineage_hub(Observatory(tmp_path / "home", backend="duckdb"), tmp_path)
    path = next((tmp_path / "home" / "snapshots").glob("*/*/tables/hub_models.parquet"))
    pq.write_table(pa.table({"model_id": pa.array([1, 2], pa.int64())}), path)
    as_written_before(path.parent.parent)  # readable, with the rows its manifest counts
    result = run_cli(capsys, monkeypatch, "derivatives", "--backend", "spark")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines[-1].startswith("spark: ") and "Traceback" not in result.err, result.err
