"""The exit codes, the same for every command (README "Exit codes", ``errors.py``), each from a
real command: 0 answered, 1 no data, 2 usage or bad input, 3 unreachable, 4 locked, 5 store
damage, 130 interrupted; the worst of several by priority; ``make run`` takes 3 as an answer."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from observatory import errors
from observatory.api import Observatory
from tests.cli_runner import Result, run_cli
from tests.jobs.bad_input import manifests, seed_home, store_state

__all__ = ["seed_home"]  # the shared fixture, used by name
ROOT = Path(__file__).resolve().parents[2]


def one_line(result: Result) -> str:
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    return lines[0]


@pytest.fixture
def seeded(isolated_home: Path, seed_home: Path) -> Path:
    """The test's data home: a copy of a store with three real snapshots."""
    shutil.copytree(seed_home, isolated_home)
    return isolated_home


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_0_answered(seeded: Path, capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "leaders")
    assert result.code == 0, result.err
    assert "Best open model by country" in result.out


def test_1_no_data(capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "leaders")
    assert result.code == 1
    assert one_line(result).startswith("no data: ")


@pytest.mark.parametrize(("args", "prefix"), [
    (["top", "--n", "0"], "usage: "),
    (["leaders", "--as-of", "2025-13-40"], "bad input: --as-of: "),
    (["import", "no-such-file.csv"], "bad input: "),
])
def test_2_usage_or_bad_input(seeded: Path, capsys, monkeypatch, args: list[str],
                              prefix: str) -> None:
    before = store_state(seeded)
    result = run_cli(capsys, monkeypatch, *args)
    assert result.code == 2
    assert one_line(result).startswith(prefix)
    assert store_state(seeded) == before


def test_3_unreachable_and_run_offline(seeded: Path, capsys, monkeypatch) -> None:
    """``observatory run`` with no network exits 3 after showing what the store holds."""
    down = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("OBSERVATORY_ARENA_URL", down)
    monkeypatch.setenv("OBSERVATORY_HUB_URL", down)
    monkeypatch.setenv("HF_ENDPOINT", down)
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 3
    assert one_line(result).startswith(f"unreachable: arena-catalog: could not reach {down}/")
    result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 3
    assert "Best open model today: " in result.out
    last = [line for line in result.err.splitlines() if line.strip()][-1]
    assert last.startswith(f"unreachable: arena: could not reach {down}/")


def test_4_another_writer_holds_the_lock(seeded: Path, capsys, monkeypatch) -> None:
    from tests.store.helpers import held_elsewhere

    with held_elsewhere(seeded):
        result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 4
    assert one_line(result).startswith("locked: another writer is using the data home (pid ")


def test_5_store_damage(seeded: Path, capsys, monkeypatch) -> None:
    manifest = manifests(seeded)[0]
    manifest.write_bytes(manifest.read_bytes()[:50])  # a manifest cut short
    result = run_cli(capsys, monkeypatch, "store", "rebuild")
    assert result.code == 5  # the others rebuilt; that one left out, and said
    folder = manifest.parent
    assert f"left out (damaged): snapshots/{folder.parent.name}/{folder.name}: unreadable " \
        "manifest (" in result.err
    verified = run_cli(capsys, monkeypatch, "store", "verify")
    assert verified.code == 5 and f"{manifest}: unreadable manifest (" in verified.out


def test_130_interrupted(seeded: Path, capsys, monkeypatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Observatory, "leaders", interrupt)
    result = run_cli(capsys, monkeypatch, "leaders")
    assert result.code == 130
    assert one_line(result) == ("interrupted; nothing half-written (snapshots appear whole or not "
                                "at all)")


def test_the_readme_documents_the_codes_and_their_priority() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    codes = [int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.M)]
    assert codes == [errors.EXIT_OK, errors.EXIT_NO_DATA, errors.EXIT_USAGE,
                     errors.EXIT_UNREACHABLE, errors.EXIT_LOCKED, errors.EXIT_DAMAGE,
                     errors.EXIT_INTERRUPTED]
    shown = re.search(r"(\d(?: > \d)+)", section)
    assert shown is not None
    assert tuple(int(c) for c in shown.group(1).split(" > ")) == errors.EXIT_PRIORITY
    scheduling = (ROOT / "docs" / "SCHEDULING.md").read_text(encoding="utf-8")
    assert "**3**" in scheduling and "**4**" in scheduling


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("code", "ok"), [(0, True), (3, True), (1, False), (2, False),
                                          (4, False), (5, False)])
def test_make_run_takes_3_as_an_answer(tmp_path: Path, code: int, ok: bool) -> None:
    """The Makefile's own recipe, with a stand-in ``observatory`` that exits with ``code``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text("")  # the venv's python: the install step is done
    stand_in = bin_dir / "observatory"
    stand_in.write_text(f"#!/bin/sh\nexit {code}\n")
    stand_in.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.write_text("")
    os.utime(stamp, (4e9, 4e9))  # newer than pyproject.toml: nothing to reinstall
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "run", f"BIN={bin_dir}",
                           f"STAMP={stamp}"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert (done.returncode == 0) == ok, done.stderr
