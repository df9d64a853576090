"""The ``observatory`` command: parse arguments, call the library, print. Errors -> one line."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from observatory import __version__
from observatory.api import ImportReport, Observatory, Selection
from observatory.errors import (
    ConfigError,
    EmptyResultError,
    InputError,
    ObservatoryError,
    RegistryError,
    SourceUnreachableError,
    StoreError,
)
from observatory.publish import charts
from observatory.publish.tables import render

app = typer.Typer(
    help="Open Weights Observatory: who leads open-weight AI, measured from public data.\n\n"
    "Data lives in $OBSERVATORY_HOME (default: the platform's user data dir).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
registry_app = typer.Typer(help="Inspect the organisation / country / licence registry.",
                           no_args_is_help=True)
store_app = typer.Typer(help="Inspect and maintain the snapshot store.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")
app.add_typer(store_app, name="store")

SKIPPED_SHOWN = 5
CHANGE_COLUMNS = ["last_date_before", "first_date_after", "from_country", "from_model",
                  "to_country", "to_model", "margin", "solid_at_change", "solid_from"]
# Piped output gets wide lines rather than 80 columns of wrapped cells.
out = Console(width=None if Console().is_terminal else 200)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 200)

# Exception type -> prefix of the one line the user sees.
ERROR_PREFIXES: dict[type[ObservatoryError], str] = {
    InputError: "bad input",
    SourceUnreachableError: "unreachable",
    ConfigError: "configuration",
    StoreError: "store",
    RegistryError: "registry",
    EmptyResultError: "no data",
}


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
VersionOpt = Annotated[str | None, typer.Option(
    "--index-version", help="AA index version (default: the latest); never mixed.")]


def _date(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(option, f"not a date (YYYY-MM-DD): {value!r}") from None


def _selection(board: str, category: str, style_control: bool,
               index_version: str | None) -> Selection:
    return Selection(board=board, category=None if category == "all" else category,
                     style_control=style_control, index_version=index_version)


def _describe(sel: Selection) -> str:
    if sel.is_index:
        version = sel.index_version or "latest version"
        return f"Artificial Analysis {sel.index_name() or 'every'} index ({version})"
    style = ", style control" if sel.style_control else ""
    return f"{sel.board} board, category {sel.category or 'all'}{style}"


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="Skip detection: lmarena-csv, arena-catalog, arena-scatterplot, "
        "hf-space-table, hf-space-elo-max, aa-llms-json, aa-compact-csv, aa-api-json.")] = None,
    snapshot_date: Annotated[str | None, typer.Option(
        "--date", help="Snapshot date when the file name does not carry one.")] = None,
) -> None:
    """Import leaderboard files (format detected from name and content) as snapshots.

    Every file is read and checked before anything is written: one bad file leaves the store
    unchanged. Importing content already in the store is a no-op that says so.
    """
    obs = Observatory()
    with Progress(TextColumn("[bold]reading"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("", total=None)

        def advance(path: Path) -> None:
            progress.update(task, advance=1, description=path.name)

        parsed, report = obs.parse_paths(paths, fmt, _date(snapshot_date, "--date"), advance)
        progress.update(task, description="writing snapshots")
        obs.write(parsed, report)
    _print_report(report)


def _print_report(report: ImportReport) -> None:
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


@app.command()
def update(
    source: Annotated[list[Source] | None, typer.Option(
        "--source", help="arena (LMArena's published boards), aa (Artificial Analysis; needs "
        "AA_API_KEY) and/or hub (Hugging Face Hub model metadata). Default: arena and aa.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 30.0,
    scope: Annotated[Scope, typer.Option(
        help="Hub: full (every model), llm (text-generation and image-text-to-text) or orgs "
        "(the registry's organisations).")] = Scope.full,
    min_downloads: Annotated[int | None, typer.Option(
        help="Hub: keep models with at least this many downloads (last 30 days).")] = None,
    min_likes: Annotated[int | None, typer.Option(help="Hub: keep models with this many likes.")]
    = None,
    enrich: Annotated[int, typer.Option(
        help="Hub: read config.json and safetensors of the N most-downloaded models "
        "(parameters, experts, architecture).")] = 0,
    page_size: Annotated[int, typer.Option(min=1, max=1000, help="Hub: models per page.")] = 1000,
    endpoint: Annotated[str | None, typer.Option(
        help="Hub base URL (default: $OBSERVATORY_HUB_URL, $HF_ENDPOINT or huggingface.co).")]
    = None,
) -> None:
    """Fetch the current published boards (and Hub metadata) as today's snapshots.

    Base URLs: OBSERVATORY_ARENA_URL, OBSERVATORY_AA_URL and OBSERVATORY_HUB_URL override the
    public endpoints. The Hub collection checkpoints after every page: if it is interrupted, run
    the same command again to resume. HF_TOKEN is used when set and never written anywhere.
    """
    from observatory.update import update_sources

    obs = Observatory()
    chosen = [s.value for s in (source or [Source.arena, Source.aa])]
    failures = update_sources(obs, [s for s in chosen if s != "hub"], timeout,
                              report=_print_report, note=err.print)
    if "hub" in chosen:
        from observatory.hub_collect import HubOptions

        options = HubOptions(scope=scope.value, min_downloads=min_downloads, min_likes=min_likes,
                             enrich=enrich, page_size=page_size, timeout=timeout,
                             endpoint=endpoint or "")
        try:
            _collect_hub(obs, options)
        except ObservatoryError as exc:
            failures.append(f"hub: {exc} (run the same command again to resume)")
    if failures:
        for line in failures[:-1]:
            err.print(f"error: {line}")
        raise ObservatoryError(failures[-1])


def _collect_hub(obs: Observatory, options: object) -> None:
    from rich.progress import TimeRemainingColumn

    from observatory.hub_collect import collect_hub, expected_models

    total = expected_models(obs, options)
    columns = [TextColumn("[bold]hub"), BarColumn(), TextColumn("{task.completed:,} models"),
               TextColumn("{task.fields[rate]:,.0f}/s"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=total, rate=0.0)

        def advance(state: dict) -> None:
            speed = bar.tasks[0].speed or 0.0
            bar.update(task, completed=state["models"] + state.get("enriched", 0), rate=speed)

        result, run = collect_hub(obs, options, advance)
    state = run.state
    verb = "already in the store" if result.duplicate else "imported"
    out.print(f"{verb}: hub snapshot {result.snapshot_id} ({result.snapshot_date}): "
              f"{result.counts['hub_models']:,} models from {state['pages']:,} pages"
              + (" (resumed)" if state.get("resumed") else ""))
    malformed = sum(state["malformed"].values())
    issues = sum(state["issues"]["counts"].values())
    if malformed or issues:
        err.print(f"{malformed:,} malformed record(s) skipped, {issues:,} field issue(s) nulled; "
                  "details in the snapshot's manifest.json")


@app.command()
def leaders(
    by: Annotated[By, typer.Option(help="Group by country or org(anisation).")] = By.country,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    timeline: Annotated[bool, typer.Option(
        "--timeline", help="The country of the best open model on every date, and when the "
        "lead changed hands (with whether the change is statistically solid).")] = False,
    index_version: VersionOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Best open-weight model of each country (or organisation), with its 95% interval.

    'tied_with_next' is yes when this model's interval overlaps the next row's.
    """
    obs = Observatory()
    sel = _selection(board, category, style_control, index_version)
    if timeline:
        frame = obs.timeline(sel)
        changes = obs.lead_changes(sel) if fmt == Fmt.table else None
        render(frame, fmt.value, out, f"Country of the best open model — {_describe(sel)}",
               ["snapshot_date", "country", "model_name", "rating", "ci_low", "ci_high",
                "runner_up_country", "runner_up_model", "margin", "solid"])
        if changes is not None:
            render(changes, "table", out, "Lead changes", CHANGE_COLUMNS)
        return
    frame = obs.leaders(by=by.value, as_of=_date(as_of), sel=sel)
    group = "country" if by == By.country else "org_id"
    render(frame, fmt.value, out, f"Best open model by {by.value} — {_describe(sel)}",
           ["snapshot_date", "position", group, *(["country"] if by == By.org else []),
            "model_name", "rating", "ci_low", "ci_high", "votes", "licence_class",
            "tied_with_next"])


@app.command("lead-changes")
def lead_changes(
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """When the country of the best open model changed, and whether it was statistically solid."""
    sel = _selection(board, category, style_control, index_version)
    render(Observatory().lead_changes(sel), fmt.value, out, f"Lead changes — {_describe(sel)}",
           CHANGE_COLUMNS)


@app.command()
def gap(
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Best open against best closed model on every date, with the gap's 95% interval."""
    sel = _selection(board, category, style_control, index_version)
    render(Observatory().gap(sel), fmt.value, out, f"Open vs closed — {_describe(sel)}",
           ["snapshot_date", "open_model", "open_rating", "closed_model", "closed_rating",
            "gap", "gap_low", "gap_high"])


@app.command()
def top(
    n: Annotated[int, typer.Option("--n", min=1, help="How many models.")] = 10,
    open_only: Annotated[bool, typer.Option("--open/--all",
                                            help="Open-weight models only (default).")] = True,
    by: Annotated[str | None, typer.Option(
        help="'country': how many of the top N each country holds.")] = None,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """The top-N models on a board with their organisations and countries."""
    if by not in (None, "country"):
        raise InputError("--by", f"expected 'country', got {by!r}")
    obs = Observatory()
    sel = _selection(board, category, style_control, index_version)
    frame = obs.top(n, _date(as_of), open_only, sel)
    kind = "open" if open_only else "all"
    if by == "country":
        from observatory.metrics.top import top_by_country

        render(top_by_country(frame), fmt.value, out,
               f"Top {n} ({kind}) by country — {_describe(sel)}",
               ["snapshot_date", "country", "count", "share", "best_position", "models"])
        return
    render(frame, fmt.value, out, f"Top {n} ({kind}) — {_describe(sel)}",
           ["snapshot_date", "position", "model_name", "org_name", "country", "rating",
            "ci_low", "ci_high", "votes", "licence_class"])


class ChartKind(StrEnum):
    leaders = "leaders"
    gap = "gap"
    top = "top"
    likes = "likes"
    downloads = "downloads"
    share = "share"
    licences = "licences"
    architecture = "architecture"


@app.command()
def chart(
    kind: Annotated[ChartKind, typer.Argument(
        help="leaders (timeline), gap, top, likes, downloads, share, licences, architecture.")],
    out_path: Annotated[Path, typer.Option("--out", help="FILE.png, .svg, .html or .json")],
    n: Annotated[int, typer.Option("--n", min=1, help="For 'top'.")] = 10,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    window: Annotated[str | None, typer.Option(help="For 'share': START:END.")] = None,
    org: Annotated[str | None, typer.Option(help="For 'licences': one organisation.")] = None,
) -> None:
    """Draw a chart (Altair). HTML files embed Vega and open offline."""
    obs = Observatory()
    sel = _selection(board, category, style_control, index_version)
    if kind in HUB_CHARTS:
        figure = _hub_chart(obs, kind, _date(as_of), window, org)
    elif kind == ChartKind.leaders:
        figure = charts.leaders_chart(obs.timeline(sel),
                                      f"Best open-weight model — {_describe(sel)}")
    elif kind == ChartKind.gap:
        figure = charts.gap_chart(obs.gap(sel), f"Best open vs best closed — {_describe(sel)}")
    else:
        figure = charts.top_chart(obs.top(n, _date(as_of), True, sel),
                                  f"Top {n} open-weight models — {_describe(sel)}")
    out.print(f"wrote {charts.save(figure, out_path)}")


class Group(StrEnum):
    family = "family"
    org = "org"
    country = "country"


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


@app.command()
def likes(
    as_of: AsOfOpt = None,
    earlier: Annotated[str | None, typer.Option(
        help="Show the table at this earlier date beside it (YYYY-MM-DD).")] = None,
    pipeline_tag: Annotated[str, typer.Option(
        help="Hub pipeline tag ('any' for all).")] = "text-generation",
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Q5: the most-liked model of each organisation on the Hub at a date (and earlier)."""
    frame = Observatory().likes(_date(as_of), _date(earlier, "--earlier"),
                                None if pipeline_tag == "any" else pipeline_tag)
    render(frame, fmt.value, out, "Most-liked model per organisation",
           ["org_id", "country", "model_id", "likes", "snapshot_date", "earlier_model_id",
            "earlier_likes", "earlier_date"])


@app.command()
def downloads(
    by: Annotated[Group, typer.Option(help="family, org or country.")] = Group.family,
    crossings: Annotated[bool, typer.Option(
        "--crossings", help="Only the dates one group passed another.")] = False,
    artefacts: Annotated[bool, typer.Option(
        "--artefacts", help="Counts flagged per date: all-time downloads that decreased, "
        "30-day counts that dropped to zero, GGUF repositories.")] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Q6: cumulative (all-time) and 30-day downloads per group over the Hub snapshots.

    Downloader country is not public: by country means downloads OF models made BY
    developers in each country.
    """
    obs = Observatory()
    if artefacts:
        render(obs.download_artefacts(), fmt.value, out, "Download artefacts (flagged, not hidden)")
    elif crossings:
        render(obs.download_crossings(by.value), fmt.value, out, f"Crossings by {by.value}")
    else:
        render(obs.downloads(by.value), fmt.value, out, f"Downloads by {by.value}")


@app.command()
def share(
    window: Annotated[str, typer.Option(help="START:END, e.g. 2024-08-01:2025-08-01.")],
    by: Annotated[Group, typer.Option(help="country, org or family.")] = Group.country,
    first_year: Annotated[bool, typer.Option(
        "--first-year", help="EOI-style: count only downloads within a year of each model's "
        "creation.")] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Q7: share of Hub downloads by developer country over a window, with concentration (HHI).

    Downloader country is not public: this is the share of downloads OF models made BY
    developers from each country, from all-time counts in the snapshots at both ends.
    """
    start_text, _, end_text = window.partition(":")
    start, end = _date(start_text, "--window"), _date(end_text or None, "--window")
    if start is None or end is None or start >= end:
        raise InputError("--window", f"expected START:END with START before END, got {window!r}")
    frame = Observatory().share(start, end, by.value, first_year)
    render(frame, fmt.value, out, f"Download share by {by.value}, {start} to {end}")


@app.command()
def licences(
    by: Annotated[str, typer.Option(help="org or country.")] = "org",
    period: Annotated[Period, typer.Option(help="month, quarter or year.")] = Period.quarter,
    org: Annotated[str | None, typer.Option(help="Only this organisation (org_id).")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Q10: licence class mix (permissive / open-with-restrictions / non-commercial) of the models
    each organisation created per period."""
    frame = Observatory().licences(by, period.value, org)
    render(frame, fmt.value, out, f"Licence classes by {by} and {period.value}")


@app.command()
def architecture(
    period: Annotated[Period, typer.Option(help="month, quarter or year.")] = Period.year,
    by: Annotated[str, typer.Option(help="country or org.")] = "country",
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Q11: mixture-of-experts share and total vs active parameters by country over time."""
    frame = Observatory().architecture(period.value, by)
    render(frame, fmt.value, out, f"Architecture by {by} and {period.value}")


@app.command()
def fakehub(
    models: Annotated[int, typer.Option("--models", min=1, help="How many models.")] = 10000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = 0,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 0,
) -> None:
    """Serve a fake Hugging Face Hub with synthetic models on 127.0.0.1 (for tests and demos)."""
    from observatory.testing import fakehub as fake

    fake.main(["--models", str(models), "--seed", str(seed), "--port", str(port)])


HUB_CHARTS = {ChartKind.likes, ChartKind.downloads, ChartKind.share, ChartKind.licences,
              ChartKind.architecture}


def _hub_chart(obs: Observatory, kind: ChartKind, as_of: date | None, window: str | None,
               org: str | None) -> object:
    from observatory.publish import hub_charts

    if kind == ChartKind.likes:
        return hub_charts.likes_chart(obs.likes(as_of), "Most-liked model per organisation")
    if kind == ChartKind.downloads:
        return hub_charts.downloads_chart(obs.downloads("family"), "family",
                                          "All-time downloads by model family")
    if kind == ChartKind.share:
        start_text, _, end_text = (window or "").partition(":")
        start, end = _date(start_text or None, "--window"), _date(end_text or None, "--window")
        if start is None or end is None:
            raise InputError("--window", "the share chart needs --window START:END")
        return hub_charts.share_chart(obs.share(start, end), "country",
                                      f"Download share by developer country, {start} to {end}")
    if kind == ChartKind.licences:
        return hub_charts.licences_chart(obs.licences(org=org, period="quarter"),
                                         f"Licence classes of new models{' — ' + org if org else ''}")
    return hub_charts.architecture_chart(obs.architecture(), "country",
                                         "Share of mixture-of-experts models by country")


@registry_app.command("unknowns")
def registry_unknowns(fmt: FormatOpt = Fmt.table) -> None:
    """Models in the store that the registry cannot attribute (organisation, country or
    open/closed), with how many rows each covers."""
    frame = Observatory().unknowns()
    render(frame, fmt.value, out, f"{len(frame)} unattributed model(s)",
           ["table", "source", "model_key", "label", "missing", "rows", "last_date"])


@registry_app.command("files")
def registry_files() -> None:
    """The registry files in use: shipped first, then the user's overrides."""
    for path in Observatory().registry.sources:
        out.print(path)


@store_app.command("list")
def store_list(fmt: FormatOpt = Fmt.table) -> None:
    """Every snapshot in the store."""
    obs = Observatory()
    render(obs.snapshots(), fmt.value, out, f"Snapshots in {obs.store.home}")


@store_app.command("rebuild")
def store_rebuild() -> None:
    """Rebuild the DuckDB catalog from the snapshots (it is only a cache)."""
    from observatory.store import catalog

    counts = catalog.rebuild(Observatory().store)
    out.print(", ".join(f"{count:,} {table}" for table, count in counts.items()))


@app.command()
def run(
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 30.0,
) -> None:
    """The main job: update every source, then show who leads (country of the best open model)."""
    from observatory.update import update_sources

    obs = Observatory()
    failures = update_sources(obs, [s.value for s in Source], timeout, report=_print_report,
                              note=err.print)
    try:
        sel = Selection()
        frame = obs.leaders(by="country", sel=sel)
        render(frame, "table", out, f"Best open model by country — {_describe(sel)}",
               ["snapshot_date", "position", "country", "model_name", "rating", "ci_low",
                "ci_high", "votes", "tied_with_next"])
    except EmptyResultError:
        err.print("the store has no board data yet; import the shipped history with "
                  "`observatory import ../shared/data`")
    if failures:
        raise ObservatoryError(failures[-1])


def _version(value: bool) -> None:
    if value:
        out.print(f"observatory {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version,
                                                is_eager=True, help="Show the version.")] = False,
          ) -> None:
    pass


def main() -> None:
    try:
        app()
    except ObservatoryError as exc:
        prefix = next((p for t, p in ERROR_PREFIXES.items() if isinstance(exc, t)), "error")
        err.print(f"{prefix}: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted; nothing half-written (snapshots appear whole or not at all)")
        sys.exit(130)


if __name__ == "__main__":
    main()
