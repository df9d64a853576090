"""Intervals on Bradley–Terry strengths: bootstrap (percentile) and sandwich (robust).

Bootstrap, as arena-rank does it: resample the vote counts of every (pair, outcome) cell from a
multinomial with the observed shares (the same distribution as resampling votes one by one), refit,
and take the 2.5 and 97.5 percentiles (numpy's default linear interpolation, like jnp.quantile).
Where the speed comes from:

- Sampling. A multinomial over ~90,000 cells costs one binomial draw per cell (numpy: ~13 ms per
  round, holding the GIL). We draw independent Poisson counts with mean ``(N - 4 sqrt(N)) p`` and
  add the missing ``N - S`` votes as categorical draws: given its total S, a Poisson vector is
  Multinomial(S, p), and adding a Multinomial(N - S, p) gives exactly Multinomial(N, p). A round
  whose S exceeds N (probability ~3e-5) is drawn again. Poisson sampling releases the GIL.
- Fitting. Every round starts at the full-data estimate, and all rounds of a chunk move together:
  each iteration is one gather, one sigmoid and one sparse product over (rounds x pairs) arrays,
  and one product with the inverse Hessian of the full data (a resample's Hessian differs from
  it by sampling noise, so these chord-Newton steps converge linearly at a rate of a few percent:
  ~6 iterations reach 1e-6, leaving an error ~1e-7 logit = 2e-5 rating points).
- Chunks of rounds run on threads (numpy releases the GIL); each chunk has its own seed spawned
  from ``seed``, so the result does not depend on the number of threads. BLAS is held to one
  thread meanwhile: its own threads would fight ours for the same cores (2x slower measured).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import expit, ndtri
from threadpoolctl import threadpool_limits

from observatory.ratings.bt import incidence, pair_matrix
from observatory.ratings.pairs import PairCounts

CHUNK = 25  # rounds fitted together: arrays of CHUNK x pairs stay in cache-friendly sizes
MAX_ITERATIONS = 200
TOLERANCE = 1e-6  # largest step (logit units) when a chunk stops; the error left is ~1e-7 (2e-5 points)
HESSIAN_RIDGE = 1e-5  # arena-rank's hessian_reg, times the number of votes (see ``sandwich``)
Progress = Callable[[int], None]


def resample_counts(counts: np.ndarray, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """``rounds`` multinomial resamples of a count vector (same total), as float64 rows."""
    total = int(np.rint(counts.sum()))
    shares = counts / total
    lam = max(total - 4.0 * math.sqrt(total), 0.0)
    cumulative = np.cumsum(shares)
    cumulative[-1] = 1.0
    out = np.empty((rounds, len(counts)))
    for row in range(rounds):
        while True:
            draw = rng.poisson(lam * shares)
            missing = total - int(draw.sum())
            if missing >= 0:
                break
        extra = np.searchsorted(cumulative, rng.random(missing), side="right")
        out[row] = draw + np.bincount(extra, minlength=len(counts))
    return out


def _fit_rounds(pairs: PairCounts, start: np.ndarray, cells: np.ndarray, inverse: np.ndarray,
                pair_to_model) -> np.ndarray:
    """Refit a chunk of resampled cell counts (rounds, pairs, 3) starting from ``start``."""
    totals = cells.sum(axis=2)
    score = cells[:, :, 0] + cells[:, :, 2] / 2
    theta = np.repeat(start[None, :], len(cells), axis=0)
    for _ in range(MAX_ITERATIONS):
        prob = expit(theta[:, pairs.first] - theta[:, pairs.second])
        residual = score - totals * prob
        gradient = (pair_to_model @ residual.T).T
        step = gradient @ inverse
        theta += step
        if np.max(np.abs(step)) < TOLERANCE:
            break
    return theta - theta.mean(axis=1, keepdims=True)


def bootstrap(pairs: PairCounts, theta: np.ndarray, rounds: int, seed: int,
              workers: int | None = None, progress: Progress | None = None,
              counts: np.ndarray | None = None) -> np.ndarray:
    """(rounds, models) bootstrap strengths. ``counts`` (rounds, pairs, 3) replaces the sampling,
    e.g. to refit another implementation's resamples."""
    prob = expit(theta[pairs.first] - theta[pairs.second])
    hessian = pair_matrix(pairs.first, pairs.second, pairs.totals * prob * (1 - prob),
                          pairs.n_models)
    inverse = np.linalg.inv(hessian + 1.0 / pairs.n_models)
    pair_to_model = incidence(pairs).T.tocsr()
    cells = pairs.cells().ravel()
    total_rounds = rounds if counts is None else len(counts)
    starts = list(range(0, total_rounds, CHUNK))
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    lock = threading.Lock()

    def run(index: int) -> np.ndarray:
        size = min(CHUNK, total_rounds - starts[index])
        if counts is None:
            rng = np.random.default_rng(seeds[index])
            chunk = resample_counts(cells, size, rng).reshape(size, -1, 3)
        else:
            chunk = np.asarray(counts[starts[index]:starts[index] + size], dtype=np.float64)
        result = _fit_rounds(pairs, theta, chunk, inverse, pair_to_model)
        if progress is not None:
            with lock:
                progress(size)
        return result

    with threadpool_limits(1, user_api="blas"), \
            ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return np.vstack(list(pool.map(run, range(len(starts)))))


def percentile_bounds(samples: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - level) / 2
    low, high = np.quantile(samples, [tail, 1 - tail], axis=0)
    return low, high


def sandwich(pairs: PairCounts, theta: np.ndarray, ridge: float = HESSIAN_RIDGE) -> np.ndarray:
    """Robust (sandwich) standard errors of the strengths: ``H^-1 G H^-1`` with G the sum of the
    squared per-vote gradients, summed exactly per pair from its win, loss and tie counts.

    ``ridge`` times the number of votes is added to the Hessian's diagonal, as arena-rank does
    (its ``hessian_reg`` = 1e-5): it makes H invertible (strengths are only identified up to a
    shift) and is negligible for well-voted models (H_ii is about a quarter of a model's votes),
    while it narrows the intervals of models with very few votes a little. The default matches the
    reference so the two give the same numbers; ``ridge=0`` uses the exact constrained inverse.
    """
    diff = theta[pairs.first] - theta[pairs.second]
    prob = expit(diff)
    n = pairs.n_models
    curvature = pair_matrix(pairs.first, pairs.second, pairs.totals * prob * (1 - prob), n)
    spread = (pairs.wins_first * (1 - prob) ** 2 + pairs.wins_second * prob ** 2
              + pairs.ties * (0.5 - prob) ** 2)
    gradient_cov = pair_matrix(pairs.first, pairs.second, spread, n)
    if ridge > 0:
        inverse = np.linalg.inv(curvature + np.eye(n) * ridge * pairs.n_votes)
    else:
        inverse = np.linalg.inv(curvature + 1.0 / n)
    return np.sqrt(np.clip(np.diag(inverse @ gradient_cov @ inverse), 0, None))


def normal_bounds(theta: np.ndarray, std_errors: np.ndarray,
                  level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    width = ndtri(1 - (1 - level) / 2) * std_errors
    return theta - width, theta + width
