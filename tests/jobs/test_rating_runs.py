"""The rating job's I/O (``jobs.rating_runs``): votes from a file, from a stored snapshot's id or a
prefix of it; computed boards stored as snapshots, the same board twice being a duplicate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from observatory.errors import EmptyResultError, InputError
from observatory.jobs.rating_runs import board_snapshot, load_votes, store_board
from observatory.ratings.board import RateOptions, rate
from observatory.ratings.simulate import Simulation, simulate_votes
from observatory.store import Store
from observatory.store.catalog import Catalog
from tests.conftest import OFFICIAL, need_shared

VOTES = "model_a,model_b,winner\nx,y,model_a\ny,z,tie\nz,x,model_b\nx,z,model_a\ny,x,both_bad\n"


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return Catalog(Store(tmp_path / "home"))


def _vote_file(folder: Path, content: str = VOTES, name: str = "mine_2025-01-02.csv") -> Path:
    path = folder / name
    path.write_text(content)
    return path


def _triples(table) -> list[tuple]:
    return sorted(zip(*(table[c].to_pylist() for c in ("model_a", "model_b", "outcome")), strict=True))


EXPECTED = sorted([("x", "y", "a"), ("y", "z", "tie"), ("z", "x", "b"), ("x", "z", "a"),
                   ("y", "x", "both_bad")])


def test_votes_from_a_file_then_from_its_stored_snapshot(catalog: Catalog, tmp_path: Path) -> None:
    path = _vote_file(tmp_path)
    votes, snapshot_id = load_votes(catalog, path, store=True)
    assert _triples(votes) == EXPECTED
    manifests = catalog.store.manifests()
    assert [(m["snapshot_id"], m["format"], m["snapshot_date"]) for m in manifests] == [
        (snapshot_id, "votes-csv", "2025-01-02")]
    again, same = load_votes(catalog, snapshot_id, store=True)
    assert same == snapshot_id and _triples(again) == EXPECTED
    prefix, same = load_votes(catalog, snapshot_id[:6], store=True)
    assert same == snapshot_id and _triples(prefix) == EXPECTED
    # the same file again is read from the store, not imported twice
    reread, same = load_votes(catalog, path, store=True)
    assert same == snapshot_id and _triples(reread) == EXPECTED
    assert len(catalog.store.manifests()) == 1


def test_votes_not_stored_when_asked(catalog: Catalog, tmp_path: Path) -> None:
    votes, snapshot_id = load_votes(catalog, _vote_file(tmp_path), store=False)
    assert _triples(votes) == EXPECTED and snapshot_id
    assert catalog.store.manifests() == []


def test_unknown_or_ambiguous_ids_are_one_line_errors(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_votes(catalog, "nope", store=True)
    assert str(caught.value) == ("nope: neither a vote file nor a stored vote snapshot id "
                                 "(`observatory store list` shows the snapshots)")
    load_votes(catalog, _vote_file(tmp_path), store=True)
    load_votes(catalog, _vote_file(tmp_path, VOTES + "x,y,tie\n", "other_2025-01-03.csv"), store=True)
    with pytest.raises(InputError, match="matches 2 vote snapshots; give more of the id") as caught:
        load_votes(catalog, "", store=True)
    assert "\n" not in str(caught.value)


def test_a_board_file_is_not_votes(catalog: Catalog) -> None:
    board = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json"
    need_shared(board)
    with pytest.raises(InputError, match=r"not a vote file \(read as arena-catalog\)"):
        load_votes(catalog, board, store=True)


def _rated():
    votes = simulate_votes(["a", "b", "c"], np.array([1000.0, 1100.0, 1200.0]),
                           Simulation(600, seed=1, end=date(2025, 1, 31)))
    options = RateOptions(interval="sandwich")
    return rate(votes, options), options


def test_store_board_twice_is_a_duplicate(catalog: Catalog) -> None:
    rated, options = _rated()
    first = store_board(catalog, rated, options, "votes123")
    assert not first.duplicate
    assert (first.format, first.snapshot_date, first.counts["board_entries"]) == (
        "observatory-bt", "2025-01-31", 3)
    second = store_board(catalog, rated, options, "votes123")
    assert second.duplicate and second.snapshot_id == first.snapshot_id
    other = store_board(catalog, rated, options, "votes456")  # other votes: another board
    assert not other.duplicate and other.snapshot_id != first.snapshot_id
    stored = catalog.connection().table("board_entries").to_pandas()
    mine = stored[stored["snapshot_id"] == first.snapshot_id].sort_values("model_key")
    assert mine["model_key"].tolist() == ["a", "b", "c"]
    assert mine["rating"].tolist() == pytest.approx(rated.boards.sort_values("model_key")["rating"].tolist())
    assert set(mine["source"]) == {"observatory-bt"}


def test_board_snapshot_records_the_method(catalog: Catalog) -> None:
    rated, options = _rated()
    parsed = board_snapshot(rated, options, "votes123")
    method = parsed.notes["method"]
    assert method["votes_snapshot"] == "votes123" and method["interval"] == "sandwich"
    assert method["model"] == "bradley-terry" and method["bootstrap_rounds"] is None
    assert parsed.arrow["board_entries"].num_rows == 3
    assert set(parsed.arrow["board_entries"]["snapshot_id"].to_pylist()) == {parsed.snapshot_id}
    rated.boards = rated.boards.iloc[:0]
    with pytest.raises(EmptyResultError, match="nothing to store: the board is empty"):
        board_snapshot(rated, options, "votes123")
