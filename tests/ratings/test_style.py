"""Style control: coefficients recovered from votes generated with a known style effect, and the
cell pooling against an exact one-row-per-vote fit."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from scipy.optimize import minimize

from observatory.ratings import style
from observatory.ratings.board import RateOptions, rate


def _styled_votes(n: int, seed: int, beta: np.ndarray) -> tuple[pa.Table, np.ndarray]:
    rng = np.random.default_rng(seed)
    strength = np.linspace(-1, 1, 8)
    a, b = rng.integers(0, 8, n), rng.integers(0, 8, n)
    a, b = a[a != b], b[a != b]
    raw = {}
    for name in style.FEATURES.values():  # verbose models write longer, richer answers
        scale = 300 if name == "sum_assistant_tokens" else 4
        raw[f"{name}_a"] = rng.poisson(scale * (1 + 0.1 * a))
        raw[f"{name}_b"] = rng.poisson(scale * (1 + 0.1 * b))
    diff = np.column_stack([(raw[f"{c}_a"] - raw[f"{c}_b"]) / (raw[f"{c}_a"] + raw[f"{c}_b"] + 1)
                            for c in style.FEATURES.values()])
    normal = (diff - diff.mean(axis=0)) / diff.std(axis=0)
    p = 1 / (1 + np.exp(-(strength[a] - strength[b] + normal @ beta)))
    outcome = np.where(rng.random(len(a)) < p, "a", "b")
    names = [f"m{i}" for i in range(8)]
    table = pa.table({"model_a": [names[i] for i in a], "model_b": [names[i] for i in b],
                      "outcome": outcome.tolist(), **{k: v.tolist() for k, v in raw.items()}})
    return table, normal


def test_recovers_the_style_coefficients() -> None:
    beta = np.array([0.4, 0.15, 0.1, 0.0])
    votes, _ = _styled_votes(60_000, 1, beta)
    fit = style.fit_style(style.style_cells(votes))
    assert fit.converged
    assert fit.beta == pytest.approx(beta, abs=0.04)


def test_cells_agree_with_a_per_vote_fit() -> None:
    votes, normal = _styled_votes(8_000, 2, np.array([0.3, 0.1, 0.1, 0.05]))
    cells = style.style_cells(votes)
    fit = style.fit_style(cells, reg=0.0)
    names = sorted(set(votes.column("model_a").to_pylist()))
    a = np.array([names.index(m) for m in votes.column("model_a").to_pylist()])
    b = np.array([names.index(m) for m in votes.column("model_b").to_pylist()])
    y = (np.array(votes.column("outcome").to_pylist()) == "a").astype(float)

    def loss(params: np.ndarray) -> float:
        d = params[a] - params[b] + normal @ params[8:]
        return float(-np.sum(y * d - np.logaddexp(0, d)))

    exact = minimize(loss, np.zeros(12), method="BFGS", options={"gtol": 1e-8}).x
    theta = exact[:8] - exact[:8].mean()
    assert np.max(np.abs(fit.theta - theta)) * 400 / np.log(10) < 1.0  # Elo points
    assert fit.beta == pytest.approx(exact[8:], abs=0.01)


def test_rate_reports_both_boards_and_the_coefficients() -> None:
    votes, _ = _styled_votes(20_000, 3, np.array([0.4, 0.1, 0.1, 0.0]))
    rated = rate(votes, RateOptions(rounds=30, style_control=True))
    assert sorted(rated.boards["style_control"].unique()) == [False, True]
    assert rated.coefficients["feature"].tolist() == list(style.FEATURES)
    assert rated.coefficients["coefficient"].iloc[0] > 0.3
    assert rated.boards["rank_style"].notna().all()
