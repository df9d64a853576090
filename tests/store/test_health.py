"""Damage stays local (``store/health.py``, ``jobs/repair.py``): a snapshot whose files cannot be
read, or no longer match their recorded SHA-256, is quarantined; every other board answers as it
did on the clean store, the views that would have read it say so in one line (CLI, API notes,
page provenance); ``store repair`` rebuilds it with the same rows; ``store remove`` removes it;
re-importing its original file replaces it. At d02274e one damaged file made every view fail."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.store.integrity import folder_id, table_files
from tests.cli_runner import run_cli
from tests.conftest import LMSYS
from tests.jobs.bad_input import write_csv
from tests.store.helpers import AA_CSV, IMAGE_JSON, LMSYS_CSV, csv_records, snapshot_dirs

EARLIER_TEXT = LMSYS / "lmsys_2025-07-16.csv"


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store of two text boards (LMArena CSVs), an image board (arena-catalog JSON) and an
    AA index file (its first 40 rows); returns (home, folder of the imported files)."""
    files = tmp_path_factory.mktemp("files")
    for source in (LMSYS_CSV, EARLIER_TEXT, IMAGE_JSON):
        if not source.exists():
            pytest.skip(f"real data not found at {source} (expected ../shared/data beside the repo)")
        shutil.copyfile(source, files / source.name)
    write_csv(files / "aa_llms_daily_compact.csv", csv_records_rows(AA_CSV, 40))
    home = tmp_path_factory.mktemp("seed") / "home"
    Observatory(home).import_paths([files])
    return home, files


def csv_records_rows(path: Path, n: int) -> list[list[str]]:
    records = csv_records(path)
    header = list(records[0])
    return [header, *[[row[h] for h in header] for row in records[:n]]]


@pytest.fixture
def home(isolated_home: Path, seed: tuple[Path, Path]) -> Path:
    shutil.copytree(seed[0], isolated_home)
    return isolated_home


def folder_of(home: Path, fmt: str, day: str | None = None) -> Path:
    return next(p for p in snapshot_dirs(home) if p.parent.name == fmt
                and (day is None or p.name.startswith(day)))


def cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_two_bytes(path: Path) -> None:
    content = bytearray(path.read_bytes())
    middle = len(content) // 2
    content[middle] ^= 0x01
    content[middle + 7] ^= 0x01
    path.write_bytes(bytes(content))


def views(capsys, monkeypatch) -> dict[str, tuple[int, str]]:
    """What the text-board and AA views print (stdout) and exit with."""
    found = {}
    for args in (("leaders", "--format", "json"), ("gap", "--format", "json"),
                 ("top", "--n", "5", "--format", "json"), ("leaders", "--board", "aa",
                                                           "--format", "json")):
        result = run_cli(capsys, monkeypatch, *args)
        found[" ".join(args)] = (result.code, result.out)
    return found


@pytest.mark.parametrize("damage", ["cut table", "two bytes", "cut manifest"])
def test_one_damaged_board_leaves_every_other_answer_as_it_was(home: Path, capsys, monkeypatch,
                                                               damage: str) -> None:
    clean = views(capsys, monkeypatch)
    image = folder_of(home, "arena-catalog")
    if damage == "cut table":
        cut(table_files(image, "board_entries")[0])
    elif damage == "two bytes":
        flip_two_bytes(table_files(image, "board_entries")[0])
    else:
        cut(image / "manifest.json")
    (home / "catalog.duckdb").unlink()  # the cache goes: the catalog is rebuilt from the files

    assert views(capsys, monkeypatch) == clean  # the text board and the index, as before
    result = run_cli(capsys, monkeypatch, "leaders", "--board", "image")
    # the image board was only in that snapshot: damage found, said with the way out
    assert result.code == 5
    snapshot_id = folder_id(image)[1]  # type: ignore[index]
    assert f"damaged: no readable snapshot holds the image board; 1 damaged snapshot(s) may " \
           f"(`observatory store repair {snapshot_id}` rebuilds them)" in result.err
    if damage != "cut manifest":  # an unreadable manifest does not say which board it held
        note = [line for line in result.err.splitlines() if "left out of this answer" in line]
        assert len(note) == 1 and f"snapshots/arena-catalog/{image.name}" in note[0]

    rebuilt = run_cli(capsys, monkeypatch, "store", "rebuild")
    assert rebuilt.code == 5 and f"left out (damaged): snapshots/arena-catalog/{image.name}" \
        in rebuilt.err
    verified = run_cli(capsys, monkeypatch, "store", "verify")
    assert verified.code == 5 and "1 problem(s)" in verified.out


def test_a_text_view_is_told_only_about_its_own_board(home: Path, capsys, monkeypatch) -> None:
    image = folder_of(home, "arena-catalog")
    cut(table_files(image, "board_entries")[0])
    text = run_cli(capsys, monkeypatch, "leaders")
    assert text.code == 0 and "damaged" not in text.err
    index = run_cli(capsys, monkeypatch, "leaders", "--board", "aa")
    assert index.code == 0 and "damaged" not in index.err


def test_repair_rebuilds_the_same_rows_from_the_raw_file(home: Path, capsys, monkeypatch) -> None:
    image = folder_of(home, "arena-catalog")
    [table] = table_files(image, "board_entries")
    before = pq.read_table(table)
    manifest = json.loads((image / "manifest.json").read_text())
    flip_two_bytes(table)

    result = run_cli(capsys, monkeypatch, "store", "repair")
    assert result.code == 0, result.err
    assert f"snapshots/arena-catalog/{image.name}: rebuilt from its raw file" in result.out
    assert pq.read_table(table).equals(before)
    repaired = json.loads((image / "manifest.json").read_text())
    assert repaired["files"] == manifest["files"]  # the very same bytes
    assert run_cli(capsys, monkeypatch, "store", "verify").code == 0
    [entry] = [json.loads(line) for line in (home / "store.log").read_text().splitlines()]
    assert entry["action"] == "replaced" and entry["snapshot_id"] == manifest["snapshot_id"]


def test_repair_of_a_cut_manifest_from_the_folder_and_raw_file(home: Path, capsys,
                                                               monkeypatch) -> None:
    text = folder_of(home, "lmarena-csv", "2025-07-16")
    manifest = json.loads((text / "manifest.json").read_text())
    cut(text / "manifest.json")
    result = run_cli(capsys, monkeypatch, "store", "repair", folder_id(text)[1][:6])  # type: ignore[index]
    assert result.code == 0, result.out
    again = json.loads((text / "manifest.json").read_text())
    assert {k: again[k] for k in ("counts", "files", "content_hash", "snapshot_date")} == \
        {k: manifest[k] for k in ("counts", "files", "content_hash", "snapshot_date")}


def test_reimporting_the_original_file_replaces_a_damaged_copy(home: Path, seed, capsys,
                                                               monkeypatch) -> None:
    image = folder_of(home, "arena-catalog")
    [table] = table_files(image, "board_entries")
    before = pq.read_table(table)
    cut(table)
    result = run_cli(capsys, monkeypatch, "import", str(seed[1] / IMAGE_JSON.name))
    assert result.code == 0, result.err
    assert "already in the store" not in result.out
    assert f"replaced snapshots/arena-catalog/{image.name}" in result.out
    assert pq.read_table(table).equals(before)


def test_remove_takes_a_snapshot_out_and_logs_it(home: Path, capsys, monkeypatch) -> None:
    image = folder_of(home, "arena-catalog")
    snapshot_id = folder_id(image)[1]  # type: ignore[index]
    result = run_cli(capsys, monkeypatch, "store", "remove", snapshot_id)
    assert result.code == 0, result.err
    assert not image.exists()
    [entry] = [json.loads(line) for line in (home / "store.log").read_text().splitlines()]
    assert (entry["action"], entry["snapshot_id"], entry["format"]) == \
        ("removed", snapshot_id, "arena-catalog")
    listed = run_cli(capsys, monkeypatch, "store", "list", "--format", "json")
    assert snapshot_id not in listed.out
    unknown = run_cli(capsys, monkeypatch, "store", "remove", "ffffffffffff")
    assert unknown.code == 2 and unknown.err.startswith("bad input: ffffffffffff: no snapshot")


def test_a_hub_collection_cannot_be_rebuilt_and_says_how_to_fetch_it(home: Path, capsys,
                                                                     monkeypatch) -> None:
    from tests.metrics.hub_store import lineage_hub

    (home.parent / "adopt").mkdir()
    obs = lineage_hub(Observatory(home), home.parent / "adopt")
    obs.close()
    hub = folder_of(home, "hub-api")
    cut(table_files(hub, "hub_models")[0])
    result = run_cli(capsys, monkeypatch, "store", "repair")
    assert result.code == 5
    assert "cannot be rebuilt here (its Hub pages are not kept); fetch it again with " \
           "`observatory update --source hub`" in result.out


def test_the_api_and_the_pages_say_what_was_left_out(home: Path) -> None:
    from fastapi.testclient import TestClient

    from observatory.web.live import Live
    from observatory.web.server import create_app

    earlier = folder_of(home, "lmarena-csv", "2025-07-16")
    cut(table_files(earlier, "board_entries")[0])
    live = Live(home)
    with TestClient(create_app(live, home / "site")) as client:
        text = client.get("/api/gap").json()
        index = client.get("/api/leaders", params={"board": "aa"}).json()
        page = client.get("/q03-gap.html").text
    [note] = [n for n in text["notes"] if n.startswith("damaged: ")]
    assert f"snapshots/lmarena-csv/{earlier.name}" in note
    assert not any(n.startswith("damaged: ") for n in index["notes"])
    assert "<dt>Left out</dt>" in page and f"snapshots/lmarena-csv/{earlier.name}" in page
