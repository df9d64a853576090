"""Hub commands: adoption metrics (Q5-Q7, Q10, Q11), the collection progress, the fake Hub."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from observatory.api import Observatory
from observatory.cli_common import AsOfOpt, Fmt, FormatOpt, err, out, parse_date
from observatory.errors import InputError
from observatory.hub_collect import HubOptions
from observatory.publish.tables import render

COMMANDS: list = []


def hub_command(function: object) -> object:
    COMMANDS.append(function)
    return function


def register(app: typer.Typer) -> None:
    for function in COMMANDS:
        app.command()(function)
    # Options pass straight through to the fake Hub's own parser (its --help too).
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
                add_help_option=False)(fakehub)


def collect_with_progress(obs: Observatory, options: HubOptions) -> None:
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


class Group(StrEnum):
    family = "family"
    org = "org"
    country = "country"


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


@hub_command
def likes(
    as_of: AsOfOpt = None,
    earlier: Annotated[str | None, typer.Option(
        help="Show the table at this earlier date beside it (YYYY-MM-DD).")] = None,
    pipeline_tag: Annotated[str, typer.Option(
        help="Hub pipeline tag ('any' for all).")] = "text-generation",
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Q5: the most-liked model of each organisation on the Hub at a date (and earlier)."""
    frame = Observatory().likes(parse_date(as_of), parse_date(earlier, "--earlier"),
                                None if pipeline_tag == "any" else pipeline_tag)
    render(frame, fmt.value, out, "Most-liked model per organisation",
           ["org_id", "country", "model_id", "likes", "snapshot_date", "earlier_model_id",
            "earlier_likes", "earlier_date"])


@hub_command
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


@hub_command
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
    start, end = parse_date(start_text, "--window"), parse_date(end_text or None, "--window")
    if start is None or end is None or start >= end:
        raise InputError("--window", f"expected START:END with START before END, got {window!r}")
    frame = Observatory().share(start, end, by.value, first_year)
    render(frame, fmt.value, out, f"Download share by {by.value}, {start} to {end}")


@hub_command
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


@hub_command
def architecture(
    period: Annotated[Period, typer.Option(help="month, quarter or year.")] = Period.year,
    by: Annotated[str, typer.Option(help="country or org.")] = "country",
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Q11: mixture-of-experts share and total vs active parameters by country over time."""
    frame = Observatory().architecture(period.value, by)
    render(frame, fmt.value, out, f"Architecture by {by} and {period.value}")


def fakehub(ctx: typer.Context) -> None:
    """Serve a fake Hugging Face Hub with synthetic models on 127.0.0.1 (tests, demos, benchmarks).

    Options: --models N --seed S --port P --page-size K and fault flags (see --help).
    """
    from observatory.testing.fakehub import main

    raise typer.Exit(main(ctx.args))


HUB_CHARTS = {"likes", "downloads", "share", "licences", "architecture"}


def hub_chart(obs: Observatory, kind: str, as_of: date | None, window: str | None,
               org: str | None) -> object:
    from observatory.publish import hub_charts

    if kind == "likes":
        return hub_charts.likes_chart(obs.likes(as_of), "Most-liked model per organisation")
    if kind == "downloads":
        return hub_charts.downloads_chart(obs.downloads("family"), "family",
                                          "All-time downloads by model family")
    if kind == "share":
        start_text, _, end_text = (window or "").partition(":")
        start, end = parse_date(start_text or None, "--window"), parse_date(end_text or None, "--window")
        if start is None or end is None:
            raise InputError("--window", "the share chart needs --window START:END")
        return hub_charts.share_chart(obs.share(start, end), "country",
                                      f"Download share by developer country, {start} to {end}")
    if kind == "licences":
        return hub_charts.licences_chart(obs.licences(org=org, period="quarter"),
                                         f"Licence classes of new models{' — ' + org if org else ''}")
    return hub_charts.architecture_chart(obs.architecture(), "country",
                                         "Share of mixture-of-experts models by country")
