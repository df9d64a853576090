"""Style control: Bradley–Terry plus coefficients on normalised style-feature differences.

The model (FastChat's ``compute_style_control``, arena-rank's contextual BT): the logit of "A beats
B" is ``theta_A - theta_B + beta . f`` where ``f`` holds, per feature (response tokens, markdown
headers, lists, bold), ``(a - b) / (a + b + 1)`` standardised over the votes. The style-controlled
board reports ``theta``: strength with response style held equal.

Keeping the optimiser off one row per vote: votes are pooled into cells of (pair, outcome, one
quantile bin per feature); a cell carries its vote count and the mean feature vector of its votes.
The outcome is constant in a cell, so the linear part of the log-likelihood is exact; the
softplus part is evaluated at the cell mean, which is exact to first order — the error is
``p(1-p)/2 * beta' S beta`` with S the within-cell feature spread, tiny for 8 bins per feature and
coefficients of a few tenths. Cells also make the bootstrap the same multinomial over cell counts
as the plain board. A small ridge (``reg``, FastChat's 0.5 on the summed loss) keeps beta finite
when a feature barely varies; it is negligible against thousands of votes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.special import expit, log_expit

from observatory.errors import InputError
from observatory.ratings.bt import MAX_STEPS, TOLERANCE, check_connected, pair_matrix
from observatory.ratings.intervals import HESSIAN_RIDGE, resample_counts
from observatory.ratings.pairs import PairCounts, model_codes, outcome_codes

FEATURES = {"length": "sum_assistant_tokens", "headers": "header_count", "lists": "list_count",
            "bold": "bold_count"}
BINS = 8
REG = 0.5
CELL_Y = np.array([1.0, 0.0, 0.5])  # first won, second won, tie


@dataclass(frozen=True)
class StyleCells:
    models: list[str]
    first: np.ndarray  # per cell
    second: np.ndarray
    y: np.ndarray  # 1, 0 or 0.5 for the first model
    counts: np.ndarray
    features: np.ndarray  # (cells, k) mean normalised differences, oriented first - second
    excluded: int  # votes without style features (left out of the style fit)

    @property
    def n_models(self) -> int:
        return len(self.models)


@dataclass(frozen=True)
class StyleFit:
    theta: np.ndarray
    beta: np.ndarray
    steps: int
    converged: bool


def has_style(votes: pa.Table) -> bool:
    names = [f"{column}_{side}" for column in FEATURES.values() for side in "ab"]
    return all(n in votes.column_names and votes.column(n).null_count < votes.num_rows
               for n in names)


def style_cells(votes: pa.Table, bins: int = BINS) -> StyleCells:
    columns = [f"{column}_{side}" for column in FEATURES.values() for side in "ab"]
    usable = np.ones(votes.num_rows, dtype=bool)
    for name in columns:
        usable &= votes.column(name).is_valid().to_numpy(zero_copy_only=False)
    if not usable.any():
        raise InputError("votes", "no vote carries style features (token and markdown counts)")
    kept = votes.filter(pa.array(usable))
    models, code_a, code_b = model_codes(kept)
    outcome = outcome_codes(kept)
    raw = []
    for column in FEATURES.values():
        a = pc.cast(kept.column(f"{column}_a"), pa.float64()).to_numpy()
        b = pc.cast(kept.column(f"{column}_b"), pa.float64()).to_numpy()
        raw.append((a - b) / (a + b + 1))
    diff = np.column_stack(raw)
    spread = diff.std(axis=0)
    diff = (diff - diff.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    a_first = code_a < code_b
    diff[~a_first] *= -1  # orient every vote as first - second
    first, second = np.minimum(code_a, code_b), np.maximum(code_a, code_b)
    cell = np.where(outcome >= 2, 2, np.where((outcome == 0) == a_first, 0, 1))
    key = (first.astype(np.int64) * len(models) + second) * 3 + cell
    for column in range(diff.shape[1]):
        edges = np.unique(np.quantile(diff[:, column], np.linspace(0, 1, bins + 1)[1:-1]))
        key = key * bins + np.searchsorted(edges, diff[:, column])
    keys, index = np.unique(key, return_inverse=True)
    counts = np.bincount(index).astype(np.float64)
    means = np.column_stack([np.bincount(index, diff[:, c]) for c in range(diff.shape[1])])
    means /= counts[:, None]
    head = keys // bins ** diff.shape[1]
    pair, cell_kind = head // 3, head % 3
    return StyleCells(models, pair // len(models), pair % len(models), CELL_Y[cell_kind], counts,
                      means, int(votes.num_rows - kept.num_rows))


def _logits(cells: StyleCells, theta: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return theta[cells.first] - theta[cells.second] + cells.features @ beta


def _objective(cells: StyleCells, theta: np.ndarray, beta: np.ndarray, reg: float) -> float:
    d = _logits(cells, theta, beta)
    score = cells.counts * cells.y
    return float(np.sum(score * log_expit(d) + (cells.counts - score) * log_expit(-d))
                 - reg * beta @ beta / 2)


def _hessian(cells: StyleCells, weight: np.ndarray, reg: float) -> np.ndarray:
    """Negative Hessian of the log-likelihood in (theta, beta), from per-cell weights."""
    n, k = cells.n_models, cells.features.shape[1]
    pair_key = cells.first * n + cells.second
    keys, index = np.unique(pair_key, return_inverse=True)
    per_pair = np.bincount(index, weight)
    top = pair_matrix(keys // n, keys % n, per_pair, n)
    weighted = cells.features * weight[:, None]
    cross = np.zeros((n, k))
    np.add.at(cross, cells.first, weighted)
    np.add.at(cross, cells.second, -weighted)
    bottom = cells.features.T @ weighted + reg * np.eye(k)
    return np.block([[top, cross], [cross.T, bottom]])


def _gradient(cells: StyleCells, residual: np.ndarray, beta: np.ndarray, reg: float) -> np.ndarray:
    n = cells.n_models
    g_theta = np.bincount(cells.first, residual, n) - np.bincount(cells.second, residual, n)
    return np.r_[g_theta, cells.features.T @ residual - reg * beta]


def _constraint(n: int, k: int) -> np.ndarray:
    """11'/n on the rating block: strengths are identified up to a shift only."""
    extra = np.zeros((n + k, n + k))
    extra[:n, :n] = 1.0 / n
    return extra


def fit_style(cells: StyleCells, reg: float = REG) -> StyleFit:
    check_connected(PairCounts(cells.models, cells.first, cells.second, cells.counts,
                               cells.counts, cells.counts))
    n, k = cells.n_models, cells.features.shape[1]
    theta, beta = np.zeros(n), np.zeros(k)
    current = _objective(cells, theta, beta, reg)
    for step in range(1, MAX_STEPS + 1):
        prob = expit(_logits(cells, theta, beta))
        gradient = _gradient(cells, cells.counts * (cells.y - prob), beta, reg)
        hessian = _hessian(cells, cells.counts * prob * (1 - prob), reg) + _constraint(n, k)
        direction = np.linalg.solve(hessian, gradient)
        size = 1.0
        while True:
            trial = _objective(cells, theta + size * direction[:n], beta + size * direction[n:], reg)
            if trial >= current - 1e-9 * abs(current) or size < 1e-4:
                break
            size /= 2
        theta, beta, current = theta + size * direction[:n], beta + size * direction[n:], trial
        if np.max(np.abs(size * direction)) < TOLERANCE:
            return StyleFit(theta - theta.mean(), beta, step, True)
    return StyleFit(theta - theta.mean(), beta, MAX_STEPS, False)


def style_sandwich(cells: StyleCells, fit: StyleFit, reg: float = REG,
                   ridge: float = HESSIAN_RIDGE) -> np.ndarray:
    """Robust standard errors of (theta, beta), as for the plain board (see ``intervals``)."""
    n, k = cells.n_models, cells.features.shape[1]
    prob = expit(_logits(cells, fit.theta, fit.beta))
    hessian = _hessian(cells, cells.counts * prob * (1 - prob), reg)
    hessian += np.eye(n + k) * ridge * cells.counts.sum()
    spread = _hessian(cells, cells.counts * (cells.y - prob) ** 2, 0.0)
    inverse = np.linalg.inv(hessian)
    return np.sqrt(np.clip(np.diag(inverse @ spread @ inverse), 0, None))


def style_bootstrap(cells: StyleCells, fit: StyleFit, rounds: int, seed: int, reg: float = REG,
                    chunk: int = 10) -> np.ndarray:
    """(rounds, models + features) refits on multinomial resamples of the cell counts, by
    chord-Newton steps from the estimate (see ``intervals``)."""
    n, k = cells.n_models, cells.features.shape[1]
    prob = expit(_logits(cells, fit.theta, fit.beta))
    inverse = np.linalg.inv(_hessian(cells, cells.counts * prob * (1 - prob), reg)
                            + _constraint(n, k))
    rng = np.random.default_rng(seed)
    out = []
    for start in range(0, rounds, chunk):
        counts = resample_counts(cells.counts, min(chunk, rounds - start), rng)
        params = np.repeat(np.r_[fit.theta, fit.beta][None, :], len(counts), axis=0)
        for _ in range(MAX_STEPS):
            d = (params[:, cells.first] - params[:, cells.second]
                 + params[:, n:] @ cells.features.T)
            residual = counts * (cells.y - expit(d))
            g_theta = np.stack([np.bincount(cells.first, r, n) - np.bincount(cells.second, r, n)
                                for r in residual])
            gradient = np.hstack([g_theta, residual @ cells.features - reg * params[:, n:]])
            step = gradient @ inverse
            params += step
            if np.max(np.abs(step)) < 1e-8:
                break
        params[:, :n] -= params[:, :n].mean(axis=1, keepdims=True)
        out.append(params)
    return np.vstack(out)
