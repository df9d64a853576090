"""Votes table in, board out (``ratings.board``): categories, the board's rows, rating only the
votes up to a date, and open-weight models ranked among themselves."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pandas as pd
import pyarrow as pa
import pytest

from observatory.errors import EmptyResultError, InputError
from observatory.ratings.board import (
    RateOptions,
    latest_vote_date,
    open_only,
    rate,
    select_category,
    votes_until,
)
from tests.ratings.helpers import votes_from_counts

# a beats b 9:1, b beats c 9:1, a beats c 81:1: strengths exactly log 9 apart, centred on b
EXACT = {("a", "b"): (900, 100, 0), ("b", "c"): (900, 100, 0), ("a", "c"): (810, 10, 0)}


def test_as_of_rates_only_earlier_votes() -> None:
    stamps = [datetime(2025, 1, d, 12, tzinfo=UTC) for d in (1, 2, 3)] + [None]
    votes = pa.table({"model_a": ["a"] * 4, "model_b": ["b"] * 4,
                      "timestamp": pa.array(stamps, pa.timestamp("s", tz="UTC"))})
    assert votes_until(votes, date(2025, 1, 2)).num_rows == 2  # the 1st and the whole 2nd
    with pytest.raises(EmptyResultError, match="no votes on or before 2024-12-31"):
        votes_until(votes, date(2024, 12, 31))
    untimed = votes.drop_columns(["timestamp"])
    assert votes_until(untimed, date(2024, 12, 31)).num_rows == 4


def test_latest_vote_date() -> None:
    stamps = pa.array([datetime(2025, 3, 1, 23, 59, tzinfo=UTC), None,
                       datetime(2025, 2, 1, tzinfo=UTC)], pa.timestamp("s", tz="UTC"))
    assert latest_vote_date(pa.table({"timestamp": stamps})) == date(2025, 3, 1)
    assert latest_vote_date(pa.table({"timestamp": pa.nulls(2, pa.timestamp("s", tz="UTC"))})) is None
    assert latest_vote_date(pa.table({"model_a": ["a"]})) is None


def test_categories_select_flagged_votes() -> None:
    votes = pa.table({"model_a": ["a", "b", "c", "a"], "model_b": ["b", "c", "a", "c"],
                      "outcome": ["a", "b", "tie", "a"], "coding": [True, None, False, True],
                      "turns": [1, 3, None, 2], "language": ["English", "german", None, "ENGLISH"]})
    assert select_category(votes, "full") is votes
    assert select_category(votes, "coding")["model_a"].to_pylist() == ["a", "a"]
    assert select_category(votes, "multiturn")["model_a"].to_pylist() == ["b", "a"]
    assert select_category(votes, "english")["model_b"].to_pylist() == ["b", "c"]
    with pytest.raises(EmptyResultError, match=r"no votes in category 'math' \(the votes have no math\)"):
        select_category(votes, "math")
    with pytest.raises(EmptyResultError, match=r"no votes in category 'french' \(categories: full, "):
        select_category(votes, "french")


def test_rate_builds_the_board_rows() -> None:
    votes = votes_from_counts(EXACT)
    day = date(2025, 1, 31)
    rated = rate(votes, RateOptions(interval="sandwich", snapshot_date=day, board="mine"))
    board = rated.boards
    assert board["model_key"].tolist() == ["a", "b", "c"]
    spread = 400 * math.log10(9)
    assert board["rating"].tolist() == pytest.approx([1000 + spread, 1000, 1000 - spread])
    assert board["votes"].tolist() == [1820, 2000, 1820]
    # standard errors of about 0.1 logit (17 rating points) apart from steps of 2.2 logits
    assert board["rank"].tolist() == [1, 2, 3] and board["rank_worst"].tolist() == [1, 2, 3]
    assert ((board["ci_low"] < board["rating"]) & (board["rating"] < board["ci_high"])).all()
    assert ((board["ci_high"] - board["ci_low"]) < 100).all()
    assert set(board["source"]) == {"observatory-bt"} and set(board["board"]) == {"mine"}
    assert set(board["category"]) == {"full"} and not board["style_control"].any()
    assert set(board["snapshot_date"]) == {day}
    assert board["rank_style"].isna().all()
    assert rated.coefficients.empty
    assert rated.notes["full"]["votes"] == 2820 and rated.notes["full"]["models"] == 3
    assert rated.notes["full"]["pairs"] == 3 and rated.notes["full"]["converged"]


def test_rate_refuses_what_it_cannot_rate() -> None:
    votes = votes_from_counts(EXACT)
    with pytest.raises(InputError, match="expected bootstrap or sandwich, got 'normal'"):
        rate(votes, RateOptions(interval="normal"))
    with pytest.raises(EmptyResultError, match="fewer than 2 models with at least 3000 votes"):
        rate(votes, RateOptions(min_votes=3000, interval="sandwich"))
    with pytest.raises(InputError, match="style control needs response style features"):
        rate(votes, RateOptions(style_control=True, interval="sandwich"))


def _board(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["category", "style_control", "model_key", "rating", "ci_low",
                                        "ci_high", "open_weights"])
    frame["open_weights"] = frame["open_weights"].astype("boolean")
    return frame.assign(rank=99, rank_worst=99)


def test_open_only_ranks_open_weight_models_among_themselves() -> None:
    board = _board([
        ("full", False, "closed", 1300.0, 1290.0, 1310.0, False),
        ("full", False, "open1", 1250.0, 1240.0, 1260.0, True),
        ("full", False, "open2", 1245.0, 1235.0, 1255.0, True),
        ("full", False, "unknown", 1230.0, 1220.0, 1240.0, None),
        ("full", False, "open3", 1200.0, 1190.0, 1210.0, True),
        ("full", True, "open1", 1230.0, 1220.0, 1240.0, True),
        ("full", True, "open2", 1260.0, 1250.0, 1270.0, True),
        ("coding", False, "closed", 1200.0, 1190.0, 1210.0, False),
        ("coding", False, "open1", 1100.0, 1090.0, 1110.0, True),
    ])
    out = open_only(board)
    assert list(zip(out["category"], out["style_control"], out["model_key"], strict=True)) == [
        ("coding", False, "open1"), ("full", False, "open1"), ("full", False, "open2"),
        ("full", False, "open3"), ("full", True, "open2"), ("full", True, "open1")]
    # full board: open1 and open2 overlap (rank 1, 2 at worst); open3 is below both
    assert out["rank"].tolist() == [1, 1, 1, 3, 1, 2]
    assert out["rank_worst"].tolist() == [1, 2, 2, 3, 1, 2]
    assert out["rating"].tolist() == [1100.0, 1250.0, 1245.0, 1200.0, 1260.0, 1230.0]


def test_open_only_without_open_models_is_empty() -> None:
    board = _board([("full", False, "closed", 1300.0, 1290.0, 1310.0, False),
                    ("full", False, "unknown", 1200.0, 1190.0, 1210.0, None)])
    with pytest.raises(EmptyResultError, match="no open-weight model on the board"):
        open_only(board)
