"""The ratings commands end to end: simulate votes from a real board -> import (exclusions
reported) -> rate -> leaders on the computed board; and their one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from observatory.api import Observatory
from tests.cli_runner import run_cli
from tests.conftest import OFFICIAL, need_shared
from tests.ratings.helpers import release_records

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
    for args, message, code in [
            (["--anchor", "a:1000"], "expected MODEL=RATING", 2),
            (["--anchor", "zz=1000"], "model 'zz' is not on the board", 2),
            (["--category", "coding"], "no votes in category 'coding'", 1),  # no data
            (["--style-control"], "style control needs response style features", 2)]:
        result = run_cli(capsys, monkeypatch, "rate", str(votes), "--no-store", *args)
        assert result.code == code, args
        assert message in result.err and len(result.err.strip().splitlines()) == 1, result.err
    votes.write_text("model_a,model_b,winner\na,b,model_a\nb,c,model_a\n")
    result = run_cli(capsys, monkeypatch, "rate", str(votes), "--no-store")
    assert result.code == 2 and "won or lost every vote (e.g. a, c)" in result.err
    result = run_cli(capsys, monkeypatch, "rate", "nonexistent-id")
    assert result.code == 2 and "neither a vote file nor a stored vote snapshot" in result.err


def test_import_reports_exclusions_and_stores_votes(tmp_path: Path, capsys, monkeypatch,
                                                    obs: Observatory) -> None:
    path = tmp_path / "arena-votes.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in release_records()))
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 0, result.err
    assert "4 votes" in result.out
    assert "excluded 4 of 8 row(s)" in result.err and "unknown winner 1" in result.err
    assert obs.connection().table("votes").count().to_pyarrow().as_py() == 4
    bad = tmp_path / "bad_2025-01-01.csv"
    bad.write_text("model_a,model_b\nx,y\n")
    result = run_cli(capsys, monkeypatch, "import", str(bad))
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and "missing column 'winner'" in result.err


def test_votes_that_cannot_be_written_are_one_line(capsys, monkeypatch, tmp_path) -> None:
    """``simulate-votes --out`` under a regular file once ended in a traceback."""
    board = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json"
    need_shared(board)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file\n")
    out = blocker / "votes.parquet"
    result = run_cli(capsys, monkeypatch, "simulate-votes", "--from-board", str(board),
                     "--votes", "100", "--out", str(out))
    assert result.code == 2
    assert [line for line in result.err.splitlines() if line.strip()] == [
        f"cannot write: {out}: {blocker} is a file, not a folder"]
    assert "Traceback" not in result.err and blocker.read_text() == "a regular file\n"
