"""Synthetic votes drawn from a board's ratings (tests, benchmarks, power analysis).

Pairs meet with a realistic skew: model m gets weight ``(rank_m + offset) ** -skew`` (top models
are shown more often, like popular models on the arena) and a pair meets in proportion to the
product of its models' weights. Given a pair, the outcome follows Bradley–Terry on the Elo scale
with ties: with ``s = P(first beats second)`` a tie happens with probability ``t = tie_rate * 4 s
(1 - s)`` (most ties between equals), and the first wins with ``s - t/2``. So the expected score
(win = 1, tie = 1/2) is exactly ``s``: ties-as-half-wins Bradley–Terry is the right model for
these votes, and the fit must recover the ratings. A share of the ties is "both bad".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pyarrow as pa

from observatory.schema import VOTES

SOURCE = "simulated"


@dataclass(frozen=True)
class Simulation:
    n_votes: int
    seed: int = 0
    tie_rate: float = 0.3  # tie probability between equally rated models
    both_bad_share: float = 0.3  # share of ties recorded as both bad
    skew: float = 1.0
    offset: float = 10.0
    scale: float = 400.0
    base: float = 10.0
    end: date | None = None  # votes are spread over the 30 days up to this date
    days: int = 30


def pair_weights(ratings: np.ndarray, skew: float, offset: float) -> tuple[np.ndarray, ...]:
    """Every pair (first < second) and its share of the votes."""
    order = np.argsort(-ratings, kind="stable")
    rank = np.empty(len(ratings))
    rank[order] = np.arange(1, len(ratings) + 1)
    weight = (rank + offset) ** -skew
    first, second = np.triu_indices(len(ratings), k=1)
    share = weight[first] * weight[second]
    return first, second, share / share.sum()


def outcome_probabilities(diff: np.ndarray, sim: Simulation) -> np.ndarray:
    """(pairs, 4): first wins, second wins, tie, both bad."""
    strength = 1.0 / (1.0 + sim.base ** (-diff / sim.scale))
    tie = sim.tie_rate * 4 * strength * (1 - strength)
    probs = np.column_stack([strength - tie / 2, 1 - strength - tie / 2,
                             tie * (1 - sim.both_bad_share), tie * sim.both_bad_share])
    return np.clip(probs, 0, None) / np.clip(probs, 0, None).sum(axis=1, keepdims=True)


def simulate_votes(models: list[str], ratings: np.ndarray, sim: Simulation) -> pa.Table:
    """A votes table (schema ``VOTES``) of ``sim.n_votes`` votes, in random order."""
    rng = np.random.default_rng(sim.seed)
    first, second, share = pair_weights(ratings, sim.skew, sim.offset)
    per_pair = rng.multinomial(sim.n_votes, share)
    met = per_pair > 0
    first, second, per_pair = first[met], second[met], per_pair[met]
    probs = outcome_probabilities(ratings[first] - ratings[second], sim)
    outcome_counts = rng.multinomial(per_pair, probs)  # (pairs, 4)
    pair_of_vote = np.repeat(np.repeat(np.arange(len(first)), 4), outcome_counts.ravel())
    outcome = np.repeat(np.tile(np.arange(4), len(first)), outcome_counts.ravel())
    order = rng.permutation(len(outcome))
    pair_of_vote, outcome = pair_of_vote[order], outcome[order]
    # Show each vote's models in random positions; a win follows its model.
    swap = rng.random(len(outcome)) < 0.5
    code_a = np.where(swap, second[pair_of_vote], first[pair_of_vote])
    code_b = np.where(swap, first[pair_of_vote], second[pair_of_vote])
    outcome = np.where(swap & (outcome < 2), 1 - outcome, outcome)
    names = pa.array(models, pa.string())
    labels = pa.array(["a", "b", "tie", "both_bad"], pa.string())
    n = len(outcome)
    columns = {
        "source": pa.repeat(pa.scalar(SOURCE), n),
        "model_a": names.take(pa.array(code_a)),
        "model_b": names.take(pa.array(code_b)),
        "outcome": labels.take(pa.array(outcome)),
        "timestamp": _timestamps(rng, n, sim),
    }
    return pa.table({field.name: columns.get(field.name, pa.nulls(n, field.type))
                     for field in VOTES if field.name != "snapshot_id"})


def _timestamps(rng: np.random.Generator, n: int, sim: Simulation) -> pa.Array:
    if sim.end is None:
        return pa.nulls(n, pa.timestamp("s", tz="UTC"))
    end = datetime.combine(sim.end + timedelta(days=1), time(), UTC)
    span = sim.days * 86400
    seconds = int(end.timestamp()) - 1 - np.sort(rng.integers(0, span, n))[::-1]
    return pa.array(seconds, pa.timestamp("s", tz="UTC"))


def elo_to_theta(ratings: np.ndarray, scale: float = 400.0, base: float = 10.0) -> np.ndarray:
    """True strengths in logit units, centred (the estimand of an unanchored fit)."""
    theta = ratings * math.log(base) / scale
    return theta - theta.mean()
