"""Commands that move data into the store: import (files), update (live sources, the Hub) and
run (the main job: update, then show who leads)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from observatory import limits
from observatory.cli.common import (
    Fmt,
    UsageError,
    WaitOpt,
    err,
    observatory,
    out,
    parse_date,
    print_report,
    refuse,
    render,
    writing,
)
from observatory.errors import ObservatoryError, SourcesFailed

if TYPE_CHECKING:
    from observatory.api import Observatory
    from observatory.jobs.arena import FileDone
    from observatory.jobs.hub_collect import HubOptions
    from observatory.jobs.update import Outcome
    from observatory.metrics.headline import Headline

app = typer.Typer()


class Source(StrEnum):  # jobs.update.SOURCES
    arena = "arena"
    arena_catalog = "arena-catalog"
    aa = "aa"
    hub = "hub"


MAIN_JOB = (Source.arena, Source.aa, Source.hub)  # jobs.update.MAIN_JOB
HUB_OPTIONS = ("scope", "min_downloads", "min_likes", "enrich", "page_size", "endpoint")
TimeoutOpt = Annotated[float, typer.Option(
    **limits.TIMEOUT.option(), help="Seconds per request (Artificial Analysis, arena-catalog, the "
    "Hub collection; Arena's dataset on the Hub is read with huggingface_hub's own timeouts).")]


class BackfillSource(StrEnum):
    arena = "arena"
    hub_weekly = "hub-weekly"
    hub_stats = "hub-stats"


class Scope(StrEnum):
    full = "full"
    llm = "llm"
    orgs = "orgs"


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="Skip detection: lmarena-csv, arena-catalog, arena-scatterplot, "
        "hf-space-table, hf-space-elo-max, aa-llms-json, aa-compact-csv, aa-api-json.")] = None,
    snapshot_date: Annotated[str | None, typer.Option(
        "--date", help="Snapshot date when the file name does not carry one.")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="The files correct snapshots stored before: the same content stored "
        "under another date, or other content under the same file name and date. The new "
        "snapshots go in, the old ones are removed (logged in the data home's store.log).")]
    = False,
    wait: WaitOpt = 0.0,
) -> None:
    """Import leaderboard files (format detected from name and content) as snapshots.

    Every file is read and checked before anything is written: one bad file leaves the store
    unchanged. A snapshot dated after today is refused; rows with impossible values (a rating
    outside its own interval, negative votes, a value off its source's scale) are left out and
    counted, and a file mostly made of them is refused. Importing content already in the
    store is a no-op that says so, unless the stored copy is damaged: then it is replaced.
    """
    known_format(fmt)  # before anything is read: a file already stored is not read at all
    obs = observatory()
    with writing(obs, wait), Progress(
            TextColumn("[bold]reading"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
            transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("", total=None)

        def advance(path: Path) -> None:
            progress.update(task, advance=1, description=path.name)

        report = obs.import_paths(paths, fmt, parse_date(snapshot_date, "--date"), advance,
                                  replace)
    print_report(report)


def known_format(fmt: str | None) -> None:
    """An unknown ``import --format`` is a usage error."""
    if fmt is None:
        return
    from observatory.sources.detect import formats

    if fmt not in formats():
        raise UsageError(f"--format: unknown format {fmt!r}; known formats: {', '.join(formats())}")


def _print_outcome(outcome: Outcome) -> None:
    if outcome.report is not None:
        print_report(outcome.report)
    elif outcome.skipped is not None:
        err.print(f"skipped {outcome.source}: {outcome.skipped}", soft_wrap=True)


def _update(obs: Observatory, sources: list[str], timeout: float,
            named: bool = False) -> list[tuple[str, ObservatoryError]]:
    """Update each source in turn, printing its outcome as it ends; returns the failures.
    ``named``: the user asked for these sources by name, so one that cannot run for want of a
    key is a failure (exit 2), where the main job says it skipped it."""

    def heard(outcome: Outcome) -> None:
        if not (named and outcome.unconfigured is not None):  # else said with the failures
            _print_outcome(outcome)

    outcomes = obs.update(sources, timeout, on_outcome=heard)
    return [(o.source, o.error or o.unconfigured) for o in outcomes  # type: ignore[misc]
            if o.error is not None or (named and o.unconfigured is not None)]


def collect_with_progress(obs: Observatory, options: HubOptions) -> None:
    from observatory.jobs.hub_collect import expected_models

    total = expected_models(obs.store, obs.registry, options)
    columns = [TextColumn("[bold]hub"), BarColumn(), TextColumn("{task.completed:,} models"),
               TextColumn("{task.fields[rate]:,.0f}/s"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=total, rate=0.0)

        def advance(state: dict[str, Any]) -> None:
            speed = bar.tasks[0].speed or 0.0
            bar.update(task, completed=state["models"] + state.get("enriched", 0), rate=speed)

        result, run = obs.collect_hub(options, advance)
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
def update(
    ctx: typer.Context,
    source: Annotated[list[Source] | None, typer.Option(
        "--source", help="arena (the latest board of every arena from Arena's leaderboard dataset "
        "on the Hub), arena-catalog (LMArena's older arena-catalog files on GitHub), aa "
        "(Artificial Analysis; needs AA_API_KEY) and/or hub (Hugging Face Hub model metadata). "
        "Default: arena and aa.")] = None,
    timeout: TimeoutOpt = 30.0,
    scope: Annotated[Scope, typer.Option(
        help="Hub: full (every model), llm (text-generation and image-text-to-text) or orgs "
        "(the registry's organisations).")] = Scope.full,
    min_downloads: Annotated[int | None, typer.Option(
        **limits.MIN_DOWNLOADS.option(),
        help="Hub: keep models with at least this many downloads (last 30 days).")] = None,
    min_likes: Annotated[int | None, typer.Option(
        **limits.MIN_LIKES.option(), help="Hub: keep models with this many likes.")] = None,
    enrich: Annotated[int, typer.Option(
        **limits.ENRICH.option(),
        help="Hub: read config.json and safetensors of the N most-downloaded models "
        "(parameters, experts, architecture).")] = 0,
    page_size: Annotated[int, typer.Option(**limits.PAGE_SIZE.option(),
                                           help="Hub: models per page.")] = 1000,
    endpoint: Annotated[str | None, typer.Option(
        help="Hub base URL (default: $OBSERVATORY_HUB_URL, $HF_ENDPOINT or huggingface.co).")]
    = None,
    wait: WaitOpt = 0.0,
) -> None:
    """Fetch the current published boards (and Hub metadata) as today's snapshots.

    Base URLs: OBSERVATORY_HUB_URL (or HF_ENDPOINT), OBSERVATORY_ARENA_URL and OBSERVATORY_AA_URL
    override the public endpoints. The Hub collection checkpoints after every page: if it is interrupted, run
    the same command again to resume. HF_TOKEN is used when set and never written anywhere.
    """
    chosen = [s.value for s in (source or [Source.arena, Source.aa])]
    if Source.hub not in chosen:
        refuse(ctx, HUB_OPTIONS, "Hub options: add --source hub")
    obs = observatory()
    with writing(obs, wait):
        failures = _update(obs, [s for s in chosen if s != Source.hub], timeout,
                           named=bool(source))
        if Source.hub in chosen:
            from observatory.jobs.hub_collect import HubOptions

            options = HubOptions(scope=scope.value, min_downloads=min_downloads,
                                 min_likes=min_likes, enrich=enrich, page_size=page_size,
                                 timeout=timeout, endpoint=endpoint or "")
            try:
                collect_with_progress(obs, options)
            except ObservatoryError as exc:
                failures.append((Source.hub.value, exc))
    if failures:
        raise SourcesFailed(failures)


@app.command()
def run(
    timeout: TimeoutOpt = 30.0,
    force: Annotated[bool, typer.Option(
        "--force", help="Fetch again even when today's run already reached every source.")]
    = False,
    report: Annotated[bool, typer.Option(
        "--report/--no-report", help="Build the report site into the data home afterwards.")]
    = True,
    wait: WaitOpt = 0.0,
) -> None:
    """The main job: update every source, show who leads today, and build the report site.

    One screen: the best open model on the newest text board with its interval and whether its
    lead is statistically solid, the best open model of every country, the best open model on
    the newest Artificial Analysis index, the date and age of each, and a line per source that
    is stale (nothing new for more than 30 days) or could not be reached. Without a network it
    shows what the store holds, then the line that says why nothing new came. A run that finds
    today's run already done (every source reached) fetches nothing and says so; made for a
    daily schedule (cron, a systemd timer, CI: see docs/SCHEDULING.md). The report site
    (`observatory report`) is rebuilt into the data home's site folder and its path printed.
    """
    from datetime import UTC, datetime

    obs = observatory()
    sources = [s.value for s in MAIN_JOB]
    with writing(obs, wait):  # held for the whole job: a scheduled run never overlaps another
        done = obs.last_run()
        today = datetime.now(UTC).date().isoformat()
        if done is not None and done["date"] == today and not force:
            out.print(f"today's run already reached every source (finished "
                      f"{done.get('finished_at', today)}): nothing fetched; `observatory run "
                      "--force` fetches again", soft_wrap=True)
            failures: list[tuple[str, ObservatoryError]] = []
        else:
            before = len(obs.store.snapshot_folders())
            failures = _update(obs, sources, timeout)  # the Hub says why it is skipped
            if not failures:
                obs.record_run(sources, len(obs.store.snapshot_folders()) - before)
        found = obs.headline(sources)
        _print_headline(found)
        if report:  # under the lock: two runs never swap the site at once
            from observatory.cli.web import build_site

            try:
                out.print(f"report: {build_site(obs=obs)}", soft_wrap=True)
            except ObservatoryError as exc:  # said with the sources' failures, not instead
                if not failures:
                    raise
                failures.append(("report", exc))
    if failures:
        raise SourcesFailed(failures)


def _print_headline(found: Headline) -> None:
    if found.leaders is None:
        err.print(found.missing if found.missing and "no board data" not in found.missing else
                  "the store has no board data yet; import the shipped history with "
                  "`observatory import ../shared/data`", soft_wrap=True)
    for line in found.board:
        out.print(line, soft_wrap=True)
    if found.leaders is not None:
        render(found.leaders, Fmt.table, "Best open model by country",
               ["snapshot_date", "position", "country", "model_name", "rating", "ci_low",
                "ci_high", "votes", "tied_with_next"])
    for line in found.index + found.stale:
        out.print(line, soft_wrap=True)


@app.command()
def backfill(
    ctx: typer.Context,
    source: Annotated[BackfillSource, typer.Option(
        "--source", help="arena: every board Arena ever published (the full split of every "
        "subset of Arena's leaderboard dataset). hub-weekly: the whole Hub's model table week by "
        "week (hfmlsoc/hub_weekly_snapshots, ODbL-1.0). hub-stats: the same, day by day "
        "(cfahlgren1/hub-stats, Apache-2.0; reported taken down in August 2026).")]
    = BackfillSource.arena,
    subset: Annotated[list[str] | None, typer.Option(
        help="arena: only these subsets (text, text_style_control, vision, webdev, ...); "
        "repeatable.")] = None,
    since: Annotated[str | None, typer.Option(
        help="Hub: the first date to load (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(
        help="Hub: the last date to load (YYYY-MM-DD).")] = None,
    every: Annotated[str | None, typer.Option(
        help="Hub: one file per period, e.g. 7d or 2w (default: every weekly folder; a day a "
        "week of hub-stats).")] = None,
    wait: WaitOpt = 0.0,
) -> None:
    """Load a source's whole published history. Each publication becomes its own snapshot,
    dated by its publisher (Hub dumps: the folder's date or the commit's day), so running it
    again adds only what is new; an interrupted backfill goes on from where it stopped when
    the same command runs again. Hub dumps are read by HTTP range requests, only the columns
    the store needs."""
    if source is BackfillSource.arena:
        refuse(ctx, ["since", "until", "every"], "for the Hub's dumps (--source hub-weekly or "
               "hub-stats); --source arena loads every board, --subset picks arenas")
    else:
        refuse(ctx, ["subset"], "for --source arena")
    obs = observatory()
    with writing(obs, wait):
        _backfill(obs, source, subset, since, until, every)


def _backfill(obs: Any, source: BackfillSource, subset: list[str] | None, since: str | None,
              until: str | None, every: str | None) -> None:
    if source is not BackfillSource.arena:
        _backfill_hub(obs, source.value, since, until, every)
        return
    columns = [TextColumn("[bold]backfill"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.description}"), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def advance(done: FileDone) -> None:
            bar.update(task, completed=done.done, total=done.total, description=done.path)

        report = obs.backfill(source.value, subset, advance)
    print_report(report)


def _backfill_hub(obs: Any, source: str, since: str | None, until: str | None,
                  every: str | None) -> None:
    from observatory.jobs.hub_backfill import BackfillOptions, parse_every

    options = BackfillOptions(source, parse_date(since, "--since"), parse_date(until, "--until"),
                              parse_every(every) if every else None)
    columns = [TextColumn("[bold]{task.fields[file]}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("row groups · {task.fields[rows]:,} rows · {task.fields[rate]} · "
                          "{task.fields[mb]:,.0f} MB"), TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None, file="listing files", rows=0, rate="", mb=0.0)

        def advance(state: Any) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{state.rows / elapsed:,.0f} rows/s" if elapsed else ""
            bar.update(task, completed=state.groups_done, total=state.groups or None,
                       file=f"[{min(state.files_done + 1, state.files)}/{state.files}] "
                            f"{state.file}", rows=state.rows, rate=rate, mb=state.bytes / 1e6)

        report = obs.backfill_hub(options, advance)
    made = [r for r in report.results if not r.duplicate]
    rows = sum(r.counts.get("hub_models", 0) for r in made)
    out.print(f"imported {len(made)} Hub snapshot(s): {rows:,} hub_models rows"
              + (f" ({', '.join(r.snapshot_date for r in made)})" if made else ""))
    for result in report.results:
        if result.duplicate:
            out.print(f"already in the store, nothing to do: {result.snapshot_date} "
                      f"(snapshot {result.snapshot_id})")
    for name, why in report.skipped:
        out.print(f"skipped {name}: {why}")
    if report.bytes_declared:
        out.print(f"read {report.bytes_read / 1e6:,.1f} MB of {report.bytes_declared / 1e6:,.1f} "
                  f"MB ({report.bytes_read / report.bytes_declared:.1%}) by range requests")
    if report.retries:
        err.print("retried: " + ", ".join(f"{k} x{v}" for k, v in sorted(report.retries.items())))
