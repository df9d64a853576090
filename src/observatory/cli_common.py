"""What every CLI module shares: consoles, output options, date parsing, report printing."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from observatory.api import ImportReport, Selection
from observatory.errors import InputError

SKIPPED_SHOWN = 5
CHANGE_COLUMNS = ["last_date_before", "first_date_after", "from_country", "from_model",
                  "to_country", "to_model", "margin", "solid_at_change", "solid_from"]
# Piped output gets wide lines rather than 80 columns of wrapped cells.
out = Console(width=None if Console().is_terminal else 200)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 200)



class Fmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Source(StrEnum):
    arena = "arena"
    aa = "aa"
    hub = "hub"


class Scope(StrEnum):
    full = "full"
    llm = "llm"
    orgs = "orgs"


class By(StrEnum):
    country = "country"
    org = "org"


FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output: table, csv or json.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Use each board's latest snapshot on or before this date (YYYY-MM-DD).")]
BoardOpt = Annotated[str, typer.Option(
    help="Board: text, vision, image, ... or 'aa' for the Artificial Analysis index.")]
CategoryOpt = Annotated[str, typer.Option(
    help="Category: full, coding, math, chinese, ... ('all' for every category). "
         "For --board aa: intelligence, coding or agentic.")]
StyleOpt = Annotated[bool, typer.Option("--style-control/--no-style-control",
                                        help="Use the style-controlled board.")]
BoardSourceOpt = Annotated[str | None, typer.Option(
    "--source", help="Read one board source only, e.g. observatory-bt for boards rated from votes "
    "with `observatory rate` (default: the published boards).")]
VersionOpt = Annotated[str | None, typer.Option(
    "--index-version", help="AA index version (default: the latest); never mixed.")]


def parse_date(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(option, f"not a date (YYYY-MM-DD): {value!r}") from None


def selection(board: str, category: str, style_control: bool,
              index_version: str | None, source: str | None = None) -> Selection:
    return Selection(board=board, category=None if category == "all" else category,
                     style_control=style_control, index_version=index_version, source=source)


def describe(sel: Selection) -> str:
    if sel.is_index:
        version = sel.index_version or "latest version"
        return f"Artificial Analysis {sel.index_name() or 'every'} index ({version})"
    style = ", style control" if sel.style_control else ""
    source = f", source {sel.source}" if sel.source else ""
    return f"{sel.board} board, category {sel.category or 'all'}{style}{source}"


def print_report(report: ImportReport) -> None:
    rows: dict[str, int] = {}
    for result in report.imported:
        for table, count in result.counts.items():
            rows[table] = rows.get(table, 0) + count
    summary = ", ".join(f"{count:,} {table}" for table, count in sorted(rows.items()))
    out.print(f"imported {len(report.imported)} snapshot(s)" + (f": {summary}" if summary else ""))
    for result in report.duplicates[:SKIPPED_SHOWN]:
        out.print(f"already in the store, nothing to do: {result.path} "
                  f"(snapshot {result.snapshot_id}, {result.snapshot_date})")
    if len(report.duplicates) > SKIPPED_SHOWN:
        out.print(f"... {len(report.duplicates)} file(s) in all were already in the store")
    if report.skipped:
        names = ", ".join(Path(path).name for path, _ in report.skipped[:SKIPPED_SHOWN])
        more = len(report.skipped) - SKIPPED_SHOWN
        err.print(f"skipped {len(report.skipped)} file(s) that are not leaderboard data: {names}"
                  + (f" and {more} more" if more > 0 else ""), soft_wrap=True)
