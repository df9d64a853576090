"""One writer at a time (``store/lock.py``): a second writer stops at once with exit 4 naming the
holder, or waits with ``--wait``; the lock is re-entrant within a thread; two imports racing into
one empty home never store a snapshot twice; a reader never writes while a writer holds the lock.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import LockedError
from observatory.store import Store
from observatory.store.integrity import folder_id
from observatory.store.lock import held
from tests.cli_runner import run_cli
from tests.conftest import OFFICIAL, need_shared
from tests.store.helpers import LMSYS_CSV, copy_in, held_elsewhere, snapshot_dirs

HF_TABLES = OFFICIAL / "hf-space-leaderboard-tables"


def test_a_second_writer_stops_at_once_naming_the_holder(isolated_home: Path, tmp_path: Path,
                                                         capsys, monkeypatch) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    with held_elsewhere(isolated_home):
        started = time.monotonic()
        result = run_cli(capsys, monkeypatch, "import", str(path))
        took = time.monotonic() - started
    assert result.code == 4
    [line] = result.err.strip().splitlines()
    assert line.startswith(f"locked: another writer is using the data home (pid {os.getpid()}, ")
    assert "--wait SECONDS" in line
    assert took < 5  # at once: not a timeout
    assert snapshot_dirs(isolated_home) == []


def test_wait_says_whom_it_waits_for_and_goes_on_when_the_lock_is_free(
        isolated_home: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    with held_elsewhere(isolated_home, release_after=0.6):
        result = run_cli(capsys, monkeypatch, "import", str(path), "--wait", "30")
    assert result.code == 0, result.err
    assert "waiting up to 30 s for the data home's lock (pid" in result.err
    assert len(snapshot_dirs(isolated_home)) == 1


def test_wait_gives_up_after_its_seconds(isolated_home: Path, tmp_path: Path, capsys,
                                         monkeypatch) -> None:
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    with held_elsewhere(isolated_home):
        result = run_cli(capsys, monkeypatch, "import", str(path), "--wait", "0.5")
    assert result.code == 4
    lines = result.err.strip().splitlines()
    assert lines[0].startswith("waiting up to 0.5 s for the data home's lock")
    assert lines[1].startswith("locked: ")


def test_the_lock_is_re_entrant_within_a_thread(isolated_home: Path) -> None:
    store = Store(isolated_home)
    with store.writing():
        with store.writing():
            assert held(isolated_home)
        assert held(isolated_home)
        errors: list[BaseException] = []

        def other() -> None:  # another thread is another writer
            try:
                with store.writing():
                    pass
            except LockedError as exc:
                errors.append(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert len(errors) == 1
    assert not held(isolated_home)


def _distinct_contents(folder: Path) -> int:
    return len({hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
                if p.suffix in (".csv", ".json")})


def test_two_imports_at_once_never_store_a_snapshot_twice(isolated_home: Path) -> None:
    """The issue's race: two imports of the same folder into one empty home. The folder holds
    files of equal content under different dated names, which d02274e stored twice under two
    dates when two imports raced."""
    need_shared(HF_TABLES)
    command = [sys.executable, "-m", "observatory.cli", "import", str(HF_TABLES)]
    env = {**os.environ, "OBSERVATORY_HOME": str(isolated_home)}
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    finished = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in runs]
    codes = sorted(code for code, _ in finished)
    assert codes in ([0, 0], [0, 4]), finished
    for code, err in finished:
        if code == 4:
            assert err.strip().startswith("locked: another writer is using the data home (pid ")
    ids = [folder_id(f)[1] for f in snapshot_dirs(isolated_home)]  # type: ignore[index]
    assert len(ids) == len(set(ids)) == _distinct_contents(HF_TABLES)


def test_concurrent_imports_that_wait_both_succeed(isolated_home: Path, tmp_path: Path) -> None:
    need_shared(HF_TABLES)
    files = sorted(HF_TABLES.glob("leaderboard_table_2023*.csv"))
    command = [sys.executable, "-m", "observatory.cli", "import", "--wait", "120",
               *map(str, files)]
    env = {**os.environ, "OBSERVATORY_HOME": str(isolated_home)}
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    assert [p.wait(timeout=300) for p in runs] == [0, 0]
    ids = [folder_id(f)[1] for f in snapshot_dirs(isolated_home)]  # type: ignore[index]
    expected = len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    assert len(ids) == len(set(ids)) == expected


def test_a_reader_writes_nothing_while_a_writer_holds_the_lock(isolated_home: Path,
                                                               tmp_path: Path) -> None:
    """A stale catalog while another process writes: the reader builds its own in memory and
    answers; the catalog file and tmp/ are left alone."""
    path = copy_in(LMSYS_CSV, tmp_path / "in")
    Observatory(isolated_home).import_paths([path])
    other = copy_in(HF_TABLES / "leaderboard_table_20231206.csv", tmp_path / "in2") \
        if HF_TABLES.exists() else None
    if other is None:
        pytest.skip(f"real data not found at {HF_TABLES}")
    store = Store(isolated_home)
    with store.writing():  # as a writer in the middle of its work would
        from observatory.sources.detect import parse_file

        store.write(parse_file(other))  # a snapshot the catalog does not know yet
        before = (isolated_home / "catalog.duckdb").stat().st_mtime_ns

        def read() -> None:
            obs = Observatory(isolated_home)
            frame = obs.leaders(as_of=None)
            assert len(frame) > 0
            assert set(obs.snapshots()["snapshot_id"]) == {folder_id(f)[1]  # type: ignore[index]
                                                           for f in snapshot_dirs(isolated_home)}
            obs.close()

        thread = threading.Thread(target=read)  # another thread: not the lock's holder
        thread.start()
        thread.join()
        assert (isolated_home / "catalog.duckdb").stat().st_mtime_ns == before


def test_verify_reports_a_snapshot_stored_twice_under_two_dates(isolated_home: Path,
                                                                tmp_path: Path, capsys,
                                                                monkeypatch) -> None:
    """What d02274e's race left behind is found by `store verify`."""
    import shutil

    path = copy_in(LMSYS_CSV, tmp_path / "in")
    Observatory(isolated_home).import_paths([path])
    [folder] = snapshot_dirs(isolated_home)
    _, snapshot_id = folder_id(folder)  # type: ignore[misc]
    shutil.copytree(folder, folder.with_name(f"2025-08-01_{snapshot_id}"))
    result = run_cli(capsys, monkeypatch, "store", "verify")
    assert result.code == 5
    assert f"snapshot {snapshot_id} is stored 2 times, under 2 dates" in result.out


def test_the_same_content_under_two_dates_is_stored_once_whatever_the_writer_knew(
        isolated_home: Path, tmp_path: Path) -> None:
    """The mechanism of d02274e's doubled store, made deterministic: a writer that lost the race
    on a file (another process stored it first) and then meets the same bytes under another
    dated name. The id names one folder, whatever the writer's own list of known hashes says."""
    from observatory.sources.detect import parse_file

    first = copy_in(LMSYS_CSV, tmp_path / "a", "lmsys_2025-07-18.csv")
    second = copy_in(LMSYS_CSV, tmp_path / "b", "lmsys_2025-08-01.csv")
    Store(isolated_home).write(parse_file(first))  # the other process
    known: dict = {}  # what this writer knew when it started: nothing
    lost = Store(isolated_home).write(parse_file(first), known)
    again = Store(isolated_home).write(parse_file(second), known)
    assert lost.duplicate and again.duplicate
    assert [folder_id(f) for f in snapshot_dirs(isolated_home)] == [("2025-07-18", lost.snapshot_id)]
