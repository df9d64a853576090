"""Votes -> pair counts: the only shape the optimiser sees (never one row per vote).

Pair ``p`` joins models ``first[p] < second[p]`` (indices into ``models``, sorted by name, the
same order as arena-rank's ``pd.factorize(sort=True)``). Which side a vote showed a model on does
not enter the Bradley–Terry likelihood, so votes of (A, B) and (B, A) pool into one pair. A tie
and a both-bad vote each count as half a win each way; they are kept as ``ties``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from observatory.errors import InputError

OUTCOMES = ("a", "b", "tie", "both_bad")


@dataclass(frozen=True)
class PairCounts:
    models: list[str]
    first: np.ndarray  # int64, index of the pair's first model
    second: np.ndarray  # int64, index of the pair's second model (first < second)
    wins_first: np.ndarray  # float64 vote counts
    wins_second: np.ndarray
    ties: np.ndarray  # ties and both-bad

    @property
    def n_models(self) -> int:
        return len(self.models)

    @property
    def totals(self) -> np.ndarray:
        return self.wins_first + self.wins_second + self.ties

    @property
    def n_votes(self) -> int:
        return int(self.totals.sum())

    def cells(self) -> np.ndarray:
        """Counts as a (pairs, 3) array: wins_first, wins_second, ties (the resampling cells)."""
        return np.column_stack([self.wins_first, self.wins_second, self.ties])

    def votes_per_model(self) -> np.ndarray:
        totals = self.totals
        return (np.bincount(self.first, totals, self.n_models)
                + np.bincount(self.second, totals, self.n_models))


def model_codes(votes: pa.Table) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sorted model names and each vote's model_a / model_b index into them."""
    names = pc.unique(pa.concat_arrays([_column(votes, "model_a"), _column(votes, "model_b")]))
    models = sorted(name for name in names.to_pylist() if name is not None)
    value_set = pa.array(models, pa.string())
    codes_a = pc.index_in(_column(votes, "model_a"), value_set=value_set)
    codes_b = pc.index_in(_column(votes, "model_b"), value_set=value_set)
    if codes_a.null_count or codes_b.null_count:
        raise InputError("votes", "a vote has no model name (exclude it when importing)")
    return models, codes_a.to_numpy(), codes_b.to_numpy()


def outcome_codes(votes: pa.Table) -> np.ndarray:
    """0 = model_a won, 1 = model_b won, 2 = tie, 3 = both bad."""
    codes = pc.index_in(_column(votes, "outcome"), value_set=pa.array(OUTCOMES))
    if codes.null_count:
        bad = pc.filter(_column(votes, "outcome"), pc.is_null(codes)).to_pylist()[:1]
        raise InputError("votes", f"unknown outcome {bad[0]!r}; expected one of {', '.join(OUTCOMES)}",
                         field="outcome")
    return codes.to_numpy()


def pair_counts(votes: pa.Table) -> PairCounts:
    """Aggregate a votes table (model_a, model_b, outcome) into pair counts."""
    if votes.num_rows == 0:
        raise InputError("votes", "no votes to rate")
    models, code_a, code_b = model_codes(votes)
    outcome = outcome_codes(votes)
    if np.any(code_a == code_b):
        raise InputError("votes", "a model plays itself (exclude self-play when importing)")
    return counts_from_codes(models, code_a, code_b, outcome)


def counts_from_codes(models: list[str], code_a: np.ndarray, code_b: np.ndarray,
                      outcome: np.ndarray) -> PairCounts:
    n = len(models)
    low, high = np.minimum(code_a, code_b), np.maximum(code_a, code_b)
    key = low.astype(np.int64) * n + high
    # Which cell a vote lands in: first won, second won, or a (half-win) tie.
    a_is_first = code_a < code_b
    cell = np.where(outcome >= 2, 2, np.where((outcome == 0) == a_is_first, 0, 1))
    keys, pair_index = np.unique(key, return_inverse=True)
    counts = np.bincount(pair_index * 3 + cell, minlength=3 * len(keys)).reshape(-1, 3)
    counts = counts.astype(np.float64)
    return PairCounts(models, keys // n, keys % n, counts[:, 0], counts[:, 1], counts[:, 2])


def keep_models(pairs: PairCounts, keep: np.ndarray) -> PairCounts:
    """Only pairs between kept models (a boolean mask over ``pairs.models``), re-indexed."""
    new_index = np.cumsum(keep) - 1
    rows = keep[pairs.first] & keep[pairs.second]
    return PairCounts([m for m, k in zip(pairs.models, keep, strict=True) if k],
                      new_index[pairs.first[rows]], new_index[pairs.second[rows]],
                      pairs.wins_first[rows], pairs.wins_second[rows], pairs.ties[rows])


def min_votes(pairs: PairCounts, minimum: int) -> PairCounts:
    """Drop models with fewer than ``minimum`` votes (one pass, as FastChat filters battles)."""
    if minimum <= 0:
        return pairs
    return keep_models(pairs, pairs.votes_per_model() >= minimum)


def _column(votes: pa.Table, name: str) -> pa.Array:
    if name not in votes.column_names:
        raise InputError("votes", f"missing column '{name}'")
    return votes.column(name).combine_chunks().cast(pa.string())
