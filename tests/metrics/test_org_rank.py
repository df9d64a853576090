"""Q1 as the seed analyses drew it (``metrics.org_rank``): the board rank of each organisation's
best open-weight model on every snapshot."""

from __future__ import annotations

import pytest

from observatory.errors import EmptyResultError
from observatory.metrics.org_rank import org_ranks
from tests.metrics import tables

D1, D2 = "2025-01-01", "2025-02-01"
ROWS = [
    # D1: a closed model on top; meta's best open model is 2nd, deepseek's 3rd (its second model
    # lower), mistral 5th behind an open model of no known organisation
    {"snapshot_date": D1, "model_name": "closed", "org_id": "openai", "rating": 1400,
     "open_weights": False},
    {"snapshot_date": D1, "model_name": "llama", "org_id": "meta", "country": "US", "rating": 1350},
    {"snapshot_date": D1, "model_name": "r1", "org_id": "deepseek", "country": "CN", "rating": 1340},
    {"snapshot_date": D1, "model_name": "v2", "org_id": "deepseek", "country": "CN", "rating": 1200},
    {"snapshot_date": D1, "model_name": "nobody", "rating": 1330},
    {"snapshot_date": D1, "model_name": "mixtral", "org_id": "mistral", "country": "FR",
     "rating": 1320},
    # D2: deepseek passes meta; ties share a rank (two models at 1360)
    {"snapshot_date": D2, "model_name": "closed", "org_id": "openai", "rating": 1360,
     "open_weights": False},
    {"snapshot_date": D2, "model_name": "r1", "org_id": "deepseek", "country": "CN", "rating": 1360},
    {"snapshot_date": D2, "model_name": "llama", "org_id": "meta", "country": "US", "rating": 1350},
]


def test_rank_is_the_place_on_the_whole_board() -> None:
    frame = org_ranks(tables.board(ROWS))
    got = {(str(r.snapshot_date)[:10], r.org_id): (r.model_name, r.rank, r.open_rank)
           for r in frame.itertuples()}
    assert got == {
        (D1, "meta"): ("llama", 2, 1), (D1, "deepseek"): ("r1", 3, 2),
        (D1, "mistral"): ("mixtral", 5, 3),  # the unattributed open model still counts above it
        (D2, "deepseek"): ("r1", 1, 1), (D2, "meta"): ("llama", 3, 2),
    }
    assert "openai" not in set(frame["org_id"])  # closed models rank others, draw no line
    assert frame["method_version"].notna().all()


def test_the_organisations_kept_are_those_that_reached_the_highest_places() -> None:
    frame = org_ranks(tables.board(ROWS), orgs=2)
    # meta and deepseek each led the open models once; mistral never came above third
    assert set(frame["org_id"]) == {"meta", "deepseek"}


def test_no_open_model_with_an_organisation_is_empty() -> None:
    closed = [row for row in ROWS if row.get("open_weights") is False]
    with pytest.raises(EmptyResultError):
        org_ranks(tables.board(closed))
