"""Synthetic votes (``ratings.simulate``): the same votes for a seed, the counts asked for, and
outcome shares that follow the stated probabilities."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pyarrow.compute as pc
import pytest

from observatory.ratings.simulate import (
    Simulation,
    elo_to_theta,
    outcome_probabilities,
    pair_weights,
    simulate_votes,
)
from observatory.schema import VOTES

MODELS = ["m-a", "m-b", "m-c", "m-d"]
RATINGS = np.array([1300.0, 1100.0, 1200.0, 1000.0])


def test_same_seed_same_votes() -> None:
    sim = Simulation(2_000, seed=4, end=date(2025, 5, 24))
    first, again = simulate_votes(MODELS, RATINGS, sim), simulate_votes(MODELS, RATINGS, sim)
    assert first.equals(again)
    other = simulate_votes(MODELS, RATINGS, Simulation(2_000, seed=5, end=date(2025, 5, 24)))
    assert not first.equals(other)


def test_counts_schema_and_names() -> None:
    votes = simulate_votes(MODELS, RATINGS, Simulation(3_000, seed=1))
    assert votes.num_rows == 3_000
    assert votes.schema.names == [f.name for f in VOTES if f.name != "snapshot_id"]
    assert set(votes["source"].to_pylist()) == {"simulated"}
    model_a, model_b = votes["model_a"].to_pylist(), votes["model_b"].to_pylist()
    assert set(model_a) | set(model_b) == set(MODELS)
    assert all(a != b for a, b in zip(model_a, model_b, strict=True))
    assert set(votes["outcome"].to_pylist()) == {"a", "b", "tie", "both_bad"}
    assert votes["timestamp"].null_count == 3_000  # no end date: no times
    assert votes["language"].null_count == 3_000  # columns the simulation does not fill


def test_timestamps_fall_in_the_days_before_the_end() -> None:
    votes = simulate_votes(MODELS, RATINGS, Simulation(1_000, seed=2, end=date(2025, 5, 24), days=30))
    stamps = votes["timestamp"].to_pylist()
    assert min(stamps) >= datetime(2025, 4, 25, tzinfo=UTC)
    assert max(stamps) <= datetime(2025, 5, 24, 23, 59, 59, tzinfo=UTC)
    assert stamps == sorted(stamps)


def test_tie_rate_between_equals_and_win_share_between_unequals() -> None:
    n = 20_000
    equal = simulate_votes(["x", "y"], np.array([1000.0, 1000.0]), Simulation(n, seed=3))
    outcome = equal["outcome"].to_numpy(zero_copy_only=False)
    tied = np.isin(outcome, ["tie", "both_bad"])
    se = math.sqrt(0.3 * 0.7 / n)
    assert abs(tied.mean() - 0.3) < 4 * se  # tie_rate * 4 * 1/2 * 1/2
    assert abs((outcome == "both_bad").sum() / tied.sum() - 0.3) < 0.03
    # 400 points apart: x wins 104/121 of the votes (s - t/2 with s = 10/11, t = 12/121)
    apart = simulate_votes(["x", "y"], np.array([1400.0, 1000.0]), Simulation(n, seed=3))
    a_won = pc.equal(apart["outcome"], "a").to_numpy(zero_copy_only=False)
    b_won = pc.equal(apart["outcome"], "b").to_numpy(zero_copy_only=False)
    winner = np.where(a_won, apart["model_a"].to_numpy(zero_copy_only=False),
                      np.where(b_won, apart["model_b"].to_numpy(zero_copy_only=False), None))
    share = (winner == "x").mean()
    assert abs(share - 104 / 121) < 4 * math.sqrt(share * (1 - share) / n)


def test_outcome_probabilities_by_hand() -> None:
    probs = outcome_probabilities(np.array([400.0, 0.0]), Simulation(1))
    # s = 10/11, t = 0.3 * 4 * s (1 - s) = 12/121; ties split 70/30 into tie and both bad
    assert probs[0] == pytest.approx([104 / 121, 5 / 121, 8.4 / 121, 3.6 / 121])
    assert probs[1] == pytest.approx([0.35, 0.35, 0.21, 0.09])
    assert probs.sum(axis=1) == pytest.approx([1.0, 1.0])


def test_pair_weights_favour_top_models() -> None:
    first, second, share = pair_weights(np.array([1300.0, 1100.0, 1200.0]), skew=1.0, offset=10.0)
    assert (first.tolist(), second.tolist()) == ([0, 0, 1], [1, 2, 2])
    # ranks 1, 3, 2 -> weights 1/11, 1/13, 1/12; a pair's share follows the product
    raw = np.array([1 / (11 * 13), 1 / (11 * 12), 1 / (13 * 12)])
    assert share == pytest.approx(raw / raw.sum())
    _, _, flat = pair_weights(np.array([1300.0, 1100.0, 1200.0]), skew=0.0, offset=10.0)
    assert flat == pytest.approx([1 / 3] * 3)


def test_elo_to_theta_is_centred_logits() -> None:
    assert elo_to_theta(np.array([1000.0, 1400.0])) == pytest.approx([-math.log(10) / 2,
                                                                      math.log(10) / 2])
    assert elo_to_theta(np.array([1500.0, 1500.0, 1500.0])) == pytest.approx([0.0, 0.0, 0.0])
