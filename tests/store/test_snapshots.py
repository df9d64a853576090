"""The snapshot store (``store.snapshots``): layout, manifest, de-duplication, crash safety, tmp
cleanup. The catalog built over the snapshots is tested in ``test_catalog``.

Expected values (hashes, row counts, dates) are computed here from the raw files with hashlib,
csv and json, independently of the importers. Real inputs are read from ../shared/data and
copied into ``tmp_path``; the shared data is never written.
"""

from __future__ import annotations

import errno
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from observatory import METHOD_VERSION, __version__
from observatory.api import Observatory
from observatory.errors import StoreError
from observatory.schema import TABLES
from observatory.sources.detect import parse_file
from observatory.store import Store
from observatory.store import snapshots as snapshots_mod
from tests.conftest import OFFICIAL, need_shared
from tests.store.helpers import (
    HF_TABLE,
    IMAGE_JSON,
    LMSYS_CSV,
    copy_in,
    csv_records,
    lmsys_counts,
    snapshot_dirs,
)

# --- independent expectations -------------------------------------------------------------------


def hf_table_counts(path: Path) -> dict[str, int]:
    records = csv_records(path)
    rated = [r for r in records if r["Arena Elo rating"].strip() not in ("", "-")]
    return {"board_models": len(records), "board_entries": len(rated)}


def arena_json_counts(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"board_entries": sum(len(models) for models in data.values())}


CASES = {
    # id: (file, expected counts, format, source, snapshot date)
    "lmarena-csv": (LMSYS_CSV, lmsys_counts, "lmarena-csv", "lmarena", "2025-07-18"),
    "hf-space-table": (HF_TABLE, hf_table_counts, "hf-space-table", "hf", "2023-06-19"),
    "arena-catalog": (IMAGE_JSON, arena_json_counts, "arena-catalog", "arena", "2025-12-11"),
}


def tree(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every path under root: files with (size, mtime_ns), folders as None; but the lock file,
    which every writer fills with its name, whatever it writes."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) if p.is_file() else None
        for p in sorted(root.rglob("*")) if p.name != "run.lock"
    }


# --- layout and manifest ------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_snapshot_layout_and_manifest(
    obs: Observatory, isolated_home: Path, tmp_path: Path, case: str
) -> None:
    source, count, fmt, origin_source, day = CASES[case]
    path = copy_in(source, tmp_path / "in")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    expected_counts = count(path)
    assert all(n > 0 for n in expected_counts.values())

    report = obs.import_paths([path])

    (result,) = report.results
    assert not result.duplicate
    assert (result.format, result.snapshot_id, result.snapshot_date) == (fmt, digest[:12], day)
    assert result.counts == expected_counts

    (folder,) = snapshot_dirs(isolated_home)
    assert folder == isolated_home / "snapshots" / fmt / f"{day}_{digest[:12]}"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "raw", "tables"]
    assert [p.name for p in (folder / "raw").iterdir()] == [path.name]
    assert (folder / "raw" / path.name).read_bytes() == raw

    assert sorted(p.name for p in (folder / "tables").iterdir()) == sorted(
        f"{table}.parquet" for table in expected_counts
    )
    for table, rows in expected_counts.items():
        stored = pq.read_table(folder / "tables" / f"{table}.parquet")
        assert stored.num_rows == rows
        assert stored.schema.names == TABLES[table].names
        assert set(stored.column("snapshot_id").to_pylist()) == {digest[:12]}

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["snapshot_id"] == digest[:12]
    assert manifest["source"] == origin_source
    assert manifest["format"] == fmt
    assert manifest["snapshot_date"] == day
    assert manifest["content_hash"] == digest
    assert manifest["counts"] == expected_counts
    assert manifest["method_version"] == METHOD_VERSION
    assert manifest["tool_version"] == __version__
    assert manifest["status"] == "complete"
    assert manifest["raw_files"] == [{"name": path.name, "sha256": digest, "bytes": len(raw)}]

    assert list((isolated_home / "tmp").iterdir()) == []


def test_lmarena_csv_rows_match_the_raw_file(obs: Observatory, isolated_home: Path, tmp_path: Path) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    obs.import_paths([path])
    (folder,) = snapshot_dirs(isolated_home)
    stored = pq.read_table(folder / "tables" / "board_entries.parquet").to_pylist()
    records = csv_records(path)
    assert [r["model_key"] for r in stored] == [r["model"] for r in records]
    assert [r["rating"] for r in stored] == [float(r["arena_score"]) for r in records]
    assert [r["votes"] for r in stored] == [int(r["votes"].replace(",", "")) for r in records]
    first, raw_first = stored[0], records[0]
    high, low = raw_first["95_pct_ci"].lstrip("+").split("/-")
    assert first["ci_high"] == pytest.approx(float(raw_first["arena_score"]) + float(high))
    assert first["ci_low"] == pytest.approx(float(raw_first["arena_score"]) - float(low))
    assert {r["snapshot_date"].isoformat() for r in stored} == {"2025-07-18"}


# --- duplicates ---------------------------------------------------------------------------------


def test_reimport_of_identical_content_is_a_no_op(
    obs: Observatory, isolated_home: Path, tmp_path: Path
) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    first = obs.import_paths([path]).results[0]
    assert not first.duplicate
    before = tree(isolated_home)

    again = obs.import_paths([path])
    assert again.imported == []
    (dup,) = again.duplicates
    assert dup.duplicate
    assert (dup.snapshot_id, dup.snapshot_date, dup.counts) == (
        first.snapshot_id,
        first.snapshot_date,
        first.counts,
    )
    assert tree(isolated_home) == before  # no new folder, catalog not even rebuilt

    # Same bytes under another name (and so another date in the name): still the same content.
    renamed = copy_in(LMSYS_CSV, tmp_path / "elsewhere", "lmsys_2025-08-01.csv")
    store_dup = Store(isolated_home).write(parse_file(renamed))
    assert store_dup.duplicate
    assert (store_dup.snapshot_id, store_dup.snapshot_date) == (first.snapshot_id, "2025-07-18")
    assert tree(isolated_home) == before


def test_same_content_twice_in_one_import_is_stored_once(
    obs: Observatory, isolated_home: Path, tmp_path: Path
) -> None:
    a = copy_in(LMSYS_CSV, tmp_path / "a")
    b = copy_in(LMSYS_CSV, tmp_path / "b")
    report = obs.import_paths([a, b])
    assert [r.duplicate for r in report.results] == [False, True]
    assert len(snapshot_dirs(isolated_home)) == 1


def test_changed_content_is_a_new_snapshot(obs: Observatory, isolated_home: Path, tmp_path: Path) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    obs.import_paths([path])
    path.write_bytes(path.read_bytes() + b"\n")  # a trailing blank line: same rows, new bytes
    result = obs.import_paths([path]).results[0]
    assert not result.duplicate
    assert result.counts == lmsys_counts(path)
    assert len(snapshot_dirs(isolated_home)) == 2


# --- crash safety -------------------------------------------------------------------------------


def failing_write_table(calls: list[Path], exc: BaseException) -> Callable[..., None]:
    """``pq.write_table`` that works once, then writes the second table fully and raises."""
    real = pq.write_table

    def write_table(table, where, *args, **kwargs):
        real(table, where, *args, **kwargs)
        calls.append(Path(where))
        if len(calls) >= 2:
            raise exc

    return write_table


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (RuntimeError("disk on fire"), RuntimeError),
        (KeyboardInterrupt(), KeyboardInterrupt),
        (OSError(errno.ENOSPC, "No space left on device"), StoreError),
    ],
)
def test_crash_mid_write_leaves_nothing(
    isolated_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exc: BaseException,
    expected: type[BaseException],
) -> None:
    path = copy_in(HF_TABLE, tmp_path / "in")  # two tables, so two parquet writes
    store = Store(isolated_home)
    parsed = parse_file(path)
    calls: list[Path] = []
    monkeypatch.setattr(snapshots_mod.pq, "write_table", failing_write_table(calls, exc))

    with pytest.raises(expected):
        store.write(parsed)

    assert len(calls) == 2
    assert all(store.tmp_dir in p.parents and not p.exists() for p in calls)
    assert [p for p in store.snapshots_dir.rglob("*") if p.is_file()] == []
    assert snapshot_dirs(isolated_home) == []
    assert list(store.tmp_dir.iterdir()) == []
    assert store.manifests() == []

    # Nothing is left that blocks or fakes a later import of the same content.
    monkeypatch.undo()
    result = Store(isolated_home).write(parse_file(path))
    assert not result.duplicate
    assert result.counts == hf_table_counts(path)


def test_interrupted_import_writes_no_snapshot_and_no_catalog(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = copy_in(LMSYS_CSV, tmp_path / "in")
    other = copy_in(HF_TABLE, tmp_path / "in")
    calls: list[Path] = []
    monkeypatch.setattr(snapshots_mod.pq, "write_table", failing_write_table(calls, KeyboardInterrupt()))
    obs = Observatory(isolated_home)
    with pytest.raises(KeyboardInterrupt):
        obs.import_paths([other, good])
    # Files are written in order; the interrupt hit the first, so nothing is stored.
    assert len(calls) == 2
    assert snapshot_dirs(isolated_home) == []
    assert list((isolated_home / "tmp").iterdir()) == []
    assert not (isolated_home / "catalog.duckdb").exists()


def test_failed_rename_leaves_nothing(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    store = Store(isolated_home)
    parsed = parse_file(path)

    def rename(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(snapshots_mod.os, "rename", rename)
    with pytest.raises(StoreError, match=r"cannot write snapshot .*Invalid cross-device link"):
        store.write(parsed)
    monkeypatch.undo()
    assert [p for p in store.snapshots_dir.rglob("*") if p.is_file()] == []
    assert list(store.tmp_dir.iterdir()) == []


# --- stale work folders -------------------------------------------------------------------------


def test_leftovers_in_tmp_are_cleaned_when_a_writer_takes_the_lock(isolated_home: Path,
                                                                   tmp_path: Path) -> None:
    """Whoever takes the lock is the only writer, so everything in tmp/ is a dead writer's; a
    store opened only to read leaves tmp/ alone."""
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    Observatory(isolated_home).import_paths([path])
    tmp = isolated_home / "tmp"
    for name in ("stale", "young"):
        (tmp / name / "raw").mkdir(parents=True)
        (tmp / name / "raw" / "partial.csv").write_bytes(b"rank,model\n1,")
    (tmp / "catalog-123-abc.duckdb").write_bytes(b"half")
    before = tree(isolated_home / "snapshots")

    store = Store(isolated_home)
    assert sorted(p.name for p in tmp.iterdir()) == ["catalog-123-abc.duckdb", "stale", "young"]
    with store.writing():
        assert list(tmp.iterdir()) == []
    assert tree(isolated_home / "snapshots") == before


def test_an_existing_snapshot_folder_is_a_duplicate(obs: Observatory) -> None:
    """Two imports of the same file racing: the loser finds the folder and reports a duplicate."""
    need_shared(OFFICIAL / "arena-catalog" / "text")
    path = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-20.json"
    first = obs.store.write(parse_file(path))
    second = obs.store.write(parse_file(path), known={})  # as if it had not seen the first
    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.snapshot_id == first.snapshot_id
