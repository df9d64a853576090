"""The Bradley–Terry fit against closed forms, an independent per-vote optimiser and the reference
implementation (arena-rank 0.1.1: same ratings and sandwich intervals on a small vote set)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from scipy.optimize import minimize

from observatory.errors import InputError
from observatory.ratings import bt, intervals
from observatory.ratings.pairs import pair_counts
from tests.ratings.helpers import (
    reference_dataset,
    reference_module,
    reference_votes,
    votes_from_counts,
)

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


def test_unknown_anchor_model_is_an_error() -> None:
    with pytest.raises(InputError, match="not on the board"):
        bt.Scale(anchor_model="zz", anchor_rating=1.0).offset(["a"], np.zeros(1))


@pytest.fixture(scope="module")
def reference() -> tuple:
    """(arena-rank's Bradley–Terry module, simulated votes, the votes as its PairDataset)."""
    module = reference_module()
    votes = reference_votes()
    return module, votes, reference_dataset(votes)


def test_ratings_and_sandwich_intervals_agree(reference) -> None:
    bradley_terry, votes, dataset = reference
    result = bradley_terry.BradleyTerry(len(dataset.competitors)).compute_ratings_and_cis(
        dataset, ci_method="sandwich")
    pairs = pair_counts(votes)
    assert pairs.models == list(result["competitors"])
    theta = bt.fit(pairs).theta
    scale = bt.Scale()
    ours = theta * scale.alpha + 1000
    assert np.max(np.abs(ours - np.asarray(result["ratings"]))) < 0.5
    low, high = intervals.normal_bounds(theta, intervals.sandwich(pairs, theta))
    assert np.max(np.abs(low * scale.alpha + 1000 - np.asarray(result["rating_lower"]))) < 1
    assert np.max(np.abs(high * scale.alpha + 1000 - np.asarray(result["rating_upper"]))) < 1
