"""``observatory store verify`` (``store.verify``): a truncated Parquet table and a deleted raw
file are found, one line each, exit 5, nothing changed; leftovers of killed runs in tmp/ are
listed, and ``--clean`` removes those and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import run_cli

LISTING = {"date": "2026-08-22", "models": [
    {"id": f"org{i}/model-{i}", "likes": i, "downloads": 10 * i, "pipeline_tag": "text-generation"}
    for i in range(50)]}


def imported(tmp_path: Path, capsys, monkeypatch, name: str = "listing_2026-08-22.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(LISTING))
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 0, result.err
    return path


def files(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and "catalog" not in p.name and p.name != "run.lock"}


def test_a_whole_store_verifies(isolated_home: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    imported(tmp_path, capsys, monkeypatch)
    result = run_cli(capsys, monkeypatch, "store", "verify")
    assert result.code == 0, result.out
    assert result.out.strip() == "1 snapshot(s) checked: 0 problem(s)"


def test_a_truncated_table_and_a_deleted_raw_file(isolated_home: Path, tmp_path: Path, capsys,
                                                  monkeypatch) -> None:
    imported(tmp_path, capsys, monkeypatch)
    [folder] = (isolated_home / "snapshots").glob("*/*")
    table = folder / "tables" / "hub_models.parquet"
    table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    raw = next((folder / "raw").iterdir())
    raw.unlink()
    before = files(isolated_home)
    result = run_cli(capsys, monkeypatch, "store", "verify")
    assert result.code == 5
    lines = result.out.strip().splitlines()
    assert lines[0] == f"{raw}: raw file missing"
    assert lines[1].startswith(f"{table}: table file is {table.stat().st_size:,} bytes, the "
                               "manifest says ")
    assert lines[2] == "1 snapshot(s) checked: 2 problem(s)"
    assert lines[3].startswith("`observatory store repair` rebuilds damaged snapshots")
    assert files(isolated_home) == before  # verify changes nothing


def test_a_changed_raw_file_is_found(isolated_home: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    imported(tmp_path, capsys, monkeypatch)
    raw = next((isolated_home / "snapshots").glob("*/*/raw/*"))
    content = bytearray(raw.read_bytes())
    content[10] ^= 1  # same size, other bytes
    raw.write_bytes(bytes(content))
    result = run_cli(capsys, monkeypatch, "store", "verify")
    assert result.code == 5
    assert f"{raw}: raw file's SHA-256 differs from the manifest's" in result.out


def test_leftovers_of_killed_runs_are_listed_and_cleaned(isolated_home: Path, tmp_path: Path,
                                                        capsys, monkeypatch) -> None:
    imported(tmp_path, capsys, monkeypatch)
    leftover = isolated_home / "tmp" / "abc123-deadbeef"
    (leftover / "tables").mkdir(parents=True)
    (leftover / "tables" / "hub_models.parquet").write_bytes(b"half")
    kept = files(isolated_home)
    listed = run_cli(capsys, monkeypatch, "store", "verify")
    assert listed.code == 0
    assert f"{leftover}: left by a killed run (remove with --clean)" in listed.out
    assert leftover.exists()
    cleaned = run_cli(capsys, monkeypatch, "store", "verify", "--clean")
    assert cleaned.code == 0
    assert f"{leftover}: removed" in cleaned.out
    assert not leftover.exists()
    assert files(isolated_home) == {k: v for k, v in kept.items() if not k.startswith("tmp/")}
