"""Same numbers as the reference implementation (arena-rank 0.1.1) on a small vote set.

Scales align directly: both report unanchored ratings ``400 / ln 10 * theta + 1000`` with
sum(theta) = 0. The bootstrap comparison refits arena-rank's own resamples (its multinomial
draw, re-created from the same JAX key), so the bounds must agree to optimiser precision rather
than to Monte Carlo error.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from observatory.ratings import bt, intervals
from observatory.ratings.pairs import pair_counts
from observatory.ratings.simulate import Simulation, simulate_votes

arena_rank = pytest.importorskip("arena_rank", reason="arena-rank is not installed "
                                 "(pip install arena-rank==0.1.1, the dev extra)")
from arena_rank.models import bradley_terry  # noqa: E402
from arena_rank.utils.data_utils import PairDataset  # noqa: E402

ROUNDS = 10
SEED = 7
WINNER = {"a": "model_a", "b": "model_b", "tie": "tie", "both_bad": "both_bad"}


class SerialPool:
    """arena-rank forks a process pool after JAX started its threads, which can deadlock; the
    same worker function, called in this process."""

    def __init__(self, processes: int | None = None) -> None:
        pass

    def __enter__(self) -> SerialPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starmap(self, function, arguments):
        return list(itertools.starmap(function, arguments))


@pytest.fixture(scope="module")
def votes():
    models = [f"model-{i:02d}" for i in range(14)]
    return simulate_votes(models, np.linspace(950, 1250, 14), Simulation(30_000, seed=11))


@pytest.fixture(scope="module")
def dataset(votes) -> PairDataset:
    frame = votes.select(["model_a", "model_b", "outcome"]).to_pandas()
    return PairDataset.from_pandas(frame.assign(winner=frame["outcome"].map(WINNER)))


def test_ratings_and_sandwich_intervals_agree(votes, dataset) -> None:
    reference = bradley_terry.BradleyTerry(len(dataset.competitors)).compute_ratings_and_cis(
        dataset, ci_method="sandwich")
    pairs = pair_counts(votes)
    assert pairs.models == list(reference["competitors"])
    theta = bt.fit(pairs).theta
    scale = bt.Scale()
    ours = theta * scale.alpha + 1000
    assert np.max(np.abs(ours - np.asarray(reference["ratings"]))) < 0.5
    low, high = intervals.normal_bounds(theta, intervals.sandwich(pairs, theta))
    assert np.max(np.abs(low * scale.alpha + 1000 - np.asarray(reference["rating_lower"]))) < 1
    assert np.max(np.abs(high * scale.alpha + 1000 - np.asarray(reference["rating_upper"]))) < 1


def _reference_resamples(dataset: PairDataset, pairs) -> np.ndarray:
    """arena-rank's multinomial draw over its (model_a, model_b, outcome) rows, pooled into our
    (pair, outcome) cells."""
    import jax

    total = float(np.sum(dataset.counts))
    draws = np.asarray(jax.random.multinomial(
        jax.random.PRNGKey(SEED), n=int(total), p=dataset.counts / total,
        shape=(ROUNDS, dataset.counts.shape[0]), dtype=np.float64))
    a, b = np.asarray(dataset.pairs)[:, 0], np.asarray(dataset.pairs)[:, 1]
    outcome = np.asarray(dataset.outcomes)
    first, second = np.minimum(a, b), np.maximum(a, b)
    winner = np.where(outcome == 1.0, a, b)
    cell = np.where(outcome == 0.5, 2, np.where(winner == first, 0, 1))
    keys = pairs.first * pairs.n_models + pairs.second
    pair = np.searchsorted(keys, first * pairs.n_models + second)
    cells = np.zeros((ROUNDS, len(keys), 3))
    np.add.at(cells, (slice(None), pair, cell), draws)
    return cells


def test_bootstrap_bounds_agree_on_the_same_resamples(votes, dataset, monkeypatch) -> None:
    monkeypatch.setattr(bradley_terry.mp, "Pool", SerialPool)
    reference = bradley_terry.BradleyTerry(len(dataset.competitors)).compute_ratings_and_cis(
        dataset, ci_method="bootstrap", num_bootstrap=ROUNDS, seed=SEED)
    pairs = pair_counts(votes)
    theta = bt.fit(pairs).theta
    samples = intervals.bootstrap(pairs, theta, ROUNDS, seed=0,
                                  counts=_reference_resamples(dataset, pairs))
    low, high = intervals.percentile_bounds(samples)
    alpha = bt.Scale().alpha
    assert np.max(np.abs(low * alpha + 1000 - np.asarray(reference["rating_lower"]))) < 1
    assert np.max(np.abs(high * alpha + 1000 - np.asarray(reference["rating_upper"]))) < 1
