"""Hub commands: adoption views (Q5-Q7, Q10, Q11) and the fake Hub."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from observatory.cli.common import (
    AsOfOpt,
    BackendOpt,
    Fmt,
    FormatOpt,
    Window,
    check_name,
    observatory,
    out,
    parse_date,
    parse_window,
    refuse,
    render,
)

app = typer.Typer()


class Group(StrEnum):
    family = "family"
    org = "org"
    country = "country"


class OrgOrCountry(StrEnum):
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
        callback=check_name, help="Hub pipeline tag ('any' for all).")] = "text-generation",
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q5: the most-liked model of each organisation on the Hub at a date (and earlier)."""
    from observatory.metrics.likes import likes_notes

    then = parse_date(earlier, "--earlier")
    frame = observatory(backend).likes(parse_date(as_of), then,
                                       None if pipeline_tag == "any" else pipeline_tag)
    if fmt == Fmt.table:
        for line in likes_notes(frame, then):
            out.print(line, soft_wrap=True)
    render(frame, fmt, "Most-liked model per organisation",
           ["org_id", "country", "model_id", "likes", "snapshot_date", "earlier_model_id",
            "earlier_likes", "earlier_date"])


@app.command()
def downloads(
    ctx: typer.Context,
    by: Annotated[Group, typer.Option(help="family, org or country.")] = Group.family,
    crossings: Annotated[bool, typer.Option(
        "--crossings", help="Only the dates one group passed another.")] = False,
    artefacts: Annotated[bool, typer.Option(
        "--artefacts", help="Counts flagged per date: all-time downloads that decreased, "
        "30-day counts that dropped to zero, GGUF repositories.")] = False,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q6: cumulative (all-time) and 30-day downloads per group over the Hub snapshots.

    Downloader country is not public: by country means downloads OF models made BY
    developers in each country.
    """
    if artefacts:  # counts per date, of no group
        refuse(ctx, ["crossings", "by"], "not read with --artefacts (flagged counts per date)")
    obs = observatory(backend)
    if artefacts:
        render(obs.download_artefacts(), fmt, "Download artefacts (flagged, not hidden)")
    elif crossings:
        render(obs.download_crossings(by.value), fmt, f"Crossings by {by.value}")
    else:
        frame = obs.downloads(by.value)
        if fmt == Fmt.table:
            for line in obs.downloads_notes(by.value):
                out.print(line, soft_wrap=True)
        render(frame, fmt, f"Downloads by {by.value}")


@app.command()
def share(
    window: Annotated[Window, typer.Option(parser=parse_window, metavar="START:END",
                                           help="START:END, e.g. 2024-08-01:2025-08-01.")],
    by: Annotated[Group, typer.Option(help="country, org or family.")] = Group.country,
    first_year: Annotated[bool, typer.Option(
        "--first-year", help="EOI-style: count only downloads within a year of each model's "
        "creation.")] = False,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q7: share of Hub downloads by developer country over a window, with concentration (HHI).

    Downloader country is not public: this is the share of downloads OF models made BY
    developers from each country, from all-time counts in the snapshots at both ends.
    """
    from observatory.metrics.aggregates import share_notes
    from observatory.metrics.downloads import GROUPS

    frame = observatory(backend).share(window.start, window.end, by.value, first_year)
    if fmt == Fmt.table:
        for line in share_notes(frame, GROUPS[by.value]):
            out.print(line, soft_wrap=True)
    render(frame, fmt, f"Download share by {by.value}, {window}")


@app.command()
def licences(
    by: Annotated[OrgOrCountry, typer.Option(help="org or country.")] = OrgOrCountry.org,
    period: Annotated[Period, typer.Option(help="month, quarter or year.")] = Period.quarter,
    org: Annotated[str | None, typer.Option(callback=check_name,
                                            help="Only this organisation (org_id).")] = None,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q10: licence class mix (permissive / open-with-restrictions / non-commercial) of the models
    each organisation created per period."""
    obs = observatory(backend)
    frame = obs.licences(by.value, period.value, org)
    if fmt == Fmt.table:
        for line in obs.hub_scope():
            out.print(line, soft_wrap=True)
    render(frame, fmt, f"Licence classes by {by.value} and {period.value}")


class ArchSource(StrEnum):
    aa = "aa"
    hub = "hub"


@app.command()
def architecture(
    period: Annotated[Period, typer.Option(help="month, quarter or year.")] = Period.year,
    by: Annotated[OrgOrCountry, typer.Option(help="country or org.")] = OrgOrCountry.country,
    source: Annotated[ArchSource, typer.Option(
        help="aa (Artificial Analysis parameters) or hub (Hub configs).")] = ArchSource.aa,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="aa: the index snapshot on or before this date; hub: each Hub source's "
        "latest snapshot on or before it (YYYY-MM-DD).")] = None,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q11: mixture-of-experts share and total vs active parameters (billions) by country over
    time. From the Artificial Analysis index (--source aa: open-weight models of one snapshot by
    release period; MoE when fewer parameters are active than in total) or the Hub (--source
    hub: repositories by creation period; MoE from config.json: experts, architecture class,
    active vs total parameters). A model whose MoE status no evidence gives is left out of the
    share, not counted as dense."""
    obs = observatory(backend)
    frame = obs.architecture(period.value, by.value, source.value, parse_date(as_of))
    if fmt == Fmt.table and source == ArchSource.hub:
        for line in obs.hub_scope(parse_date(as_of)):
            out.print(line, soft_wrap=True)
    where = (f"Artificial Analysis snapshot of {frame['snapshot_date'].iloc[0]}, open-weight "
             "models by release" if source == ArchSource.aa else "Hub models by creation")
    render(frame, fmt, f"Architecture by {by.value} and {period.value} — {where}")


# Options pass straight through to the fake Hub's own parser (its --help too).
@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
             add_help_option=False)
def fakehub(ctx: typer.Context) -> None:
    """Serve a fake Hugging Face Hub with synthetic models on 127.0.0.1 (tests, demos, benchmarks).

    Options: --models N --seed S --port P --page-size K and fault flags (see --help).
    """
    from observatory.testing.fakehub import main

    raise typer.Exit(main(ctx.args))
