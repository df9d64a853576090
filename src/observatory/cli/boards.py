"""Board commands: leaders (Q1, Q12, Q13), lead-changes (Q2), gap (Q3), top (Q4)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from observatory import limits
from observatory.cli.common import (
    AsOfOpt,
    BackendOpt,
    BoardOpt,
    BoardSourceOpt,
    By,
    CategoryOpt,
    Fmt,
    FormatOpt,
    StyleOpt,
    VersionOpt,
    board_notes,
    observatory,
    parse_date,
    render,
    selection,
)

app = typer.Typer()

GROUP_COLUMN = {By.country: "country", By.org: "org_id"}


def change_columns(by: By) -> list[str]:
    group = GROUP_COLUMN[by]
    return ["last_date_before", "first_date_after", f"from_{group}", "from_model", f"to_{group}",
            "to_model", "margin", "solid_at_change", "solid_from"]


@app.command()
def leaders(
    by: Annotated[By, typer.Option(help="Group by country or org(anisation).")] = By.country,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    timeline: Annotated[bool, typer.Option(
        "--timeline", help="The country (or organisation, with --by org) of the best open model "
        "on every date (up to --as-of), and when the lead changed hands (with whether the change "
        "is statistically solid; with --format csv or json the timeline only: `lead-changes` "
        "gives the changes).")] = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Best open-weight model of each country (or organisation), with its 95% interval.

    'tied_with_next' is yes when this model's interval overlaps the next row's.
    """
    sel = selection(board, category, style_control, index_version, source)
    obs = observatory(backend)
    group = GROUP_COLUMN[by]
    if timeline:  # ends at --as-of when given, and its lead changes with it
        frame = obs.timeline(sel, by.value, parse_date(as_of))
        changes = obs.lead_changes(sel, by.value, parse_date(as_of)) if fmt == Fmt.table else None
        who = "Country" if by == By.country else "Organisation"
        render(frame, fmt, f"{who} of the best open model — {sel.describe()}",
               ["snapshot_date", group, *(["country"] if by == By.org else []), "model_name",
                "rating", "ci_low", "ci_high", f"runner_up_{group}", "runner_up_model", "margin",
                "solid"])
        if changes is not None:
            render(changes, Fmt.table, "Lead changes", change_columns(by))
        return
    frame = obs.leaders(by=by.value, as_of=parse_date(as_of), sel=sel)
    render(frame, fmt, f"Best open model by {by.value} — {sel.describe()}",
           ["snapshot_date", "position", group, *(["country"] if by == By.org else []),
            "model_name", "rating", "ci_low", "ci_high", "votes", "licence_class",
            "tied_with_next"])
    if fmt == Fmt.table:
        board_notes(frame, f"a {'country' if by == By.country else 'organisation'} not listed")


@app.command("lead-changes")
def lead_changes(
    by: Annotated[By, typer.Option(help="The lead of a country or an org(anisation).")]
    = By.country,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The changes up to this date (YYYY-MM-DD).")] = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """When the country (or organisation) of the best open model changed, and whether the
    change was statistically solid."""
    sel = selection(board, category, style_control, index_version, source)
    render(observatory(backend).lead_changes(sel, by.value, parse_date(as_of)), fmt,
           f"Lead changes — {sel.describe()}", change_columns(by))


@app.command()
def gap(
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Best open against best closed model on every date, with the gap's 95% interval."""
    sel = selection(board, category, style_control, index_version, source)
    render(observatory(backend).gap(sel), fmt, f"Open vs closed — {sel.describe()}",
           ["snapshot_date", "open_model", "open_rating", "closed_model", "closed_rating",
            "gap", "gap_low", "gap_high"])


class TopBy(StrEnum):
    country = "country"


@app.command()
def top(
    n: Annotated[int, typer.Option("--n", **limits.TOP_N.option(), help="How many models.")] = 10,
    open_only: Annotated[bool, typer.Option("--open/--all",
                                            help="Open-weight models only (default); --all "
                                            "includes closed models.")] = True,
    by: Annotated[TopBy | None, typer.Option(
        help="'country': how many of the top N each country holds.")] = None,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """The top-N models on a board with their organisations and countries."""
    sel = selection(board, category, style_control, index_version, source)
    obs = observatory(backend)
    kind = "open" if open_only else "all"
    if by == TopBy.country:
        render(obs.top_by_country(n, parse_date(as_of), open_only, sel), fmt,
               f"Top {n} ({kind}) by country — {sel.describe()}",
               ["snapshot_date", "country", "count", "share", "best_position", "models"])
        return
    frame = obs.top(n, parse_date(as_of), open_only, sel)
    render(frame, fmt, f"Top {n} ({kind}) — {sel.describe()}",
           ["snapshot_date", "position", "model_name", "org_name", "country", "rating",
            "ci_low", "ci_high", "votes", "licence_class"])
    if fmt == Fmt.table:
        board_notes(frame, "a model not listed")
