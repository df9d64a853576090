"""Nonsense refused at the door (``sources/checks.py``): a snapshot dated in the future, rows with
impossible values (a rating outside its own interval, an interval upside down, negative votes,
a value off its source's scale), and a board made mostly of them. At d02274e a board dated
2099-01-01 became the newest everywhere and a 9,999 rating with the interval 910-927 ranked first.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.sources import checks
from tests.cli_runner import run_cli
from tests.conftest import LMSYS, OFFICIAL, need_shared

LMSYS_CSV = LMSYS / "lmsys_2025-07-18.csv"
TEXT_JSON = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-20.json"


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def snapshots(home: Path) -> dict[str, bytes]:
    """The ``snapshots/`` tree, file by file (a refused write changes none of it)."""
    root = home / "snapshots"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()} if root.exists() else {}


@pytest.fixture
def board(tmp_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    need_shared(LMSYS_CSV)
    return rows_of(LMSYS_CSV)


def test_a_future_date_is_refused_whole(isolated_home: Path, tmp_path: Path, board, capsys,
                                        monkeypatch) -> None:
    header, rows = board
    path = write(tmp_path / "lmsys_2099-01-01.csv", header, rows)
    before = snapshots(isolated_home)
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert line.startswith(f"bad input: {path}: the snapshot date 2099-01-01 is after today")
    assert snapshots(isolated_home) == before
    given = run_cli(capsys, monkeypatch, "import", str(LMSYS_CSV), "--date", "2099-01-01")
    assert given.code == 2 and given.err.startswith("bad input: --date: the snapshot date 2099")


def test_tomorrow_is_within_the_tolerance(tmp_path: Path, board) -> None:
    """A publisher a few hours ahead of UTC publishes 'tomorrow': one day is tolerated."""
    checks.check_date("x", checks.today() + timedelta(days=1))
    with pytest.raises(Exception, match="after today"):
        checks.check_date("x", checks.today() + timedelta(days=2))


def text_board(tmp_path: Path, change) -> Path:
    """A real arena-catalog text board with ``change(board)`` applied, as a new file."""
    need_shared(TEXT_JSON)
    board = json.loads(TEXT_JSON.read_text())
    change(board)
    path = tmp_path / TEXT_JSON.name
    path.write_text(json.dumps(board))
    return path


def test_impossible_rows_are_excluded_counted_and_said(isolated_home: Path, tmp_path: Path,
                                                       capsys, monkeypatch) -> None:
    full = json.loads(TEXT_JSON.read_text())["full"] if TEXT_JSON.exists() else {}
    first, second, third = list(full)[:3]

    def change(board: dict) -> None:
        # the row: rated 9999 with its own interval 910-927; an interval upside down;
        # a rating off the arena scale with an interval around it
        board["full"][first] |= {"rating": 9999.0, "rating_q025": 910.0, "rating_q975": 927.0}
        board["full"][second] |= {"rating_q025": 1300.0, "rating_q975": 1200.0}
        board["full"][third] |= {"rating": 5000.0, "rating_q025": 4990.0, "rating_q975": 5010.0}

    path = text_board(tmp_path, change)
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 0, result.err
    assert f"{path.name}: excluded 3 row(s): interval's low end above its high end 1, rating " \
           "outside 100-3000 1, rating outside its own interval 1" in result.err
    table = Observatory(isolated_home).connection().table("board_entries")
    full_rows = table.filter(table.category == "full")
    assert full_rows.count().execute() == len(full) - 3
    assert full_rows.rating.max().execute() < 3000
    manifest = json.loads(next((isolated_home / "snapshots").glob("*/*/manifest.json")).read_text())
    assert sum(manifest["notes"]["excluded"].values()) == 3


def test_a_board_mostly_impossible_is_refused(isolated_home: Path, tmp_path: Path, capsys,
                                              monkeypatch) -> None:
    def change(board: dict) -> None:  # every interval upside down
        for rows in board.values():
            for row in rows.values():
                row["rating_q025"], row["rating_q975"] = row["rating_q975"], row["rating_q025"]

    path = text_board(tmp_path, change)
    before = snapshots(isolated_home)
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert line.startswith(f"bad input: {path}: ") and "board_entries rows are impossible " \
        "(interval's low end above its high end" in line and line.endswith("the file is refused")
    assert snapshots(isolated_home) == before


def test_scales_and_signs_on_arrow_tables() -> None:
    """Each rule on a small table: one row per reason, counted under its first reason."""
    from pathlib import Path as P

    from observatory.sources.base import Parsed

    base = {"source": "aa-compact-csv", "snapshot_date": date(2026, 1, 1), "model_key": "m",
            "model_name": "m", "index_name": "intelligence", "index_version": "v4"}
    values = [50.0, 101.0, -1.0, None, 70.0, 20.0, 30.0]
    parsed = Parsed(P("aa_2026-01-01.csv"), "aa-compact-csv", date(2026, 1, 1),
                    {"index_scores": [{**base, "value": v} for v in values]}, b"x").freeze()
    checks.admit(parsed, now=date(2026, 1, 2))
    assert parsed.arrow["index_scores"].num_rows == 5
    assert parsed.notes["excluded"] == {"value outside 0-100": 2}
