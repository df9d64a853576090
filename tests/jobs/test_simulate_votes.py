"""Synthetic votes from a published board (``jobs.simulate_votes``): the board's ratings are the
truth the votes are drawn from, written as a vote file; inputs that are no board are refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from observatory.errors import InputError
from observatory.jobs.simulate_votes import votes_from_board
from observatory.ratings.simulate import Simulation, simulate_votes
from tests.conftest import OFFICIAL, need_shared

BOARD = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json"


def test_votes_from_a_real_board(tmp_path: Path) -> None:
    need_shared(BOARD)
    raw = json.loads(BOARD.read_text())
    full = {model: row["rating"] for model, row in raw["full"].items() if row.get("rating") is not None}
    out = tmp_path / "votes.parquet"
    votes, models = votes_from_board(BOARD, out, 5_000, seed=2)
    assert models == len(full) == 236
    assert votes.num_rows == 5_000
    assert set(votes["model_a"].to_pylist()) | set(votes["model_b"].to_pylist()) <= set(full)
    # the board's ratings, drawn as ratings.simulate draws them, dated up to the board's date
    names = list(full)  # in the file's order
    expected = simulate_votes(names, np.array([full[m] for m in names]),
                              Simulation(5_000, seed=2, end=date(2025, 5, 24)))
    assert votes.equals(expected)
    stamps = votes["timestamp"].to_pylist()
    assert datetime(2025, 4, 25, tzinfo=UTC) <= min(stamps) <= max(stamps) < datetime(2025, 5, 25, tzinfo=UTC)
    written = pq.read_table(out)
    assert written.num_rows == 5_000
    assert written["model_a"].to_pylist() == votes["model_a"].to_pylist()
    coding = {m for m, row in raw["coding"].items() if row.get("rating") is not None}
    _, coding_models = votes_from_board(BOARD, tmp_path / "coding.csv", 100, category="coding")
    assert coding_models == len(coding)
    with pytest.raises(InputError, match="fewer than 2 rated models in category 'nope'"):
        votes_from_board(BOARD, tmp_path / "none.csv", 100, category="nope")


def test_a_board_with_one_model_is_refused(tmp_path: Path) -> None:
    board = tmp_path / "leaderboard-text_2025-05-24.json"
    board.write_text(json.dumps({"full": {"only-model": {"rating": 1200.0, "rating_q975": 1210.0,
                                                         "rating_q025": 1190.0}}}))
    with pytest.raises(InputError, match="fewer than 2 rated models in category 'full'"):
        votes_from_board(board, tmp_path / "votes.csv", 100)
    assert not (tmp_path / "votes.csv").exists()


def test_a_vote_file_is_not_a_board(tmp_path: Path) -> None:
    votes = tmp_path / "mine_2025-01-02.csv"
    votes.write_text("model_a,model_b,winner\nx,y,model_a\n")
    with pytest.raises(InputError, match=r"not a board with ratings \(read as votes-csv\)"):
        votes_from_board(votes, tmp_path / "out.csv", 100)
