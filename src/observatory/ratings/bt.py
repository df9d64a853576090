"""Bradley–Terry by maximum likelihood on pair counts, and the rating scales users know.

In logit units a model's strength is ``theta``; P(i beats j) = sigmoid(theta_i - theta_j). With
ties as half a win each way the log-likelihood of pair p is ``s_p d_p - n_p softplus(d_p)`` where
``d_p = theta_i - theta_j``, ``n_p`` its votes and ``s_p`` the first model's wins plus half the
ties — exactly the loss FastChat and arena-rank minimise row by row.

The fit is Newton's method on the aggregated pairs: the Hessian is models x models (about 250 x
250), so each step is one small dense solve, and 6-10 steps from zero reach machine precision
(L-BFGS needs hundreds). Only differences are identified, so the solve uses ``H + 11'/M``: the
gradient never has a component along the all-ones vector, the step keeps sum(theta) = 0, and the
fit is centred like arena-rank's (which starts from zeros and only ever moves along gradients).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import expit, log_expit

from observatory.errors import InputError
from observatory.ratings.pairs import PairCounts

TOLERANCE = 1e-10  # largest Newton step (logit units) at convergence: ~2e-8 Elo points
MAX_STEPS = 100


@dataclass(frozen=True)
class Scale:
    """Logit strengths -> ratings: ``theta * scale / ln(base) + center``, then optionally shifted
    so that ``anchor_model`` sits at ``anchor_rating`` (the same shift for estimate and bounds, so
    intervals keep their width; arena-rank reports unanchored ratings centred at 1000)."""

    scale: float = 400.0
    base: float = 10.0
    center: float = 1000.0
    anchor_model: str | None = None
    anchor_rating: float | None = None

    @property
    def alpha(self) -> float:
        return self.scale / math.log(self.base)

    def offset(self, models: list[str], theta: np.ndarray) -> float:
        """What to add to ``theta * alpha`` (the centre, or the anchoring shift)."""
        if self.anchor_model is None:
            return self.center
        if self.anchor_model not in models:
            raise InputError("--anchor", f"model '{self.anchor_model}' is not on the board "
                                         "(check the name, or lower --min-votes)")
        return float(self.anchor_rating or 0.0) - theta[models.index(self.anchor_model)] * self.alpha


@dataclass(frozen=True)
class Fit:
    theta: np.ndarray  # logit strengths, sum zero
    steps: int
    converged: bool


def pair_matrix(first: np.ndarray, second: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum over pairs of ``values_p (e_i - e_j)(e_i - e_j)'`` as a dense n x n matrix."""
    matrix = np.zeros((n, n))
    matrix[first, second] = -values  # pairs are unique, so plain assignment suffices
    matrix += matrix.T
    matrix[np.diag_indices(n)] = np.bincount(first, values, n) + np.bincount(second, values, n)
    return matrix


def incidence(pairs: PairCounts) -> coo_matrix:
    """pairs x models, +1 for the first model and -1 for the second (gradients are residuals
    times this)."""
    rows = np.arange(len(pairs.first))
    return coo_matrix((np.r_[np.ones(len(rows)), -np.ones(len(rows))],
                       (np.r_[rows, rows], np.r_[pairs.first, pairs.second])),
                      shape=(len(rows), pairs.n_models)).tocsr()


def check_connected(pairs: PairCounts) -> None:
    graph = coo_matrix((np.ones(len(pairs.first)), (pairs.first, pairs.second)),
                       shape=(pairs.n_models, pairs.n_models))
    groups, labels = connected_components(graph, directed=False)
    if groups > 1:
        sizes = np.bincount(labels)
        small = [pairs.models[i] for i in np.flatnonzero(labels != np.argmax(sizes))[:3]]
        raise InputError("votes", f"the models form {groups} groups that never meet (e.g. "
                                  f"{', '.join(small)}); ratings across groups are not comparable")


def check_not_separated(pairs: PairCounts) -> None:
    """A model that won (or lost) every vote has no finite maximum-likelihood rating."""
    n = pairs.n_models
    score = pairs.wins_first + pairs.ties / 2
    scored = np.bincount(pairs.first, score, n) + np.bincount(pairs.second, pairs.totals - score, n)
    extreme = np.flatnonzero((scored == 0) | (scored == pairs.votes_per_model()))
    if len(extreme):
        names = ", ".join(pairs.models[i] for i in extreme[:3])
        raise InputError("votes", f"{len(extreme)} model(s) won or lost every vote (e.g. {names}): "
                                  "no finite rating; add votes or raise --min-votes")


def log_likelihood(pairs: PairCounts, theta: np.ndarray) -> float:
    diff = theta[pairs.first] - theta[pairs.second]
    score = pairs.wins_first + pairs.ties / 2
    return float(np.sum(score * log_expit(diff) + (pairs.totals - score) * log_expit(-diff)))


def fit(pairs: PairCounts, start: np.ndarray | None = None) -> Fit:
    """Maximum-likelihood strengths (logit units, sum zero) by damped Newton steps."""
    check_connected(pairs)
    check_not_separated(pairs)
    n = pairs.n_models
    totals, score = pairs.totals, pairs.wins_first + pairs.ties / 2
    theta = np.zeros(n) if start is None else start - start.mean()
    current = log_likelihood(pairs, theta)
    for step in range(1, MAX_STEPS + 1):
        prob = expit(theta[pairs.first] - theta[pairs.second])
        residual = score - totals * prob
        gradient = np.bincount(pairs.first, residual, n) - np.bincount(pairs.second, residual, n)
        hessian = pair_matrix(pairs.first, pairs.second, totals * prob * (1 - prob), n)
        direction = np.linalg.solve(hessian + 1.0 / n, gradient)
        size = 1.0
        while True:  # backtrack only if a full step would lower the likelihood
            trial = log_likelihood(pairs, theta + size * direction)
            if trial >= current - 1e-9 * abs(current) or size < 1e-4:
                break
            size /= 2
        theta, current = theta + size * direction, trial
        if np.max(np.abs(size * direction)) < TOLERANCE:
            return Fit(theta - theta.mean(), step, True)
    return Fit(theta - theta.mean(), MAX_STEPS, False)
