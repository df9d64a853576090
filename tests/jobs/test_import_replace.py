"""Mistakes undone and stops said: ``import --replace`` stores a corrected file (another date, or
other content under the same name and date) and removes what it corrects, logged; an import a
kill stopped is said at the next import and by ``store verify``. At d02274e ``--date`` was
ignored for content already stored, so a misdated import could not be corrected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.store.integrity import folder_id
from tests.cli_runner import run_cli
from tests.conftest import LMSYS, need_shared
from tests.store.helpers import snapshot_dirs

LMSYS_CSV = LMSYS / "lmsys_2025-07-18.csv"


@pytest.fixture
def undated(tmp_path: Path) -> Path:
    """A real board under a name that carries no date (so --date gives it one)."""
    need_shared(LMSYS_CSV)
    path = tmp_path / "board.csv"
    shutil.copyfile(LMSYS_CSV, path)
    return path


def log(home: Path) -> list[dict]:
    return [json.loads(line) for line in (home / "store.log").read_text().splitlines()]


def test_a_misdated_import_is_corrected_with_replace(isolated_home: Path, undated: Path, capsys,
                                                     monkeypatch) -> None:
    first = run_cli(capsys, monkeypatch, "import", str(undated), "--date", "2025-01-01")
    assert first.code == 0, first.err
    again = run_cli(capsys, monkeypatch, "import", str(undated), "--date", "2025-07-18")
    assert again.code == 0 and "already in the store" in again.out  # without --replace: as before
    [folder] = snapshot_dirs(isolated_home)
    assert folder_id(folder)[0] == "2025-01-01"  # type: ignore[index]

    fixed = run_cli(capsys, monkeypatch, "import", str(undated), "--date", "2025-07-18",
                    "--replace")
    assert fixed.code == 0, fixed.err
    [folder] = snapshot_dirs(isolated_home)
    day, snapshot_id = folder_id(folder)  # type: ignore[misc]
    assert day == "2025-07-18"
    assert f"replaced snapshots/lmarena-csv/2025-01-01_{snapshot_id} with snapshot {snapshot_id} " \
           "(2025-07-18)" in fixed.out
    [entry] = log(isolated_home)
    assert (entry["action"], entry["snapshot_date"]) == ("replaced", "2025-01-01")
    dates = Observatory(isolated_home).snapshots()["snapshot_date"].tolist()
    assert dates == ["2025-07-18"]


def test_a_corrected_file_replaces_the_one_of_the_same_name_and_date(
        isolated_home: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    need_shared(LMSYS_CSV)
    path = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, path)
    assert run_cli(capsys, monkeypatch, "import", str(path)).code == 0
    [old] = snapshot_dirs(isolated_home)
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # the corrected file: one row fewer
    fixed = run_cli(capsys, monkeypatch, "import", str(path), "--replace")
    assert fixed.code == 0, fixed.err
    [new] = snapshot_dirs(isolated_home)
    assert new != old and not old.exists()
    assert f"removed snapshots/lmarena-csv/{old.name} (replaced)" in fixed.out
    [entry] = log(isolated_home)
    assert entry["action"] == "removed" and entry["snapshot"] == f"snapshots/lmarena-csv/{old.name}"


def test_an_import_stopped_by_a_kill_is_said_next_time(isolated_home: Path, tmp_path: Path,
                                                        capsys, monkeypatch) -> None:
    """A stop after the first of three files (the KeyboardInterrupt a kill would be): the next
    import and `store verify` say so; an import of the same files clears it."""
    need_shared(LMSYS)
    files = sorted(LMSYS.glob("lmsys_2024-07-*.csv"))[:3]
    folder = tmp_path / "in"
    folder.mkdir()
    for file in files:
        shutil.copyfile(file, folder / file.name)
    from observatory.store import snapshots

    real = snapshots.Store.write
    calls = {"n": 0}

    def stop_after_one(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(snapshots.Store, "write", stop_after_one)
    stopped = run_cli(capsys, monkeypatch, "import", str(folder))
    assert stopped.code == 130
    monkeypatch.setattr(snapshots.Store, "write", real)

    verify = run_cli(capsys, monkeypatch, "store", "verify")
    assert verify.code == 5
    assert "the import of " in verify.out and "stopped after 1 of 3 files" in verify.out
    again = run_cli(capsys, monkeypatch, "import", str(folder))
    assert again.code == 0, again.err
    assert again.err.startswith("note: the import of ") and "stopped after 1 of 3 files" in again.err
    assert run_cli(capsys, monkeypatch, "store", "verify").code == 0
    assert len(snapshot_dirs(isolated_home)) == 3
