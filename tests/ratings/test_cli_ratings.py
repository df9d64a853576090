"""End to end: simulate votes from a real board -> import -> rate -> leaders on the computed board."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import run_cli
from tests.conftest import OFFICIAL, need_shared

BOARD = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json"


def test_simulate_import_rate_leaders(tmp_path: Path, capsys, monkeypatch) -> None:
    need_shared(BOARD)
    votes = tmp_path / "votes.parquet"
    result = run_cli(capsys, monkeypatch, "simulate-votes", "--from-board", str(BOARD),
                     "--votes", "60000", "--seed", "2", "--out", str(votes))
    assert result.code == 0, result.err
    assert "wrote 60,000 votes among 236 models" in result.out
    assert run_cli(capsys, monkeypatch, "import", str(votes)).code == 0
    result = run_cli(capsys, monkeypatch, "rate", str(votes), "--bootstrap", "50", "--min-votes",
                     "200", "--anchor", "gpt-4-0613=1160", "--format", "json")
    assert result.code == 0, result.err
    board = json.loads(result.out)
    anchor = next(row for row in board if row["model_name"] == "gpt-4-0613")
    assert abs(anchor["rating"] - 1160) < 1e-6
    assert 2 < len(board) < 236  # models with under 200 votes are left out
    assert board[0]["rank"] == 1 and all(r["ci_low"] <= r["rating"] <= r["ci_high"] for r in board)
    assert "stored: board snapshot" in result.err
    result = run_cli(capsys, monkeypatch, "leaders", "--source", "observatory-bt", "--format",
                     "json")
    assert result.code == 0, result.err
    leaders = json.loads(result.out)
    best = max((r for r in board if r["open_weights"]), key=lambda r: r["rating"])
    assert leaders[0]["model_name"] == best["model_name"]
    assert leaders[0]["rating"] == round(best["rating"], 1) or abs(
        leaders[0]["rating"] - best["rating"]) < 0.1
    # The published boards stay what they were: the computed board is read only when asked.
    assert run_cli(capsys, monkeypatch, "leaders").code == 1


def test_rate_errors_are_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    votes = tmp_path / "v_2025-01-01.csv"
    votes.write_text("model_a,model_b,winner\na,b,model_a\nb,c,model_a\nc,a,model_a\n"
                     "a,b,tie\nb,c,tie\nc,a,tie\n")
    for args, message in [(["--anchor", "a:1000"], "expected MODEL=RATING"),
                          (["--anchor", "zz=1000"], "model 'zz' is not on the board"),
                          (["--category", "coding"], "no votes in category 'coding'"),
                          (["--style-control"], "style control needs response style features")]:
        result = run_cli(capsys, monkeypatch, "rate", str(votes), "--no-store", *args)
        assert result.code == 1, args
        assert message in result.err and len(result.err.strip().splitlines()) == 1, result.err
    votes.write_text("model_a,model_b,winner\na,b,model_a\nb,c,model_a\n")
    result = run_cli(capsys, monkeypatch, "rate", str(votes), "--no-store")
    assert result.code == 1 and "won or lost every vote (e.g. a, c)" in result.err
    result = run_cli(capsys, monkeypatch, "rate", "nonexistent-id")
    assert result.code == 1 and "neither a vote file nor a stored vote snapshot" in result.err


def test_as_of_rates_only_earlier_votes() -> None:
    from datetime import UTC, date, datetime

    import pyarrow as pa
    import pytest

    from observatory.errors import EmptyResultError
    from observatory.ratings.board import votes_until

    stamps = [datetime(2025, 1, d, 12, tzinfo=UTC) for d in (1, 2, 3)] + [None]
    votes = pa.table({"model_a": ["a"] * 4, "model_b": ["b"] * 4,
                      "timestamp": pa.array(stamps, pa.timestamp("s", tz="UTC"))})
    assert votes_until(votes, date(2025, 1, 2)).num_rows == 2  # the 1st and the whole 2nd
    with pytest.raises(EmptyResultError, match="no votes on or before 2024-12-31"):
        votes_until(votes, date(2024, 12, 31))
    untimed = votes.drop_columns(["timestamp"])
    assert votes_until(untimed, date(2024, 12, 31)).num_rows == 4
