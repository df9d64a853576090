"""Small vote tables for the ratings tests, a vote file in the arena release layout, and the
reference implementation (arena-rank 0.1.1) on a simulated vote set."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from observatory.ratings.simulate import Simulation, simulate_votes


def votes_from_counts(counts: dict[tuple[str, str], tuple[int, int, int]]) -> pa.Table:
    """{(a, b): (a wins, b wins, ties)} -> a votes table (model_a, model_b, outcome)."""
    rows = []
    for (a, b), (wins_a, wins_b, ties) in counts.items():
        rows += [(a, b, "a")] * wins_a + [(a, b, "b")] * wins_b + [(b, a, "tie")] * ties
    model_a, model_b, outcome = zip(*rows, strict=True)
    return pa.table({"model_a": list(model_a), "model_b": list(model_b),
                     "outcome": list(outcome)})


# --- a vote file in the arena release layout ---------------------------------------------------
RELEASE_ROW = {
    "model_a": "qwen3-32b", "model_b": "gpt-4o-2024-05-13", "winner": "model_a",
    "tstamp": 1748044800.0, "language": "English", "judge_hash": "j1", "turn": 2,
    "is_code": True,
    "category_tag": {"math_v0.1": {"math": False}, "if_v0.1": {"if": True},
                     "criteria_v0.1": {k: True for k in "abcdefg"}},
    "conv_metadata": {"sum_assistant_a_tokens": 420, "sum_assistant_b_tokens": 300,
                      "header_count_a": {"h1": 1, "h2": 2}, "header_count_b": {"h1": 0},
                      "list_count_a": {"ordered": 3, "unordered": 1},
                      "list_count_b": {"ordered": 0, "unordered": 0},
                      "bold_count_a": {"**": 4, "__": 0}, "bold_count_b": {"**": 1, "__": 0}},
}


def release_records() -> list[dict[str, Any]]:
    """Four good votes, then one row for each reason a row is excluded."""
    rows = [dict(RELEASE_ROW), dict(RELEASE_ROW, winner="tie (bothbad)"),
            dict(RELEASE_ROW, winner="model_b"), dict(RELEASE_ROW, winner="tie")]
    rows.append(dict(RELEASE_ROW, winner="draw"))  # unknown winner
    rows.append(dict(RELEASE_ROW, model_b="qwen3-32b"))  # self-play
    rows.append(dict(RELEASE_ROW, model_a=None))  # no model
    rows.append(dict(RELEASE_ROW, turn="two"))  # unreadable value
    return rows


# --- the reference implementation, arena-rank 0.1.1 --------------------------------------------
# Scales align directly: both report unanchored ratings ``400 / ln 10 * theta + 1000`` with
# sum(theta) = 0. The bootstrap comparison refits arena-rank's own resamples (its multinomial
# draw, re-created from the same JAX key), so the bounds must agree to optimiser precision rather
# than to Monte Carlo error.
ROUNDS = 10
SEED = 7
WINNER = {"a": "model_a", "b": "model_b", "tie": "tie", "both_bad": "both_bad"}


def reference_module() -> Any:
    """arena-rank's Bradley–Terry module, or a skip when arena-rank is not installed."""
    pytest.importorskip("arena_rank", reason="arena-rank is not installed "
                        "(pip install arena-rank==0.1.1, the dev extra)")
    from arena_rank.models import bradley_terry

    return bradley_terry


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


def reference_votes() -> pa.Table:
    models = [f"model-{i:02d}" for i in range(14)]
    return simulate_votes(models, np.linspace(950, 1250, 14), Simulation(30_000, seed=11))


def reference_dataset(votes: pa.Table) -> Any:
    """The votes as arena-rank's ``PairDataset``."""
    reference_module()
    from arena_rank.utils.data_utils import PairDataset

    frame = votes.select(["model_a", "model_b", "outcome"]).to_pandas()
    return PairDataset.from_pandas(frame.assign(winner=frame["outcome"].map(WINNER)))


def reference_resamples(dataset: Any, pairs) -> np.ndarray:
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
