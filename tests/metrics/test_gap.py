"""Q3 (``metrics.gap``): the best open model against the best closed model per board date, with
an interval of half-width sqrt(h_open^2 + h_closed^2)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.gap import gap
from tests.conftest import LMSYS
from tests.metrics import tables
from tests.metrics.raw_boards import best_open, raw_board
from tests.metrics.synthetic_boards import synthetic_boards

# --- unit: hand-built board rows ------------------------------------------------------------

ROWS = [
    # 2025-01-01: best open A 1300 +-5, best closed D 1400 +-3 (E and B below them).
    {"snapshot_date": "2025-01-01", "model_name": "A", "country": "US", "rating": 1300, "half": 5},
    {"snapshot_date": "2025-01-01", "model_name": "B", "country": "CN", "rating": 1290, "half": 1},
    {"snapshot_date": "2025-01-01", "model_name": "D", "country": "US", "rating": 1400, "half": 3,
     "open_weights": False},
    {"snapshot_date": "2025-01-01", "model_name": "E", "country": "US", "rating": 1350, "half": 1,
     "open_weights": False},
    {"snapshot_date": "2025-01-01", "model_name": "U", "rating": 1500, "half": 1, "open_weights": None},
    # 2025-02-01: two open models tied at 1320 (the key decides: B before C); closed D, whose
    # interval is asymmetric [1390, 1420] (half-width 15).
    {"snapshot_date": "2025-02-01", "model_name": "C", "country": "FR", "rating": 1320, "half": 10},
    {"snapshot_date": "2025-02-01", "model_name": "B", "country": "CN", "rating": 1320, "half": 8},
    {"snapshot_date": "2025-02-01", "model_name": "D", "country": "US", "rating": 1400,
     "ci_low": 1390, "ci_high": 1420, "open_weights": False},
    # 2025-03-01: no closed model: no gap that date.
    {"snapshot_date": "2025-03-01", "model_name": "A", "country": "US", "rating": 1330, "half": 5},
    # 2025-04-01: a closed model without an interval: the gap has none either.
    {"snapshot_date": "2025-04-01", "model_name": "A", "country": "US", "rating": 1330, "half": 5},
    {"snapshot_date": "2025-04-01", "model_name": "D", "country": "US", "rating": 1410,
     "open_weights": False},
]


def test_unit_gap_and_interval_half_width() -> None:
    frame = gap(tables.board(ROWS))
    assert [str(d)[:10] for d in frame["snapshot_date"]] == ["2025-01-01", "2025-02-01", "2025-04-01"]
    assert list(frame["open_model"]) == ["A", "B", "A"]
    assert list(frame["closed_model"]) == ["D", "D", "D"]
    assert list(frame["open_country"]) == ["US", "CN", "US"]
    assert list(frame["gap"]) == [100, 80, 80]
    first, second = frame.iloc[0], frame.iloc[1]
    assert (first["gap_low"], first["gap_high"]) == pytest.approx((100 - math.sqrt(34), 100 + math.sqrt(34)))
    # open B +-8, closed D [1390, 1420] -> half-width 15: sqrt(8^2 + 15^2) = 17
    assert (second["gap_low"], second["gap_high"]) == pytest.approx((80 - 17, 80 + 17))
    assert pd.isna(frame["gap_low"].iloc[2]) and pd.isna(frame["gap_high"].iloc[2])


def test_unit_no_date_with_both() -> None:
    with pytest.raises(EmptyResultError):
        gap(tables.board([row for row in ROWS if row["snapshot_date"] == "2025-03-01"]))


# --- a small synthetic board in a store -----------------------------------------------------

@pytest.fixture
def synthetic(tmp_path: Path, isolated_home: Path) -> Observatory:
    return synthetic_boards(tmp_path, isolated_home)


def test_gap_and_its_interval(synthetic: Observatory) -> None:
    gap = synthetic.gap()
    assert list(gap["gap"]) == [100, 98, 80, 70]
    half = math.sqrt(3**2 + 5**2)
    assert gap["gap_high"].iloc[0] - gap["gap"].iloc[0] == pytest.approx(half)
    assert gap["gap_high"].iloc[3] - gap["gap"].iloc[3] == pytest.approx(math.sqrt(3**2 + 20**2))


# --- a real board -----------------------------------------------------------------------------

def test_gap_on_2025_07_18(full: Observatory) -> None:
    board = raw_board(LMSYS / "lmsys_2025-07-18.csv")
    best_closed = next(r for r in board if not r["open"])
    frame = full.gap()
    row = frame[frame["snapshot_date"].astype(str).str[:10] == "2025-07-18"].iloc[0]
    assert row["closed_model"] == best_closed["model"]
    assert row["gap"] == best_closed["rating"] - best_open(LMSYS / "lmsys_2025-07-18.csv")["rating"]
    assert row["gap_low"] < row["gap"] < row["gap_high"]
