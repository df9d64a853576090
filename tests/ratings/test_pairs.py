"""Votes -> pair counts (``ratings.pairs``): pooling both sides of a pair, ties, dropping rarely
seen models, and the votes that are refused."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from observatory.errors import InputError
from observatory.ratings.pairs import (
    keep_models,
    min_votes,
    model_codes,
    outcome_codes,
    pair_counts,
)
from tests.ratings.helpers import votes_from_counts

# (model_a, model_b, outcome): a beats b twice (once shown second), b beats a once, a tie and a
# both-bad vote between them; a beats c; b beats c.
ROWS = [("a", "b", "a"), ("b", "a", "a"), ("b", "a", "b"), ("a", "b", "tie"),
        ("b", "a", "both_bad"), ("c", "a", "b"), ("b", "c", "a")]


def _votes(rows: list[tuple[str, str, str]], string_type: pa.DataType | None = None) -> pa.Table:
    model_a, model_b, outcome = zip(*rows, strict=True)
    string_type = string_type or pa.string()
    return pa.table({"model_a": pa.array(model_a, string_type),
                     "model_b": pa.array(model_b, string_type), "outcome": list(outcome)})


def test_both_sides_of_a_pair_pool_into_one_pair() -> None:
    pairs = pair_counts(_votes(ROWS))
    assert pairs.models == ["a", "b", "c"]
    assert pairs.first.tolist() == [0, 0, 1] and pairs.second.tolist() == [1, 2, 2]
    # pair (a, b): a won 2, b won 1, a tie and a both-bad vote are 2 ties
    assert pairs.cells().tolist() == [[2, 1, 2], [1, 0, 0], [1, 0, 0]]
    assert pairs.totals.tolist() == [5, 1, 1]
    assert pairs.n_votes == 7 and pairs.n_models == 3
    assert pairs.votes_per_model().tolist() == [6, 6, 2]


def test_codes_of_models_and_outcomes() -> None:
    votes = _votes(ROWS, pa.large_string())  # any string type reads the same
    models, code_a, code_b = model_codes(votes)
    assert models == ["a", "b", "c"]
    assert code_a.tolist() == [0, 1, 1, 0, 1, 2, 1]
    assert code_b.tolist() == [1, 0, 0, 1, 0, 0, 2]
    assert outcome_codes(votes).tolist() == [0, 0, 1, 2, 3, 1, 0]
    assert pair_counts(votes).cells().tolist() == pair_counts(_votes(ROWS)).cells().tolist()


def test_keep_models_reindexes_the_pairs_left() -> None:
    pairs = pair_counts(_votes(ROWS))
    kept = keep_models(pairs, np.array([True, False, True]))
    assert kept.models == ["a", "c"]
    assert (kept.first.tolist(), kept.second.tolist()) == ([0], [1])
    assert kept.cells().tolist() == [[1, 0, 0]]
    assert min_votes(pairs, 0) is pairs  # no minimum: unchanged
    above = min_votes(pairs, 3)  # c has 2 votes
    assert above.models == ["a", "b"] and above.cells().tolist() == [[2, 1, 2]]


def test_min_votes_drops_rarely_seen_models() -> None:
    votes = votes_from_counts({("a", "b"): (10, 10, 0), ("a", "c"): (1, 1, 0)})
    pairs = min_votes(pair_counts(votes), 5)
    assert pairs.models == ["a", "b"]
    assert pairs.votes_per_model().tolist() == [20, 20]


def test_self_play_and_unknown_outcomes_are_refused() -> None:
    with pytest.raises(InputError, match="plays itself"):
        pair_counts(pa.table({"model_a": ["a"], "model_b": ["a"], "outcome": ["a"]}))
    with pytest.raises(InputError, match="unknown outcome 'draw'"):
        pair_counts(pa.table({"model_a": ["a"], "model_b": ["b"], "outcome": ["draw"]}))
    with pytest.raises(InputError, match="no votes"):
        pair_counts(pa.table({"model_a": pa.array([], pa.string()),
                              "model_b": pa.array([], pa.string()),
                              "outcome": pa.array([], pa.string())}))


def test_missing_names_and_columns_are_refused() -> None:
    with pytest.raises(InputError, match="a vote has no model name"):
        pair_counts(pa.table({"model_a": ["a", None], "model_b": ["b", "b"], "outcome": ["a", "b"]}))
    with pytest.raises(InputError, match="missing column 'outcome'"):
        pair_counts(pa.table({"model_a": ["a"], "model_b": ["b"], "winner": ["model_a"]}))
