"""Bootstrap resampling and sandwich errors against closed forms; bootstrap bounds against the
reference implementation (arena-rank 0.1.1) on its own resamples; and bootstrap intervals of
votes simulated from a real published board covering the true ratings."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import spearmanr

from observatory.ratings import bt, intervals
from observatory.ratings.pairs import pair_counts
from observatory.ratings.rank import rank_by_upper_bound, worst_rank
from observatory.ratings.simulate import Simulation, elo_to_theta, simulate_votes
from tests.conftest import OFFICIAL, need_shared
from tests.ratings.helpers import (
    ROUNDS,
    SEED,
    SerialPool,
    reference_dataset,
    reference_module,
    reference_resamples,
    reference_votes,
    votes_from_counts,
)

BOARD = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json"


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


def test_bootstrap_bounds_agree_on_the_same_resamples(monkeypatch) -> None:
    bradley_terry = reference_module()
    votes = reference_votes()
    dataset = reference_dataset(votes)
    monkeypatch.setattr(bradley_terry.mp, "Pool", SerialPool)
    reference = bradley_terry.BradleyTerry(len(dataset.competitors)).compute_ratings_and_cis(
        dataset, ci_method="bootstrap", num_bootstrap=ROUNDS, seed=SEED)
    pairs = pair_counts(votes)
    theta = bt.fit(pairs).theta
    samples = intervals.bootstrap(pairs, theta, ROUNDS, seed=0,
                                  counts=reference_resamples(dataset, pairs))
    low, high = intervals.percentile_bounds(samples)
    alpha = bt.Scale().alpha
    assert np.max(np.abs(low * alpha + 1000 - np.asarray(reference["rating_lower"]))) < 1
    assert np.max(np.abs(high * alpha + 1000 - np.asarray(reference["rating_upper"]))) < 1


def test_bootstrap_intervals_cover_the_true_ratings() -> None:
    """Votes simulated from a real published board are rated back: coverage and rank agreement."""
    need_shared(BOARD)
    board = json.loads(BOARD.read_text())["full"]
    # 60 models spread over the board (every 4th by rating), 200,000 votes, 200 rounds.
    chosen = sorted(board, key=lambda m: -board[m]["rating"])[::4][:60]
    truth = np.array([board[m]["rating"] for m in chosen])
    votes = simulate_votes(chosen, truth, Simulation(200_000, seed=3))
    pairs = pair_counts(votes)
    order = [chosen.index(m) for m in pairs.models]
    true_theta = elo_to_theta(truth[order])
    theta = bt.fit(pairs).theta
    low, high = intervals.percentile_bounds(intervals.bootstrap(pairs, theta, 200, seed=5))
    coverage = np.mean((low <= true_theta) & (true_theta <= high))
    assert 0.85 <= coverage <= 1.0, coverage
    assert spearmanr(theta, true_theta).statistic > 0.99
    true_rank = 1 + np.argsort(np.argsort(-true_theta))
    inside = (rank_by_upper_bound(low, high) <= true_rank) & (true_rank <= worst_rank(low, high))
    assert inside.mean() >= 0.9
