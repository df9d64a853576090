"""Upgrades keep data (``store/upgrade.py``): a data home written by d02274e's own code (manifests
without table hashes, no lock, no layout file) answers the same views with this version, is
brought to layout 2 in place under the lock (each manifest gains its table files' SHA-256, so a
flipped byte is found from then on), verifies clean, and takes its own files again as already
stored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from observatory.store.integrity import LAYOUT, table_files
from observatory.store.upgrade import layout
from tests import legacy
from tests.cli_runner import run_cli
from tests.conftest import SHARED, need_shared
from tests.store.helpers import IMAGE_JSON, LMSYS_CSV, snapshot_dirs

LISTING = SHARED / "hub-trending-daily"
VIEWS = (("leaders", "--format", "json"), ("leaders", "--board", "image", "--format", "json"),
         ("top", "--n", "5", "--format", "json"), ("store", "list", "--format", "json"))


def old_cli(root: Path, home: Path, *args: str) -> str:
    script = ("import sys\nfrom observatory.cli import main\n"
              f"sys.argv = ['observatory', *{list(args)!r}]\nmain()\n")
    done = legacy.run(root, script, {"OBSERVATORY_HOME": str(home),
                                     "OBSERVATORY_REGISTRY": str(root / "none")})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def old_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], list[Path]]:
    """A home d02274e made from real files, and what its views printed."""
    need_shared(LMSYS_CSV, IMAGE_JSON, LISTING)
    root = legacy.checkout(legacy.D02274E, tmp_path_factory.mktemp("d02274e"))
    files = [LMSYS_CSV, IMAGE_JSON, sorted(LISTING.glob("*.json"))[0]]
    home = root / "home"
    old_cli(root, home, "import", *map(str, files))
    printed = {" ".join(args): old_cli(root, home, *args) for args in VIEWS}
    return home, printed, files


@pytest.fixture
def home(old_home, isolated_home: Path) -> Path:
    shutil.copytree(old_home[0], isolated_home)
    return isolated_home


def test_a_home_written_by_d02274e_answers_the_same_and_is_upgraded_in_place(
        home: Path, old_home, capsys, monkeypatch) -> None:
    _, printed, files = old_home
    assert layout(home) == 1
    manifests = [json.loads((f / "manifest.json").read_text()) for f in snapshot_dirs(home)]
    assert all("files" not in m for m in manifests)

    for args in VIEWS:  # the views print what d02274e printed (origins as published aside)
        result = run_cli(capsys, monkeypatch, *args)
        assert result.code == 0, result.err
        if args[0] == "store":
            old = {r["snapshot_id"]: r["counts"] for r in json.loads(printed[" ".join(args)])}
            assert {r["snapshot_id"]: r["counts"] for r in json.loads(result.out)} == old
        else:
            assert json.loads(result.out) == json.loads(printed[" ".join(args)]), args

    assert layout(home) == LAYOUT  # the first command took the lock and upgraded the home
    for folder in snapshot_dirs(home):
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["layout"] == LAYOUT
        assert set(manifest["files"]) == {p.relative_to(folder).as_posix()
                                          for name in manifest["counts"]
                                          for p in table_files(folder, name)}
    assert run_cli(capsys, monkeypatch, "store", "verify").code == 0
    again = run_cli(capsys, monkeypatch, "import", *map(str, files))
    assert again.code == 0 and "imported 0 snapshot(s)" in again.out


def test_after_the_upgrade_a_flipped_byte_that_still_decodes_is_found(home: Path, capsys,
                                                                       monkeypatch) -> None:
    assert run_cli(capsys, monkeypatch, "store", "verify", "--clean").code == 0  # takes the lock
    folder = next(f for f in snapshot_dirs(home) if f.parent.name == "lmarena-csv")
    [table] = table_files(folder, "board_entries")
    content = bytearray(table.read_bytes())
    content[-10] ^= 0x01  # in the footer's tail: the file may still read
    table.write_bytes(bytes(content))
    result = run_cli(capsys, monkeypatch, "store", "verify")
    assert result.code == 5
    assert f"{table}: table file's SHA-256 differs from the manifest's" in result.out
