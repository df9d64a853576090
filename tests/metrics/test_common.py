"""What the metrics share (``metrics.common``): rows as of a date, open-weight rows, interval
overlap, the best row per group, each source's latest snapshot, and the Wilson interval."""

from __future__ import annotations

import math
from datetime import date

import ibis
import pandas as pd
import pytest

from observatory.metrics.common import (
    BOARD_KEYS,
    PERIODS,
    as_of,
    best_per,
    latest_rows,
    open_only,
    overlap,
    wilson,
)
from tests.metrics import tables


def _board() -> object:
    rows = []
    for board, days in (("text", ["2025-01-01", "2025-01-08", "2025-01-15"]),
                        ("vision", ["2025-01-05", "2025-01-20"])):
        for d in days:
            rows.append({"board": board, "snapshot_date": d, "model_name": f"{board}-{d}",
                         "rating": 1000, "half": 1})
    return tables.board(rows)


def _names(table: object) -> list[str]:
    return sorted(table.to_pandas()["model_name"])  # type: ignore[attr-defined]


def test_as_of_picks_each_boards_latest_on_or_before() -> None:
    board = _board()
    assert _names(as_of(board, date(2025, 1, 10))) == ["text-2025-01-08", "vision-2025-01-05"]
    assert _names(as_of(board, date(2025, 1, 8))) == ["text-2025-01-08", "vision-2025-01-05"]
    assert _names(as_of(board, None)) == ["text-2025-01-15", "vision-2025-01-20"]
    assert _names(as_of(board, date(2025, 1, 3))) == ["text-2025-01-01"]
    assert _names(as_of(board, date(2024, 12, 31))) == []
    assert BOARD_KEYS == ["board", "category", "style_control"]


def test_as_of_keeps_categories_and_style_control_apart() -> None:
    board = tables.board([
        {"snapshot_date": "2025-01-01", "model_name": "full-1", "rating": 1},
        {"snapshot_date": "2025-01-02", "model_name": "code-2", "category": "coding", "rating": 1},
        {"snapshot_date": "2025-01-03", "model_name": "style-3", "style_control": True, "rating": 1},
    ])
    assert _names(as_of(board, None)) == ["code-2", "full-1", "style-3"]


def test_open_only_drops_closed_and_unknown() -> None:
    board = tables.board([
        {"snapshot_date": "2025-01-01", "model_name": "open", "rating": 1, "open_weights": True},
        {"snapshot_date": "2025-01-01", "model_name": "closed", "rating": 1, "open_weights": False},
        {"snapshot_date": "2025-01-01", "model_name": "unknown", "rating": 1, "open_weights": None},
    ])
    assert _names(open_only(board)) == ["open"]


def test_overlap_is_null_when_an_interval_is_missing() -> None:
    pairs = ibis.memtable(pd.DataFrame({"low": [1.0, 2.0, 3.0, None, 1.0, None],
                                        "high": [2.0, 2.0, 2.0, 2.0, None, None]}))
    result = pairs.mutate(touch=overlap(pairs.low, pairs.high)).to_pandas()["touch"]
    assert result.tolist()[:3] == [True, True, False]
    assert result.iloc[3:].isna().all()


def test_best_per_breaks_rating_ties_by_lower_bound_then_key() -> None:
    board = tables.board([
        # group g: equal ratings, the higher lower bound wins (c's 1295 over b's 1290)
        {"snapshot_date": "2025-01-01", "org_id": "g", "model_name": "b", "rating": 1300, "half": 10},
        {"snapshot_date": "2025-01-01", "org_id": "g", "model_name": "c", "rating": 1300, "half": 5},
        # group h: equal ratings and bounds, the smaller key wins
        {"snapshot_date": "2025-01-01", "org_id": "h", "model_name": "e", "rating": 1300, "half": 5},
        {"snapshot_date": "2025-01-01", "org_id": "h", "model_name": "d", "rating": 1300, "half": 5},
        # group k: the higher rating wins whatever its interval
        {"snapshot_date": "2025-01-01", "org_id": "k", "model_name": "f", "rating": 1310, "half": 100},
        {"snapshot_date": "2025-01-01", "org_id": "k", "model_name": "a", "rating": 1309, "half": 1},
    ])
    best = best_per(board, ["org_id"]).to_pandas().set_index("org_id")["model_name"]
    assert best.to_dict() == {"g": "c", "h": "d", "k": "f"}


def test_latest_rows_per_source() -> None:
    hub = tables.hub([
        {"source": "hub-api", "snapshot_date": "2025-01-01", "model_id": "a/old"},
        {"source": "hub-api", "snapshot_date": "2025-02-01", "model_id": "a/new"},
        {"source": "open-llm", "snapshot_date": "2024-06-01", "model_id": "b/old"},
        {"source": "open-llm", "snapshot_date": "2024-09-01", "model_id": "b/new"},
        {"source": "open-llm", "snapshot_date": "2024-09-01", "model_id": "b/other"},
    ])
    assert sorted(latest_rows(hub).to_pandas()["model_id"]) == ["a/new", "b/new", "b/other"]
    assert latest_rows(hub.filter(hub.source == "nobody")).to_pandas().empty


def test_wilson_against_a_hand_computation() -> None:
    z = 1.959963984540054
    # 7 of 10: p = 0.7; centre = (0.7 + z^2/20) / (1 + z^2/10) = 0.644490...;
    # half = z * sqrt(0.021 + z^2/400) / (1 + z^2/10) = 0.247712...
    low, high = wilson(7, 10)
    assert (low, high) == pytest.approx((0.396778, 0.892209), abs=1e-6)
    centre = (0.7 + z * z / 20) / (1 + z * z / 10)
    assert (low + high) / 2 == pytest.approx(centre)
    # 0 of 10: the lower bound is 0, the upper 2 * (z^2/20) / (1 + z^2/10) = 0.277533...
    assert wilson(0, 10) == pytest.approx((0.0, 0.277533), abs=1e-6)
    assert wilson(10, 10) == pytest.approx((0.722467, 1.0), abs=1e-6)
    # fractional counts (a merge counts half to each root): 2.5 of 5, p = 0.5, centre 0.5,
    # half = z * sqrt(0.05 + z^2/100) / (1 + z^2/5) = 0.329576...
    assert wilson(2.5, 5) == pytest.approx((0.170424, 0.829576), abs=1e-6)
    assert all(math.isnan(x) for x in wilson(0, 0))


def test_periods() -> None:
    assert PERIODS == {"month": "M", "quarter": "Q", "year": "Y"}


def test_unit_as_of_keeps_a_board_whose_key_is_missing() -> None:
    """The latest date is joined back null-safely: a row without a board name is not dropped."""
    table = ibis.memtable(pd.DataFrame({
        "board": ["text", "text", None, None], "category": ["full"] * 4,
        "style_control": [False] * 4,
        "snapshot_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-01", "2025-03-01"]).date,
        "value": [1, 2, 3, 4]}))
    kept = as_of(table, None).to_pandas().sort_values("value")
    assert list(kept["value"]) == [2, 4]
