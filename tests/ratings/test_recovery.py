"""Votes simulated from a real published board are rated back: coverage and rank agreement."""

from __future__ import annotations

import json

import numpy as np
from scipy.stats import spearmanr

from observatory.ratings import bt, intervals
from observatory.ratings.pairs import pair_counts
from observatory.ratings.rank import rank_by_upper_bound, worst_rank
from observatory.ratings.simulate import Simulation, elo_to_theta, simulate_votes
from tests.conftest import OFFICIAL, need_shared

BOARD = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json"


def test_bootstrap_intervals_cover_the_true_ratings() -> None:
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
