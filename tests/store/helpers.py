"""Shared by the store tests: real inputs copied into ``tmp_path`` (the shared data is never
written) and expectations computed from the raw files with the csv module, independently of
the importers."""

from __future__ import annotations

import csv
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from observatory.store.lock import write_lock
from tests.conftest import AA, LMSYS, OFFICIAL, need_shared

LMSYS_CSV = LMSYS / "lmsys_2025-07-18.csv"
IMAGE_JSON = OFFICIAL / "arena-catalog" / "leaderboard-image_2025-12-11.json"
HF_TABLES = OFFICIAL / "hf-space-leaderboard-tables"
HF_TABLE = HF_TABLES / "leaderboard_table_20230619.csv"
ELO_MAX = HF_TABLES / "elo_data_max_by_category.json"
AA_CSV = AA / "aa_llms_daily_compact.csv"


def csv_records(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())]


def lmsys_counts(path: Path) -> dict[str, int]:
    return {"board_entries": len(csv_records(path))}


def copy_in(source: Path, folder: Path, name: str | None = None) -> Path:
    need_shared(source)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or source.name)
    shutil.copyfile(source, target)
    return target


def snapshot_dirs(home: Path) -> list[Path]:
    return sorted(p for p in (home / "snapshots").glob("*/*") if p.is_dir())


def as_written_before(folder: Path) -> None:
    """Make a snapshot folder whose tables a test rewrote look as an earlier version wrote it:
    a manifest without the table files' hashes (layout 1) and with the row counts the files now
    hold, so the store reads it as it is rather than quarantining it as damaged."""
    import json

    import pyarrow.parquet as pq

    from observatory.store.integrity import table_files

    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    for key in ("layout", "files", "boards"):
        manifest.pop(key, None)
    manifest["counts"] = {name: sum(pq.read_metadata(f).num_rows for f in table_files(folder, name))
                          for name in manifest["counts"]}
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True))


@contextmanager
def held_elsewhere(home: Path, release_after: float | None = None) -> Iterator[None]:
    """The home's lock held by another thread (another writer, as another process would be),
    until the block ends or ``release_after`` seconds pass."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_lock(home):
            taken.set()
            release.wait(release_after if release_after is not None else 60)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()
