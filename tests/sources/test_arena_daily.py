"""The daily Arena boards (``sources.arena_daily``) on the shipped files of
``../shared/data/arena-ai-daily``: dated by Arena's own "last updated" date when the page gave one,
partial boards labelled with how many rows were shown. Expected values are read from the raw
JSON here, by plain ``json`` and ``datetime``."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import InputError
from observatory.sources import arena_daily
from observatory.sources.detect import parse_raw
from tests.cli_runner import run_cli
from tests.conftest import SHARED, need_shared

DAILY = SHARED / "arena-ai-daily"


def daily_files(board: str) -> list[Path]:
    need_shared(DAILY)
    return sorted(DAILY.glob(f"*/{board}.json"))


def expected_date(meta: dict) -> date:
    if meta.get("last_updated"):
        return datetime.strptime(meta["last_updated"], "%b %d, %Y").date()
    return date.fromisoformat(meta["fetched_at"][:10])


@pytest.mark.parametrize("board", ["text", "code", "vision", "text-to-image"])
def test_every_shipped_board_reads_as_the_file_says(board: str) -> None:
    files = daily_files(board)
    assert files, f"no {board}.json in {DAILY}"
    for path in files:
        raw = json.loads(path.read_text())
        [parsed] = parse_raw(path, path.read_bytes())
        rows = parsed.arrow["board_entries"].to_pylist()
        assert parsed.snapshot_date == expected_date(raw["meta"]), path
        assert len(rows) == len(raw["models"]), path
        assert {r["shown_rows"] for r in rows} == {raw["meta"]["model_count"]}
        first, row = raw["models"][0], rows[0]
        assert (row["model_key"], row["rating"], row["votes"], row["rank"]) == \
            (first["model"], first["score"], first["votes"], first["rank"])
        assert (row["ci_low"], row["ci_high"]) == (first["score"] - first["ci"], first["score"] + first["ci"])
        assert row["org_label"] == first["vendor"]
        assert row["board"] == ("webdev" if board == "code" else
                                "image" if board == "text-to-image" else board)


def test_the_date_says_where_it_came_from() -> None:
    dated = {"publisher (last_updated)": 0, "fetch date (the page gave no date)": 0}
    for path in daily_files("text"):
        [parsed] = parse_raw(path, path.read_bytes())
        dated[parsed.notes["dated_by"]] += 1
    raw = [json.loads(p.read_text())["meta"] for p in daily_files("text")]
    assert dated["publisher (last_updated)"] == sum(1 for m in raw if m.get("last_updated"))
    assert dated["fetch date (the page gave no date)"] == sum(1 for m in raw if not m.get("last_updated"))


def test_the_most_complete_page_of_a_date_is_the_board(tmp_path: Path) -> None:
    """Two scrapes carry Arena's 2026-03-18 text board, one showing 30 rows, one 20."""
    need_shared(DAILY)
    obs = Observatory(tmp_path / "home")
    obs.import_paths([DAILY / "2026-03-19" / "text.json", DAILY / "2026-03-20" / "text.json"])
    from observatory.registry.selection import Selection

    rows = obs.entries(Selection(style_control=True)).to_pandas()
    assert set(rows["snapshot_date"].astype(str).str[:10]) == {"2026-03-18"}
    assert len(rows) == max(json.loads((DAILY / d / "text.json").read_text())["meta"]["model_count"]
                            for d in ("2026-03-19", "2026-03-20"))


def test_a_leader_from_a_partial_board_says_so(tmp_path: Path, capsys, monkeypatch) -> None:
    need_shared(DAILY)
    path = DAILY / "2026-03-19" / "text.json"
    shown = json.loads(path.read_text())["meta"]["model_count"]
    monkeypatch.setenv("OBSERVATORY_HOME", str(tmp_path / "home"))
    assert run_cli(capsys, monkeypatch, "import", str(path)).code == 0
    result = run_cli(capsys, monkeypatch, "leaders", "--style-control")
    assert result.code == 0, result.err
    assert (f"partial board: the text board of 2026-03-18 lists only the top {shown} models the "
            f"publisher showed; a country not listed is not in that top {shown}, not absent") \
        in " ".join(result.out.split())
    as_json = run_cli(capsys, monkeypatch, "leaders", "--style-control", "--format", "json")
    assert {r["shown_rows"] for r in json.loads(as_json.out)} == {shown}


@pytest.mark.parametrize(("meta", "message"), [
    ({"leaderboard": "text", "model_count": 1}, "the board has no date"),
    ({"leaderboard": "text", "last_updated": "yesterday", "model_count": 1},
     "field 'meta.last_updated': not a date: 'yesterday'"),
    ({"leaderboard": "karaoke", "last_updated": "Mar 18, 2026", "model_count": 1},
     "field 'meta.leaderboard': unknown leaderboard 'karaoke'"),
])
def test_bad_boards_are_one_clear_error(tmp_path: Path, meta: dict, message: str) -> None:
    path = tmp_path / "text.json"
    path.write_text(json.dumps({"meta": meta, "models": [
        {"rank": 1, "model": "m", "vendor": "V", "license": "open", "score": 1, "ci": 1, "votes": 1}]}))
    with pytest.raises(InputError) as caught:
        arena_daily.parse(path, path.read_bytes())
    assert message in str(caught.value) and str(path) in str(caught.value)
