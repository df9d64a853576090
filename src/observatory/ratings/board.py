"""Votes table in, leaderboard tables out: category selection, fit, intervals, rank.

The boards have the ``board_entries`` columns, so a self-computed board is stored and read exactly
like an imported one (``observatory leaders --source observatory-bt``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from observatory.errors import EmptyResultError, InputError
from observatory.ratings import bt, intervals, style
from observatory.ratings.pairs import PairCounts, min_votes, pair_counts
from observatory.ratings.rank import rank_by_upper_bound, worst_rank

SOURCE = "observatory-bt"
FLAGS = {"coding": "coding", "math": "math", "creative_writing": "creative_writing",
         "if": "instruction_following", "instruction_following": "instruction_following",
         "hard_prompts": "hard_prompts", "hard_6": "hard_prompts"}
Progress = Callable[[int], None]


@dataclass(frozen=True)
class RateOptions:
    categories: tuple[str, ...] = ("full",)
    rounds: int = 1000
    seed: int = 0
    scale: bt.Scale = field(default_factory=bt.Scale)
    min_votes: int = 0
    style_control: bool = False
    interval: str = "bootstrap"  # bootstrap | sandwich
    level: float = 0.95
    board: str = "text"
    snapshot_date: date | None = None
    workers: int | None = None

    def method(self) -> dict[str, object]:
        """What the manifest records about how the board was computed."""
        return {"model": "bradley-terry", "ties": "half a win each way", "interval": self.interval,
                "bootstrap_rounds": self.rounds if self.interval == "bootstrap" else None,
                "seed": self.seed, "level": self.level, "min_votes": self.min_votes,
                "scale": self.scale.scale, "base": self.scale.base, "center": self.scale.center,
                "anchor": None if self.scale.anchor_model is None
                else {"model": self.scale.anchor_model, "rating": self.scale.anchor_rating},
                "categories": list(self.categories), "style_control": self.style_control}


@dataclass
class Rated:
    boards: pd.DataFrame  # board_entries columns (no snapshot_id) + rank_worst
    coefficients: pd.DataFrame  # category, feature, coefficient, ci_low, ci_high
    notes: dict[str, object]


def select_category(votes: pa.Table, category: str) -> pa.Table:
    """Votes of one category: full (all), a flag (coding, math, ...), multiturn, or a language."""
    name = category.lower()
    if name == "full":
        return votes
    column = FLAGS.get(name, "turns" if name == "multiturn" else "language")
    if column not in votes.column_names:
        raise EmptyResultError(f"no votes in category '{category}' (the votes have no {column})")
    if name in FLAGS:
        mask = pc.fill_null(votes.column(FLAGS[name]), False)
    elif name == "multiturn":
        mask = pc.fill_null(pc.greater(votes.column("turns"), 1), False)
    else:
        mask = pc.fill_null(pc.equal(pc.utf8_lower(votes.column("language")), name), False)
    chosen = votes.filter(mask)
    if chosen.num_rows == 0:
        raise EmptyResultError(f"no votes in category '{category}' (categories: full, "
                               f"{', '.join(sorted(FLAGS))}, multiturn, or a language)")
    return chosen


def latest_vote_date(votes: pa.Table) -> date | None:
    if "timestamp" not in votes.column_names:
        return None
    latest = pc.max(votes.column("timestamp")).as_py()
    return latest.date() if latest is not None else None


def _bounds(pairs: PairCounts, theta: np.ndarray, opts: RateOptions,
            progress: Progress | None) -> tuple[np.ndarray, np.ndarray]:
    if opts.interval == "sandwich":
        return intervals.normal_bounds(theta, intervals.sandwich(pairs, theta), opts.level)
    if opts.interval != "bootstrap":
        raise InputError("--interval", f"expected bootstrap or sandwich, got {opts.interval!r}")
    samples = intervals.bootstrap(pairs, theta, opts.rounds, opts.seed, opts.workers, progress)
    return intervals.percentile_bounds(samples, opts.level)


def board_rows(models: list[str], theta: np.ndarray, low: np.ndarray, high: np.ndarray,
               votes: np.ndarray, opts: RateOptions, category: str, style_control: bool,
               day: date) -> pd.DataFrame:
    offset = opts.scale.offset(models, theta)
    rating, ci_low, ci_high = (x * opts.scale.alpha + offset for x in (theta, low, high))
    frame = pd.DataFrame({
        "source": SOURCE, "board": opts.board, "category": category,
        "style_control": style_control, "snapshot_date": day, "model_key": models,
        "model_name": models, "rating": rating, "ci_low": ci_low, "ci_high": ci_high,
        "votes": votes.astype(np.int64), "rank": rank_by_upper_bound(ci_low, ci_high),
        "rank_style": pd.array([pd.NA] * len(models), dtype="Int64"),
        "org_label": None, "licence_label": None, "url": None,
        "rank_worst": worst_rank(ci_low, ci_high),
    })
    return frame.sort_values(["rank", "rating"], ascending=[True, False], ignore_index=True)


def rate_category(votes: pa.Table, category: str, opts: RateOptions, day: date,
                  progress: Progress | None = None) -> tuple[list[pd.DataFrame], pd.DataFrame,
                                                             dict]:
    chosen = select_category(votes, category)
    pairs = min_votes(pair_counts(chosen), opts.min_votes)
    if pairs.n_models < 2:
        raise EmptyResultError(f"category '{category}': fewer than 2 models with at least "
                               f"{opts.min_votes} votes")
    fit = bt.fit(pairs)
    low, high = _bounds(pairs, fit.theta, opts, progress)
    plain = board_rows(pairs.models, fit.theta, low, high, pairs.votes_per_model(), opts,
                       category, False, day)
    notes = {"votes": int(chosen.num_rows), "models": pairs.n_models, "pairs": len(pairs.first),
             "newton_steps": fit.steps, "converged": fit.converged}
    if not opts.style_control:
        return [plain], pd.DataFrame(), notes
    styled, coefficients, style_notes = _style_board(chosen, pairs.models, opts, category, day)
    rank_style = styled.set_index("model_key")["rank"]
    plain["rank_style"] = plain["model_key"].map(rank_style).astype("Int64")
    styled["rank_style"] = styled["rank"].astype("Int64")
    return [plain, styled], coefficients, {**notes, "style": style_notes}


def _style_board(votes: pa.Table, models: list[str], opts: RateOptions, category: str,
                 day: date) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    if not style.has_style(votes):
        raise InputError("votes", "style control needs response style features (token, header, "
                                  "list and bold counts of both responses); these votes have none")
    keep = pc.and_(pc.is_in(votes.column("model_a"), pa.array(models)),
                   pc.is_in(votes.column("model_b"), pa.array(models)))
    cells = style.style_cells(votes.filter(keep))
    fit = style.fit_style(cells)
    n = cells.n_models
    if opts.interval == "bootstrap":
        samples = style.style_bootstrap(cells, fit, opts.rounds, opts.seed)
        low, high = intervals.percentile_bounds(samples, opts.level)
    else:
        low, high = intervals.normal_bounds(np.r_[fit.theta, fit.beta],
                                            style.style_sandwich(cells, fit), opts.level)
    counts = PairCounts(cells.models, cells.first, cells.second, cells.counts,
                        np.zeros_like(cells.counts), np.zeros_like(cells.counts))
    board = board_rows(cells.models, fit.theta, low[:n], high[:n], counts.votes_per_model(), opts,
                       category, True, day)
    coefficients = pd.DataFrame({"category": category, "feature": list(style.FEATURES),
                                 "coefficient": fit.beta, "ci_low": low[n:], "ci_high": high[n:]})
    notes = {"cells": len(cells.counts), "votes_without_features": cells.excluded,
             "coefficients": dict(zip(style.FEATURES, map(float, fit.beta), strict=True)),
             "converged": fit.converged}
    return board, coefficients, notes


def votes_until(votes: pa.Table, day: date) -> pa.Table:
    """The votes cast on or before ``day`` (UTC). Votes without a time cannot be placed, so
    they are left out when the file has times at all; a file with no times is kept whole."""
    if "timestamp" not in votes.column_names or votes.column("timestamp").null_count == len(votes):
        return votes
    cutoff = pa.scalar(datetime.combine(day + timedelta(days=1), time.min, UTC),
                       votes.schema.field("timestamp").type)
    kept = votes.filter(pc.less(votes.column("timestamp"), cutoff))
    if kept.num_rows == 0:
        raise EmptyResultError(f"no votes on or before {day} (the earliest is "
                               f"{pc.min(votes.column('timestamp')).as_py():%Y-%m-%d})")
    return kept


def rate(votes: pa.Table, opts: RateOptions, progress: Progress | None = None) -> Rated:
    """Every requested category's board (and style-controlled board), one table; with a
    ``snapshot_date``, from the votes cast on or before it."""
    if opts.snapshot_date is not None:
        votes = votes_until(votes, opts.snapshot_date)
    day = opts.snapshot_date or latest_vote_date(votes) or date.today()
    frames, coefficient_frames, notes = [], [], {}
    for category in opts.categories:
        boards, coefficients, category_notes = rate_category(votes, category, opts, day, progress)
        frames.extend(boards)
        coefficient_frames.append(coefficients)
        notes[category] = category_notes
    coefficients = pd.concat(coefficient_frames, ignore_index=True)
    return Rated(pd.concat(frames, ignore_index=True), coefficients, notes)


def open_only(boards: pd.DataFrame) -> pd.DataFrame:
    """An attributed board (``open_weights`` column) cut to its open-weight models, ranked
    among themselves (rank by upper bound, worst rank)."""
    frames = []
    for _, group in boards[boards["open_weights"].fillna(False).astype(bool)].groupby(
            ["category", "style_control"], sort=False):
        low, high = group["ci_low"].to_numpy(), group["ci_high"].to_numpy()
        frames.append(group.assign(rank=rank_by_upper_bound(low, high),
                                   rank_worst=worst_rank(low, high)))
    if not frames:
        raise EmptyResultError("no open-weight model on the board (see `observatory registry "
                               "unknowns` for models the registry cannot attribute)")
    return pd.concat(frames).sort_values(["category", "style_control", "rank", "rating"],
                                         ascending=[True, True, True, False])
