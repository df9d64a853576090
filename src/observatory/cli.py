"""The ``observatory`` command: parse arguments, call the library, print. Errors -> one line."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from observatory import __version__, cli_hub, cli_lineage, cli_ratings
from observatory.api import Observatory, Selection
from observatory.cli_common import (
    CHANGE_COLUMNS,
    AsOfOpt,
    BoardOpt,
    BoardSourceOpt,
    By,
    CategoryOpt,
    Fmt,
    FormatOpt,
    Scope,
    Source,
    StyleOpt,
    VersionOpt,
    describe,
    err,
    out,
    parse_date,
    print_report,
    selection,
)
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

        parsed, report = obs.parse_paths(paths, fmt, parse_date(snapshot_date, "--date"), advance)
        progress.update(task, description="writing snapshots")
        obs.write(parsed, report)
    print_report(report)
    cli_ratings.print_exclusions(parsed)


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
                              report=print_report, note=err.print)
    if "hub" in chosen:
        from observatory.hub_collect import HubOptions

        options = HubOptions(scope=scope.value, min_downloads=min_downloads, min_likes=min_likes,
                             enrich=enrich, page_size=page_size, timeout=timeout,
                             endpoint=endpoint or "")
        try:
            cli_hub.collect_with_progress(obs, options)
        except ObservatoryError as exc:
            failures.append(f"hub: {exc} (run the same command again to resume)")
    if failures:
        for line in failures[:-1]:
            err.print(f"error: {line}")
        raise ObservatoryError(failures[-1])


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
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Best open-weight model of each country (or organisation), with its 95% interval.

    'tied_with_next' is yes when this model's interval overlaps the next row's.
    """
    obs = Observatory()
    sel = selection(board, category, style_control, index_version, source)
    if timeline:
        frame = obs.timeline(sel)
        changes = obs.lead_changes(sel) if fmt == Fmt.table else None
        render(frame, fmt.value, out, f"Country of the best open model — {describe(sel)}",
               ["snapshot_date", "country", "model_name", "rating", "ci_low", "ci_high",
                "runner_up_country", "runner_up_model", "margin", "solid"])
        if changes is not None:
            render(changes, "table", out, "Lead changes", CHANGE_COLUMNS)
        return
    frame = obs.leaders(by=by.value, as_of=parse_date(as_of), sel=sel)
    group = "country" if by == By.country else "org_id"
    render(frame, fmt.value, out, f"Best open model by {by.value} — {describe(sel)}",
           ["snapshot_date", "position", group, *(["country"] if by == By.org else []),
            "model_name", "rating", "ci_low", "ci_high", "votes", "licence_class",
            "tied_with_next"])


@app.command("lead-changes")
def lead_changes(
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """When the country of the best open model changed, and whether it was statistically solid."""
    sel = selection(board, category, style_control, index_version, source)
    render(Observatory().lead_changes(sel), fmt.value, out, f"Lead changes — {describe(sel)}",
           CHANGE_COLUMNS)


@app.command()
def gap(
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Best open against best closed model on every date, with the gap's 95% interval."""
    sel = selection(board, category, style_control, index_version, source)
    render(Observatory().gap(sel), fmt.value, out, f"Open vs closed — {describe(sel)}",
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
    source: BoardSourceOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """The top-N models on a board with their organisations and countries."""
    if by not in (None, "country"):
        raise InputError("--by", f"expected 'country', got {by!r}")
    obs = Observatory()
    sel = selection(board, category, style_control, index_version, source)
    frame = obs.top(n, parse_date(as_of), open_only, sel)
    kind = "open" if open_only else "all"
    if by == "country":
        from observatory.metrics.top import top_by_country

        render(top_by_country(frame), fmt.value, out,
               f"Top {n} ({kind}) by country — {describe(sel)}",
               ["snapshot_date", "country", "count", "share", "best_position", "models"])
        return
    render(frame, fmt.value, out, f"Top {n} ({kind}) — {describe(sel)}",
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
    derivatives = "derivatives"
    tree = "tree"


@app.command()
def chart(
    kind: Annotated[ChartKind, typer.Argument(
        help="leaders (timeline), gap, top, likes, downloads, share, licences, architecture, "
             "derivatives (monthly shares by root country), tree (a model's derivatives; --model).")],
    out_path: Annotated[Path, typer.Option("--out", help="FILE.png, .svg, .html or .json")],
    n: Annotated[int, typer.Option("--n", min=1, help="For 'top'.")] = 10,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    window: Annotated[str | None, typer.Option(help="For 'share': START:END.")] = None,
    org: Annotated[str | None, typer.Option(help="For 'licences': one organisation.")] = None,
    model: Annotated[str | None, typer.Option(help="For 'tree': the model id.")] = None,
    by: Annotated[str, typer.Option(help="For 'derivatives': root-country, root-family, "
                                    "uploader-country, ...")] = "root-country",
) -> None:
    """Draw a chart (Altair). HTML files embed Vega and open offline."""
    obs = Observatory()
    sel = selection(board, category, style_control, index_version, source)
    if kind.value in cli_lineage.CHARTS:
        figure = cli_lineage.lineage_chart(obs, kind.value, model, by, parse_date(as_of))
    elif kind.value in cli_hub.HUB_CHARTS:
        figure = cli_hub.hub_chart(obs, kind.value, parse_date(as_of), window, org)
    elif kind == ChartKind.leaders:
        figure = charts.leaders_chart(obs.timeline(sel),
                                      f"Best open-weight model — {describe(sel)}")
    elif kind == ChartKind.gap:
        figure = charts.gap_chart(obs.gap(sel), f"Best open vs best closed — {describe(sel)}")
    else:
        figure = charts.top_chart(obs.top(n, parse_date(as_of), True, sel),
                                  f"Top {n} open-weight models — {describe(sel)}")
    out.print(f"wrote {charts.save(figure, out_path)}")


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
    failures = update_sources(obs, [s.value for s in Source], timeout, report=print_report,
                              note=err.print)
    try:
        sel = Selection()
        frame = obs.leaders(by="country", sel=sel)
        render(frame, "table", out, f"Best open model by country — {describe(sel)}",
               ["snapshot_date", "position", "country", "model_name", "rating", "ci_low",
                "ci_high", "votes", "tied_with_next"])
    except EmptyResultError:
        err.print("the store has no board data yet; import the shipped history with "
                  "`observatory import ../shared/data`")
    if failures:
        raise ObservatoryError(failures[-1])


cli_hub.register(app)
cli_lineage.register(app)
cli_ratings.register(app)

# Exception type -> prefix of the one line the user sees.
ERROR_PREFIXES: dict[type[ObservatoryError], str] = {
    InputError: "bad input",
    SourceUnreachableError: "unreachable",
    ConfigError: "configuration",
    StoreError: "store",
    RegistryError: "registry",
    EmptyResultError: "no data",
}


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
