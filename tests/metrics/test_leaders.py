"""Q1 (``metrics.leaders``), with Q12 and Q13: the best open model of each country or
organisation on a board at a date, and whether it is statistically tied with the next group."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from observatory.api import Observatory, Selection
from observatory.errors import EmptyResultError
from observatory.metrics.leaders import leaders
from tests.conftest import LMSYS, OFFICIAL, need_shared
from tests.metrics import tables
from tests.metrics.raw_boards import (
    API_ONLY,
    CLOSED,
    NO_LICENCE,
    aa_raw,
    atom_country,
    best_open,
    raw_board,
)
from tests.metrics.synthetic_boards import synthetic_boards

# --- unit: hand-built board rows ------------------------------------------------------------

D1, D2 = "2025-01-01", "2025-02-01"
ROWS = [
    # 2025-01-01: the best open CN model B; the US has A (best) and A2 (wide interval reaching
    # 1330); two models of unknown country; a closed model rated above all.
    {"snapshot_date": D1, "model_name": "A", "org_id": "meta", "country": "US", "rating": 1300, "half": 5},
    {"snapshot_date": D1, "model_name": "A2", "org_id": "meta", "country": "US", "rating": 1250,
     "ci_low": 1170, "ci_high": 1330},
    {"snapshot_date": D1, "model_name": "B", "org_id": "deepseek", "country": "CN", "rating": 1320,
     "half": 5},
    {"snapshot_date": D1, "model_name": "C", "org_id": "x", "country": None, "rating": 1280, "half": 10},
    {"snapshot_date": D1, "model_name": "E", "org_id": None, "country": None, "rating": 1200, "half": 50},
    {"snapshot_date": D1, "model_name": "D", "org_id": "openai", "country": "US", "rating": 1400,
     "half": 3, "open_weights": False},
    {"snapshot_date": D1, "model_name": "N", "org_id": "n", "country": "FR", "rating": 1500,
     "half": 3, "open_weights": None},
    # 2025-02-01: only A, now the best.
    {"snapshot_date": D2, "model_name": "A", "org_id": "meta", "country": "US", "rating": 1310, "half": 5},
]


def test_unit_best_per_country_with_unknown_grouped_and_ties() -> None:
    frame = leaders(tables.board(ROWS), by="country", when=date(2025, 1, 31))
    # closed D and N (open status unknown) are not open; C and E have no country: "(unknown)"
    assert list(frame["country"]) == ["CN", "US", "(unknown)"]
    assert list(frame["model_name"]) == ["B", "A", "C"]
    assert list(frame["position"]) == [1, 2, 3]
    assert list(frame["next_group"][:2]) == ["US", "(unknown)"] and pd.isna(frame["next_group"].iloc[2])
    assert list(frame["next_model"][:2]) == ["A", "C"]
    # B's low 1315 <= the US reach 1330 (A2's upper bound, not A's 1305): tied.
    # A's low 1295 > the unknown group's reach max(1290, 1250) = 1290: not tied. Last: unknown.
    assert frame["tied_with_next"].tolist()[:2] == [True, False]
    assert pd.isna(frame["tied_with_next"].iloc[2])
    assert {str(d)[:10] for d in frame["snapshot_date"]} == {D1}


def test_unit_best_per_org() -> None:
    frame = leaders(tables.board(ROWS), by="org", when=date(2025, 1, 31))
    # E has no organisation: "(unknown)", last (1200).
    assert list(frame["org_id"]) == ["deepseek", "meta", "x", "(unknown)"]
    assert list(frame["model_name"]) == ["B", "A", "C", "E"]
    assert list(frame["country"][:2]) == ["CN", "US"]
    # deepseek's low 1315 <= meta's reach 1330: tied; meta's low 1295 > x's reach 1290 and x's
    # low 1270 > the unknown organisation's reach 1250: not tied.
    assert frame["tied_with_next"].tolist()[:3] == [True, False, False]


def test_unit_latest_date_and_rating_ties() -> None:
    frame = leaders(tables.board(ROWS), by="country")
    assert list(frame["model_name"]) == ["A"] and frame["rating"].iloc[0] == 1310
    assert str(frame["snapshot_date"].iloc[0])[:10] == D2
    tied = tables.board([
        {"snapshot_date": D1, "model_name": "Y", "country": "US", "rating": 1300, "half": 5},
        {"snapshot_date": D1, "model_name": "X", "country": "CN", "rating": 1300, "half": 5},
        {"snapshot_date": D1, "model_name": "Z", "country": "CN", "rating": 1300, "half": 2},
    ])
    frame = leaders(tied, by="country")
    # equal ratings: in a group the higher lower bound wins (Z 1298 over X 1295); between
    # groups the model key orders them (y < z)
    assert list(frame["model_name"]) == ["Y", "Z"]
    assert bool(frame["tied_with_next"].iloc[0]) is True


def test_unit_missing_interval_leaves_the_tie_unknown() -> None:
    frame = leaders(tables.board([
        {"snapshot_date": D1, "model_name": "A", "country": "US", "rating": 1300},
        {"snapshot_date": D1, "model_name": "B", "country": "CN", "rating": 1200, "half": 5},
    ]), by="country")
    assert list(frame["model_name"]) == ["A", "B"]
    assert pd.isna(frame["tied_with_next"].iloc[0])


def test_unit_nothing_open_before_the_date() -> None:
    with pytest.raises(EmptyResultError):
        leaders(tables.board(ROWS), by="country", when=date(2024, 12, 31))


# --- a small synthetic board in a store -----------------------------------------------------

@pytest.fixture
def synthetic(tmp_path: Path, isolated_home: Path) -> Observatory:
    return synthetic_boards(tmp_path, isolated_home)


def test_leaders_by_country_and_ties(synthetic: Observatory) -> None:
    frame = synthetic.leaders(by="country", as_of=date(2025, 1, 22))
    assert list(frame["country"]) == ["FR", "CN", "US"]
    assert list(frame["model_name"]) == ["C", "B", "A"]
    # C [1310, 1350] overlaps B [1315, 1325]; B's low 1315 is above A's high 1305.
    assert frame["tied_with_next"].tolist()[:2] == [True, False]
    assert pd.isna(frame["tied_with_next"].iloc[2])


def test_as_of_picks_the_latest_snapshot_on_or_before(synthetic: Observatory) -> None:
    frame = synthetic.leaders(by="country", as_of=date(2025, 1, 10))
    assert str(frame["snapshot_date"].iloc[0])[:10] == "2025-01-08"
    assert frame["model_name"].iloc[0] == "B"


# --- real boards, each answer recomputed from the raw files ---------------------------------

@pytest.mark.parametrize("day", ["2025-07-18", "2024-06-19"])
def test_top_open_model_on_the_text_board(full: Observatory, day: str) -> None:
    expected = best_open(LMSYS / f"lmsys_{day}.csv")
    frame = full.leaders(by="country", as_of=date.fromisoformat(day))
    leader = frame.iloc[0]
    assert str(leader["snapshot_date"])[:10] == day
    assert leader["model_name"] == expected["model"]
    assert leader["rating"] == expected["rating"]
    assert leader["country"] == atom_country(expected["org"])
    by_org = full.leaders(by="org", as_of=date.fromisoformat(day)).iloc[0]
    assert by_org["model_name"] == expected["model"]
    assert by_org["org_name"].lower().startswith(expected["org"].lower()[:4])


def test_published_example_values() -> None:
    """The SOURCE.md examples, read straight from the files (guards the helpers above)."""
    need_shared(LMSYS)
    assert best_open(LMSYS / "lmsys_2025-07-18.csv")["model"] == "DeepSeek-R1-0528"
    assert best_open(LMSYS / "lmsys_2024-06-19.csv")["model"] == "Nemotron-4-340B-Instruct"


def test_tie_flag_2024_06_19(full: Observatory) -> None:
    """Nemotron-4-340B (1208) and Llama-3-70b (1207): overlapping intervals -> tied."""
    board = [r for r in raw_board(LMSYS / "lmsys_2024-06-19.csv") if r["open"]]
    first, second_org = board[0], next(r for r in board if r["org"] != board[0]["org"])
    expected_tie = first["ci_low"] <= second_org["ci_high"]
    frame = full.leaders(by="org", as_of=date(2024, 6, 19))
    assert frame.iloc[0]["next_model"] == second_org["model"]
    assert bool(frame.iloc[0]["tied_with_next"]) is expected_tie


@pytest.mark.parametrize("day", ["2026-05-10", "2026-04-10"])
def test_top_open_model_on_the_aa_index(full: Observatory, day: str) -> None:
    models = [m for m in aa_raw(day)
              if (m.get("open_weights") or {}).get("is_open_weights")
              and m["evaluations"].get("artificial_analysis_intelligence_index") is not None]
    top = max(models, key=lambda m: m["evaluations"]["artificial_analysis_intelligence_index"])
    frame = full.leaders(by="country", as_of=date.fromisoformat(day), sel=Selection(board="aa"))
    leader = frame.iloc[0]
    assert leader["model_name"] == top["name"]
    assert leader["rating"] == top["evaluations"]["artificial_analysis_intelligence_index"]
    assert leader["country"] == top["creator"]["country"].upper()
    if day == "2026-04-10":  # the example stated in SOURCE.md
        assert top["name"] == "GLM-5.1 (Reasoning)"
        assert leader["rating"] == pytest.approx(51.4, abs=0.05)


def test_coding_category_best_open_model(full: Observatory) -> None:
    """Q13: best open model on the arena-catalog coding board, open = not 'Proprietary' in the
    HF Space's own key -> licence table."""
    with (OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json").open() as fh:
        coding = json.load(fh)["coding"]
    with (OFFICIAL / "hf-space-leaderboard-tables" / "leaderboard_table_20250511.csv").open() as fh:
        licence = {row["key"]: row["License"] for row in csv.DictReader(fh)}
    api_only = {name.lower() for name in API_ONLY}
    open_keys = [k for k in coding if k in licence and licence[k].strip() not in CLOSED | NO_LICENCE
                 and k not in api_only]
    expected = max(open_keys, key=lambda k: coding[k]["rating"])
    frame = full.leaders(by="country", as_of=date(2025, 5, 24),
                         sel=Selection(category="coding"))
    assert frame.iloc[0]["model_key"] == expected
    assert frame.iloc[0]["rating"] == pytest.approx(coding[expected]["rating"])
