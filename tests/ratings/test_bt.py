"""The Bradley–Terry fit against closed forms and an independent per-vote optimiser."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from scipy.optimize import minimize

from observatory.errors import InputError
from observatory.ratings import bt
from observatory.ratings.pairs import min_votes, pair_counts
from tests.ratings.helpers import votes_from_counts

ELO = 400 / math.log(10)


def test_two_models_closed_form_with_ties_as_half_wins() -> None:
    # x scores 3 + 2/2 = 4 of 6: the MLE of the difference is log(4 / 2).
    pairs = pair_counts(votes_from_counts({("x", "y"): (3, 1, 2)}))
    theta = bt.fit(pairs).theta
    assert theta == pytest.approx([math.log(2) / 2, -math.log(2) / 2], abs=1e-12)


def test_three_models_that_fit_exactly() -> None:
    # a:b scores 2:1, b:c 2:1, a:c 4:1 -> strengths log 2 apart, centred on b.
    votes = votes_from_counts({("a", "b"): (5, 2, 2), ("b", "c"): (6, 3, 0),
                               ("c", "a"): (1, 7, 2)})
    fit = bt.fit(pair_counts(votes))
    assert fit.converged
    assert fit.theta == pytest.approx([math.log(2), 0.0, -math.log(2)], abs=1e-10)
    ratings = fit.theta * bt.Scale().alpha + bt.Scale().offset(["a", "b", "c"], fit.theta)
    assert ratings == pytest.approx([1000 + 400 * math.log10(2), 1000, 1000 - 400 * math.log10(2)])
    anchored = bt.Scale(anchor_model="c", anchor_rating=1100.0)
    shifted = fit.theta * anchored.alpha + anchored.offset(["a", "b", "c"], fit.theta)
    assert shifted == pytest.approx([1100 + 800 * math.log10(2), 1100 + 400 * math.log10(2), 1100])


def test_matches_an_independent_per_vote_fit() -> None:
    rng = np.random.default_rng(5)
    models = [f"m{i}" for i in range(6)]
    strength = rng.normal(0, 0.8, 6)
    a, b = rng.integers(0, 6, 3000), rng.integers(0, 6, 3000)
    keep = a != b
    a, b = a[keep], b[keep]
    p = 1 / (1 + np.exp(-(strength[a] - strength[b])))
    u = rng.random(len(a))
    y = np.where(u < p * 0.8, 1.0, np.where(u < 0.8, 0.0, 0.5))
    outcome = np.where(y == 1, "a", np.where(y == 0, "b", "tie"))
    votes = pa.table({"model_a": [models[i] for i in a], "model_b": [models[i] for i in b],
                      "outcome": outcome.tolist()})

    def loss(theta: np.ndarray) -> float:  # one row per vote, as FastChat writes it
        d = theta[a] - theta[b]
        return float(-np.sum(y * d - np.logaddexp(0, d)))

    reference = minimize(loss, np.zeros(6), method="BFGS", options={"gtol": 1e-10}).x
    assert bt.fit(pair_counts(votes)).theta == pytest.approx(reference - reference.mean(),
                                                            abs=1e-6)


def test_disconnected_models_are_an_error() -> None:
    votes = votes_from_counts({("a", "b"): (3, 1, 0), ("c", "d"): (1, 1, 0)})
    with pytest.raises(InputError, match="2 groups that never meet"):
        bt.fit(pair_counts(votes))


def test_self_play_and_unknown_outcomes_are_refused() -> None:
    with pytest.raises(InputError, match="plays itself"):
        pair_counts(pa.table({"model_a": ["a"], "model_b": ["a"], "outcome": ["a"]}))
    with pytest.raises(InputError, match="unknown outcome 'draw'"):
        pair_counts(pa.table({"model_a": ["a"], "model_b": ["b"], "outcome": ["draw"]}))
    with pytest.raises(InputError, match="no votes"):
        pair_counts(pa.table({"model_a": pa.array([], pa.string()),
                              "model_b": pa.array([], pa.string()),
                              "outcome": pa.array([], pa.string())}))


def test_min_votes_drops_rarely_seen_models() -> None:
    votes = votes_from_counts({("a", "b"): (10, 10, 0), ("a", "c"): (1, 1, 0)})
    pairs = min_votes(pair_counts(votes), 5)
    assert pairs.models == ["a", "b"]
    assert pairs.votes_per_model().tolist() == [20, 20]


def test_unknown_anchor_model_is_an_error() -> None:
    with pytest.raises(InputError, match="not on the board"):
        bt.Scale(anchor_model="zz", anchor_rating=1.0).offset(["a"], np.zeros(1))
