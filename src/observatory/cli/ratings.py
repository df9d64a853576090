"""Ratings commands (Q16): rate pairwise votes into a board; simulate votes from a board."""

from __future__ import annotations

import contextlib
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from observatory import limits
from observatory.cli.common import (
    Fmt,
    FormatOpt,
    WaitOpt,
    check_name,
    err,
    observatory,
    out,
    parse_date,
    refuse,
    render,
    writing,
)
from observatory.errors import InputError

if TYPE_CHECKING:
    from observatory.ratings.bt import Scale

BOARD_COLUMNS = ["rank", "rank_worst", "model_name", "rating", "ci_low", "ci_high", "votes",
                 "org_id", "country", "open_weights"]


class Interval(StrEnum):
    bootstrap = "bootstrap"
    sandwich = "sandwich"


app = typer.Typer()


def parse_anchor(value: str | None) -> Scale:
    from observatory.ratings.bt import Scale

    if value is None:
        return Scale()
    model, sep, rating = value.rpartition("=")
    try:
        if sep and model:
            return Scale(anchor_model=model.strip(), anchor_rating=float(rating))
    except ValueError:
        pass
    raise InputError("--anchor", f"expected MODEL=RATING (e.g. gpt-4-0613=1160), got {value!r}")


@app.command()
def rate(
    ctx: typer.Context,
    votes: Annotated[str, typer.Argument(
        help="A vote file (.parquet/.jsonl arena release, clean-battle .json, or .csv with "
        "model_a, model_b, winner) or the id of a stored vote snapshot.")],
    category: Annotated[list[str] | None, typer.Option(
        callback=check_name, help="full (every vote), coding, math, creative_writing, if, "
        "hard_prompts, multiturn, or a language (english, chinese, ...). Repeat for several "
        "boards.")] = None,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", **limits.BOOTSTRAP_ROUNDS.option(),
        help="Bootstrap rounds (multinomial resamples of the pair counts).")]
    = 1000,
    seed: Annotated[int, typer.Option(**limits.SEED.option(),
                                      help="Seed of the bootstrap: same seed, same board.")] = 0,
    anchor: Annotated[str | None, typer.Option(
        help="MODEL=RATING: shift the board so MODEL sits at RATING (Elo-like scale 400, base "
        "10). Default: unanchored, centred at 1000 (arena-rank's convention).")] = None,
    min_votes: Annotated[int, typer.Option(
        "--min-votes", **limits.MIN_VOTES.option(), help="Leave out models with fewer votes.")]
    = 0,
    style_control: Annotated[bool, typer.Option(
        "--style-control", help="Also fit the style-controlled board (needs response token and "
        "markdown counts in the votes) and show the style coefficients.")] = False,
    open_weights: Annotated[bool, typer.Option(
        "--open-only", help="Show open-weight models only, ranked among themselves (the stored "
        "board keeps every model).")] = False,
    interval: Annotated[Interval, typer.Option(
        help="bootstrap (percentile) or sandwich (robust normal) 95% intervals.")]
    = Interval.bootstrap,
    board: Annotated[str, typer.Option(callback=check_name, help="Board name to store under.")]
    = "text",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Rate only the votes cast on or before this date (YYYY-MM-DD); the board "
        "is stored under it. Default: all votes, dated by the latest vote.")] = None,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Only print; write nothing (not the votes, not the board).")] = False,
    fmt: FormatOpt = Fmt.table,
    wait: WaitOpt = 0.0,
) -> None:
    """Rate pairwise votes: Bradley–Terry with 95% intervals, ranked by upper bound.

    Ties and both-bad votes count as half a win each way. 'rank' is 1 + the number of models
    whose lower bound is above this model's upper bound; 'rank_worst' the worst rank its interval
    allows. The board is stored like an imported one (source observatory-bt), so `observatory
    leaders --source observatory-bt` and the charts read it; the manifest records the method.
    """
    if interval == Interval.sandwich:  # a normal interval: no resampling, nothing to seed
        refuse(ctx, ["bootstrap", "seed"], "for --interval bootstrap")
    obs = observatory()
    with contextlib.nullcontext() if no_store else writing(obs, wait):
        _rate(obs, votes, category, bootstrap, seed, anchor, min_votes, style_control,
              open_weights, interval, board, as_of, no_store, fmt)


def _rate(obs: Any, votes: str, category: list[str] | None, bootstrap: int, seed: int,
          anchor: str | None, min_votes: int, style_control: bool, open_weights: bool,
          interval: Interval, board: str, as_of: str | None, no_store: bool, fmt: Fmt) -> None:
    from observatory.ratings.board import RateOptions, open_only

    options = RateOptions(categories=tuple(category or ["full"]), rounds=bootstrap, seed=seed,
                          scale=parse_anchor(anchor), min_votes=min_votes,
                          style_control=style_control, interval=interval.value, board=board,
                          snapshot_date=parse_date(as_of))
    # the votes are stored only once they rated: a refused rating writes nothing
    table, snapshot_id = obs.load_votes(votes, store=False)
    total = options.rounds * len(options.categories) if interval == Interval.bootstrap else None
    with Progress(TextColumn("[bold]bootstrap"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=total)
        rated = obs.rate(table, options, lambda n: bar.update(task, advance=n))
    boards = obs.attribute_board(rated.boards)
    if open_weights:
        boards = open_only(boards)
    for (name, styled), group in boards.groupby(["category", "style_control"], sort=False):
        title = f"{name} board{' (style control)' if styled else ''} from {table.num_rows:,} votes " \
                f"(snapshot {snapshot_id})"
        render(group, fmt, title, BOARD_COLUMNS)
    if style_control and not rated.coefficients.empty:
        render(rated.coefficients, fmt, "Style coefficients (logit per standard "
               "deviation of the normalised difference)", None)
    if no_store:
        return
    obs.load_votes(votes, store=True)  # a file already stored, or read again and stored now
    result = obs.store_board(rated, options, snapshot_id)
    verb = "already in the store" if result.duplicate else "stored"
    err.print(f"{verb}: board snapshot {result.snapshot_id} ({result.snapshot_date}); read it with "
              "`observatory leaders --source observatory-bt`", soft_wrap=True)


@app.command("simulate-votes")
def simulate_votes(
    from_board: Annotated[Path, typer.Option(
        "--from-board", help="A board file the Observatory imports (arena-catalog JSON, "
        "LMArena CSV); its ratings are the truth the votes are drawn from.")],
    n_votes: Annotated[int, typer.Option("--votes", **limits.VOTES.option(), help="How many votes.")],
    out_path: Annotated[Path, typer.Option("--out", help="FILE.parquet, .jsonl or .csv")],
    seed: Annotated[int, typer.Option(**limits.SEED.option(), help="Random seed.")] = 0,
    category: Annotated[str, typer.Option(
        callback=check_name, help="Which category's ratings to use.")] = "full",
    tie_rate: Annotated[float, typer.Option(
        **limits.TIE_RATE.option(), help="Tie probability between equally rated models.")] = 0.3,
    skew: Annotated[float, typer.Option(
        **limits.SKEW.option(), help="How much more often top models meet (0: every pair "
        "equally).")] = 1.0,
) -> None:
    """Draw synthetic votes from a published board (Bradley–Terry with ties; top models meet
    more often), for tests, benchmarks and checking that `rate` recovers a board."""
    votes, models = observatory().simulate_votes(from_board, out_path, n_votes, seed=seed,
                                                 category=category, tie_rate=tie_rate, skew=skew)
    out.print(f"wrote {votes.num_rows:,} votes among {models} models (category {category} of "
              f"{from_board.name}, seed {seed}) to {out_path}", soft_wrap=True)
