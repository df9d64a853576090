"""What every command module shares: consoles, option types, the date and window parsers,
the import report printer, and the one way a command opens the library.

Nothing here loads Ibis, pandas or the network stack: ``observatory --help`` imports every
command module, and starts fast only if they stay light.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from observatory import limits
from observatory.errors import EXIT_USAGE, InputError
from observatory.registry.selection import Selection

if TYPE_CHECKING:
    import pandas as pd

    from observatory.api import Observatory
    from observatory.jobs.imports import ImportReport

SKIPPED_SHOWN = 5
# Piped output gets wide lines rather than 80 columns of wrapped cells.
out = Console(width=None if Console().is_terminal else 200)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 200)


class UsageError(typer.TyperException):
    """An option the command cannot honour as given (in this combination, or with this value
    not caught by its type): one ``usage:`` line and exit 2, as Typer's own usage errors."""

    exit_code = EXIT_USAGE


def given(ctx: typer.Context, *names: str) -> list[str]:
    """The options among ``names`` (parameter names) that the user gave, as their flags."""
    flags = {param.name: param.opts[0] for param in ctx.command.params}
    return [flags[name] for name in names
            if getattr(ctx.get_parameter_source(name), "name", None) in ("COMMANDLINE", "ENVIRONMENT")]


def refuse(ctx: typer.Context, names: list[str] | tuple[str, ...], why: str) -> None:
    """A usage error when the user gave any of these options: ``why`` says when they apply."""
    found = given(ctx, *names)
    if found:
        raise UsageError(f"{' and '.join(found)}: {why}")


def check_name(value: str | list[str] | None) -> str | list[str] | None:
    """A board, category, source, index version, organisation or tag: the API's pattern
    (``limits.NAME``), so the command line and the API accept the same names."""
    for one in [value] if isinstance(value, str) else value or []:
        if not re.fullmatch(limits.NAME, one):
            raise typer.BadParameter(f"expected a name (letters, digits, '_', '.' or '-', up to 64), "
                                     f"got {one!r}")
    return value


class Fmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


BackendOpt = Annotated[Engine | None, typer.Option(
    "--backend", show_default=False,
    help="The engine the query runs on: duckdb, or spark (the [spark] extra; where it runs is "
    "set by OBSERVATORY_SPARK_MASTER). Default: $OBSERVATORY_BACKEND, else duckdb.")]


class By(StrEnum):
    country = "country"
    org = "org"


def parse_date(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(option, f"not a date (YYYY-MM-DD): {value!r}") from None


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start} to {self.end}"


def parse_window(text: str) -> Window:
    """``START:END`` (ISO dates, START before END): the one parser of ``--window``."""
    start_text, _, end_text = text.partition(":")
    start = parse_date(start_text or None, "--window")
    end = parse_date(end_text or None, "--window")
    if start is None or end is None or start >= end:
        raise InputError("--window", f"expected START:END with START before END, got {text!r}")
    return Window(start, end)


def needs_window(window: Window | None) -> Window:
    if window is None:
        raise InputError("--window", "give the window as START:END, e.g. 2024-08-01:2025-08-01")
    return window


FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output: table, csv or json.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Use each board's latest snapshot on or before this date (YYYY-MM-DD).")]
BoardOpt = Annotated[str, typer.Option(
    callback=check_name,
    help="Board: text, vision, image, ... or 'aa' for the Artificial Analysis index.")]
CategoryOpt = Annotated[str, typer.Option(
    callback=check_name,
    help="Category: full, coding, math, chinese, ... ('all' for every category). "
         "For --board aa: intelligence, coding or agentic.")]
StyleOpt = Annotated[bool, typer.Option("--style-control/--no-style-control",
                                        help="Use the style-controlled board.")]
BoardSourceOpt = Annotated[str | None, typer.Option(
    "--source", callback=check_name, help="Read one board source only, e.g. observatory-bt for "
    "boards rated from votes with `observatory rate` (default: the published boards).")]
VersionOpt = Annotated[str | None, typer.Option(
    "--index-version", callback=check_name,
    help="AA index version (--board aa; default: the latest); never mixed.")]
WindowOpt = Annotated[Window | None, typer.Option(
    parser=parse_window, metavar="START:END",
    help="START:END, e.g. 2024-08-01:2025-08-01.")]


WaitOpt = Annotated[float, typer.Option(
    "--wait", min=0.0, max=86400.0, metavar="SECONDS",
    help="When another command is writing into the data home, wait up to this long for it "
    "(default 0: stop at once, exit 4, naming it).")]


def writing(obs: Observatory, wait: float) -> contextlib.AbstractContextManager[Path]:
    """Hold the data home's write lock for the whole command, saying whom it waits for."""

    def waiting(holder: str) -> None:
        err.print(f"waiting up to {wait:g} s for the data home's lock ({holder})", soft_wrap=True,
                  markup=False, highlight=False)

    return obs.writing(wait, waiting)


def selection(board: str, category: str, style_control: bool,
              index_version: str | None, source: str | None = None) -> Selection:
    """The board rows a view reads; an option the board cannot honour (``--index-version`` off
    the AA board, ``--style-control`` or ``--source`` on it) is a usage error."""
    sel = Selection(board=board, category=None if category == "all" else category,
                    style_control=style_control, index_version=index_version, source=source)
    problem = sel.problem()
    if problem is not None:
        field, why = problem
        raise UsageError(f"--{field.replace('_', '-')}: {why}")
    return sel


_OPENED: list[Observatory] = []


def observatory(backend: Engine | None = Engine.duckdb) -> Observatory:
    """The library on the data home. Views pass their ``--backend`` (None: the environment's
    ``$OBSERVATORY_BACKEND``, else DuckDB); jobs, which write the store, keep DuckDB. Imported
    here, on first use, so that ``--help`` and commands that never read the store do not load
    Ibis and pandas."""
    from observatory.api import Observatory

    opened = Observatory(backend=backend.value if backend else None)
    _OPENED.append(opened)
    return opened


def close_all() -> None:
    """Say what damaged snapshots the command's views left out (one line on stderr), then
    close the catalogs it opened: DuckDB shares one database per file within a process, and an
    open one would keep serving a catalog file since replaced (a command run in-process after
    another, as the tests and the README examples do)."""
    while _OPENED:
        opened = _OPENED.pop()
        for line in opened.damage_notes():
            err.print(line, soft_wrap=True, markup=False, highlight=False)
        opened.close()


def print_report(report: ImportReport) -> None:
    """What an import did: a summary line, then a line per file that lost rows, per damaged
    snapshot it replaced, per snapshot ``--replace`` removed; what was already stored and what
    was skipped; and an earlier import a kill had stopped."""
    if report.stopped:
        err.print(f"note: {report.stopped}", soft_wrap=True, markup=False, highlight=False)
    rows: dict[str, int] = {}
    for result in report.imported:
        for table, count in result.counts.items():
            rows[table] = rows.get(table, 0) + count
    summary = ", ".join(f"{count:,} {table}" for table, count in sorted(rows.items()))
    out.print(f"imported {len(report.imported)} snapshot(s)" + (f": {summary}" if summary else ""))
    for result in report.imported:
        if result.excluded:
            err.print(f"{Path(result.path).name}: {result.excluded} (examples in the snapshot's "
                      "manifest.json)", soft_wrap=True, markup=False, highlight=False)
        for folder in result.replaced:
            out.print(f"replaced {folder} with snapshot {result.snapshot_id} "
                      f"({result.snapshot_date}), logged in store.log", soft_wrap=True)
    for folder in report.removed:
        out.print(f"removed {folder} (replaced), logged in store.log", soft_wrap=True)
    for result in report.duplicates[:SKIPPED_SHOWN]:
        out.print(f"already in the store, nothing to do: {result.path} "
                  f"(snapshot {result.snapshot_id}, {result.snapshot_date})")
    if len(report.duplicates) > SKIPPED_SHOWN:
        out.print(f"... {len(report.duplicates)} file(s) in all were already in the store")
    if report.skipped:
        names = ", ".join(Path(path).name for path, _ in report.skipped[:SKIPPED_SHOWN])
        more = len(report.skipped) - SKIPPED_SHOWN
        err.print(f"skipped {len(report.skipped)} file(s) that are not leaderboard data "
                  f"(or in a format not read yet): {names}"
                  + (f" and {more} more" if more > 0 else ""), soft_wrap=True)


def board_notes(frame: pd.DataFrame, missing: str) -> None:
    """Under a table: ``metrics.freshness.board_notes`` (each board's date and age, and the
    partial ones)."""
    from datetime import date

    from observatory.metrics.freshness import board_notes as notes

    for line in notes(frame, missing, date.today()):
        out.print(line, soft_wrap=True)


def render(frame: pd.DataFrame | list[dict[str, Any]], fmt: Fmt, title: str | None = None,
           columns: list[str] | None = None) -> None:
    """Print a result (a frame, or records) to stdout as a table, CSV or JSON. Imported on
    first use: a command has loaded pandas by the time it has a result."""
    import pandas as pd

    from observatory.publish.tables import render as render_frame

    table = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
    render_frame(table, fmt.value, out, title, columns)
