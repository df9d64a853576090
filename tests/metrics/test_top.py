"""Q4 (``metrics.top``): the top-N models on a board at a date, and how many each country holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.top import top, top_by_country
from tests.conftest import LMSYS
from tests.metrics import tables
from tests.metrics.raw_boards import raw_board
from tests.metrics.synthetic_boards import synthetic_boards

# --- unit: hand-built board rows ------------------------------------------------------------

D1, D2 = "2025-01-01", "2025-02-01"
ROWS = [
    {"snapshot_date": D1, "model_name": "A", "country": "US", "rating": 1300, "half": 5},
    {"snapshot_date": D1, "model_name": "B", "country": "CN", "rating": 1320, "half": 5},
    {"snapshot_date": D1, "model_name": "C", "country": "CN", "rating": 1310, "half": 5},
    {"snapshot_date": D1, "model_name": "D", "country": "US", "rating": 1400, "half": 5,
     "open_weights": False},
    {"snapshot_date": D1, "model_name": "E", "country": None, "rating": 1290, "half": 5},
    {"snapshot_date": D1, "model_name": "G", "country": "CN", "rating": 1280, "half": 5},
    {"snapshot_date": D1, "model_name": "F", "country": "CN", "rating": 1280, "half": 5},
    {"snapshot_date": D2, "model_name": "A", "country": "US", "rating": 1350, "half": 5},
]


def test_unit_top_open_and_all() -> None:
    board = tables.board(ROWS)
    frame = top(board, n=3, when=date(2025, 1, 15))
    assert list(frame["model_name"]) == ["B", "C", "A"]
    assert list(frame["position"]) == [1, 2, 3]
    assert {str(d)[:10] for d in frame["snapshot_date"]} == {D1}
    assert list(top(board, n=3, when=date(2025, 1, 15), open_weights_only=False)["model_name"]) == [
        "D", "B", "C"]
    # equal ratings (F, G at 1280): the model key decides
    assert list(top(board, n=10, when=date(2025, 1, 15))["model_name"]) == ["B", "C", "A", "E", "F", "G"]
    # without a date: each board's latest date
    assert list(top(board, n=3)["model_name"]) == ["A"]


def test_unit_top_by_country() -> None:
    summary = top_by_country(top(tables.board(ROWS), n=10, when=date(2025, 1, 15)))
    # CN holds B, C, F, G (4 of 6, best 1st); the US A (3rd); unknown E (4th)
    assert list(summary["country"]) == ["CN", "US", "(unknown)"]
    assert list(summary["count"]) == [4, 1, 1]
    assert list(summary["share"]) == pytest.approx([4 / 6, 1 / 6, 1 / 6])
    assert list(summary["best_position"]) == [1, 3, 4]
    assert list(summary["models"]) == ["B, C, F, G", "A", "E"]


def test_unit_nothing_on_that_date() -> None:
    with pytest.raises(EmptyResultError):
        top(tables.board(ROWS), when=date(2024, 12, 31))


# --- a small synthetic board in a store -----------------------------------------------------

@pytest.fixture
def synthetic(tmp_path: Path, isolated_home: Path) -> Observatory:
    return synthetic_boards(tmp_path, isolated_home)


def test_top_all_includes_closed(synthetic: Observatory) -> None:
    assert list(synthetic.top(n=2, open_weights_only=False)["model_name"]) == ["D", "C"]
    assert list(synthetic.top(n=2)["model_name"]) == ["C", "B"]


# --- a real board -----------------------------------------------------------------------------

def test_top_ten_open_by_country_2025_07_18(full: Observatory) -> None:
    expected = [r["model"] for r in raw_board(LMSYS / "lmsys_2025-07-18.csv") if r["open"]][:10]
    frame = full.top(n=10, as_of=date(2025, 7, 18))
    assert list(frame["model_name"]) == expected
    summary = full.top_by_country(n=10, as_of=date(2025, 7, 18))
    assert summary["count"].sum() == 10
    assert summary.iloc[0]["country"] == "CN"
