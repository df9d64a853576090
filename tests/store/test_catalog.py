"""The DuckDB catalog over the snapshots (``store.catalog``): it is a cache that catches up
with the snapshots on disk, and a rebuild from the snapshots gives the same counts.

Expected counts are read from the parquet files and manifests on disk, independently of the
catalog. Real inputs are copied into ``tmp_path``; the shared data is never written.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq

from observatory.api import Observatory
from observatory.schema import TABLES
from observatory.sources.detect import parse_file
from observatory.store import Store, catalog
from tests.conftest import OFFICIAL, SHARED, need_shared
from tests.store.helpers import (
    AA_CSV,
    ELO_MAX,
    HF_TABLE,
    IMAGE_JSON,
    LMSYS_CSV,
    as_written_before,
    copy_in,
    lmsys_counts,
    snapshot_dirs,
)

TEXT = OFFICIAL / "arena-catalog" / "text"


def test_catalog_catches_up_with_snapshots_written_without_a_rebuild(obs: Observatory) -> None:
    need_shared(TEXT)
    obs.import_paths([TEXT / "leaderboard-text_2025-05-20.json"])
    # A snapshot written while the catalog could not be rebuilt (e.g. it was locked).
    Store(obs.store.home).write(parse_file(TEXT / "leaderboard-text_2025-05-24.json"))
    dates = obs.entries().to_pandas()["snapshot_date"].astype(str).str[:10]
    assert set(dates) == {"2025-05-20", "2025-05-24"}


def parquet_totals(home: Path) -> dict[str, int]:
    totals = dict.fromkeys(TABLES, 0)
    for file in (home / "snapshots").glob("*/*/tables/*.parquet"):
        totals[file.stem] += pq.read_metadata(file).num_rows
    return totals


def catalog_counts(home: Path) -> dict[str, int]:
    con = duckdb.connect(str(home / "catalog.duckdb"), read_only=True)
    try:
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in TABLES}
    finally:
        con.close()


def test_rebuild_after_deleting_the_catalog_gives_the_same_counts(
    isolated_home: Path, tmp_path: Path
) -> None:
    need_shared(AA_CSV)
    folder = tmp_path / "in"
    folder.mkdir()
    with AA_CSV.open(newline="", encoding="utf-8") as handle:
        head = [row for _, row in zip(range(40), csv.reader(handle), strict=False)]
    with (folder / AA_CSV.name).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(head)
    paths = [copy_in(p, folder) for p in (LMSYS_CSV, HF_TABLE, ELO_MAX, IMAGE_JSON)]
    obs = Observatory(isolated_home)
    report = obs.import_paths([*paths, folder / AA_CSV.name])
    assert len(report.imported) == 5

    expected = parquet_totals(isolated_home)
    not_boards = {"hub_models", "hub_configs", "hub_edges", "votes", "hub_aggregates"}
    assert all(v for k, v in expected.items() if k not in not_boards)  # every board table has rows
    from_manifests = dict.fromkeys(TABLES, 0)
    for manifest in obs.store.manifests():
        for table, rows in manifest["counts"].items():
            from_manifests[table] += rows
    assert from_manifests == expected
    assert catalog_counts(isolated_home) == expected

    (isolated_home / "catalog.duckdb").unlink()
    assert catalog.rebuild(Store(isolated_home)) == expected
    assert catalog_counts(isolated_home) == expected

    # Rebuilding over an existing catalog is idempotent too.
    assert catalog.rebuild(Store(isolated_home)) == expected


def test_rebuild_with_empty_tables(isolated_home: Path, tmp_path: Path) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    Observatory(isolated_home).import_paths([path])
    (isolated_home / "catalog.duckdb").unlink()
    expected = {**dict.fromkeys(TABLES, 0), **lmsys_counts(path)}
    assert catalog.rebuild(Store(isolated_home)) == expected
    assert catalog_counts(isolated_home) == expected


def test_rebuild_of_an_empty_store(isolated_home: Path) -> None:
    assert catalog.rebuild(Store(isolated_home)) == dict.fromkeys(TABLES, 0)


def test_connect_builds_a_missing_catalog(isolated_home: Path, tmp_path: Path) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    obs = Observatory(isolated_home)
    obs.import_paths([path])
    (isolated_home / "catalog.duckdb").unlink()
    con = obs.connection()
    assert con.table("board_entries").count().execute() == lmsys_counts(path)["board_entries"]
    assert (isolated_home / "catalog.duckdb").is_file()


def test_snapshot_written_before_a_column_was_added_still_reads(isolated_home: Path, tmp_path: Path) -> None:
    # hub_configs gained name_or_path; a snapshot from before has no such column in its file
    tree = SHARED / "hf-model-tree" / "mistral-small-24b-base-2501_tree_2025-04-05.csv"
    need_shared(tree)
    path = copy_in(tree, tmp_path / "in")
    Observatory(isolated_home).import_paths([path])
    (snapshot,) = snapshot_dirs(isolated_home)
    file = snapshot / "tables" / "hub_configs.parquet"
    table = pq.read_table(file)
    pq.write_table(table.drop_columns(["name_or_path"]), file)
    as_written_before(snapshot)
    (isolated_home / "catalog.duckdb").unlink()
    counts = catalog.rebuild(Store(isolated_home))
    assert counts["hub_configs"] == table.num_rows > 0
    con = duckdb.connect(str(isolated_home / "catalog.duckdb"), read_only=True)
    try:
        names = con.execute("SELECT count(name_or_path), count(hidden_size) FROM hub_configs").fetchall()[0]
    finally:
        con.close()
    assert names == (0, pc.count(table["hidden_size"]).as_py())
