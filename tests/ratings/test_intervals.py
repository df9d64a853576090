"""Bootstrap resampling, sandwich errors and rank by upper bound, against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from observatory.ratings import bt, intervals
from observatory.ratings.pairs import pair_counts
from observatory.ratings.rank import rank_by_upper_bound, worst_rank
from tests.ratings.helpers import votes_from_counts


def test_resampling_keeps_the_total_and_the_means() -> None:
    counts = np.array([5000.0, 3000.0, 1500.0, 400.0, 90.0, 10.0, 0.0])
    draws = intervals.resample_counts(counts, 4000, np.random.default_rng(1))
    assert np.all(draws.sum(axis=1) == counts.sum())
    assert np.all(draws[:, -1] == 0)
    shares = counts / counts.sum()
    # Multinomial moments: mean n p, variance n p (1 - p).
    se = np.sqrt(counts.sum() * shares * (1 - shares) / len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - counts) <= 5 * se + 1e-12)
    assert draws.var(axis=0)[:3] == pytest.approx(counts[:3] * (1 - shares[:3]), rel=0.1)


def test_sandwich_for_two_models_is_the_binomial_formula() -> None:
    wins, losses = 300, 100
    pairs = pair_counts(votes_from_counts({("x", "y"): (wins, losses, 0)}))
    theta = bt.fit(pairs).theta
    n, p = wins + losses, wins / (wins + losses)
    # var(logit p_hat) = 1 / (n p (1 - p)); each strength is half the difference.
    expected = math.sqrt(1 / (n * p * (1 - p))) / 2
    assert intervals.sandwich(pairs, theta, ridge=0) == pytest.approx([expected, expected])


def test_bootstrap_spread_matches_the_sandwich_on_simulated_votes() -> None:
    from observatory.ratings.simulate import Simulation, simulate_votes

    models = [f"m{i:02d}" for i in range(12)]
    votes = simulate_votes(models, np.linspace(1000, 1200, 12), Simulation(60_000, seed=2))
    pairs = pair_counts(votes)
    theta = bt.fit(pairs).theta
    samples = intervals.bootstrap(pairs, theta, 300, seed=4)
    assert samples.std(axis=0) == pytest.approx(intervals.sandwich(pairs, theta, 0), rel=0.15)
    again = intervals.bootstrap(pairs, theta, 300, seed=4, workers=1)
    assert np.array_equal(samples, again)  # the seed fixes the board whatever the threads


def test_bootstrap_refits_given_resamples_exactly() -> None:
    votes = votes_from_counts({("a", "b"): (50, 30, 10), ("b", "c"): (40, 35, 5),
                               ("a", "c"): (45, 20, 15)})
    pairs = pair_counts(votes)
    theta = bt.fit(pairs).theta
    resample = pairs.cells()[None, :, :] * np.array([1.0, 0.5, 2.0])[None, :, None]
    refit = intervals.bootstrap(pairs, theta, 1, seed=0, counts=resample)[0]
    scaled = bt.PairCounts(pairs.models, pairs.first, pairs.second, *resample[0].T)
    assert refit == pytest.approx(bt.fit(scaled).theta, abs=1e-5)  # 0.002 rating points


def test_rank_by_upper_bound() -> None:
    low = np.array([10.0, 8.0, 2.0, 1.0, -5.0])
    high = np.array([14.0, 12.0, 9.0, 3.0, 0.5])
    # Model 3 (upper 3): models 0, 1 (lows 10, 8) are surely better, model 2 (low 2) is not.
    assert rank_by_upper_bound(low, high).tolist() == [1, 1, 2, 3, 5]
    # Model 2 (lower 2): models 0, 1, 3 (uppers 14, 12, 3) may be better -> rank 4 at worst.
    assert worst_rank(low, high).tolist() == [2, 3, 4, 4, 5]
