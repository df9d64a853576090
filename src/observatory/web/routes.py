"""The read-only JSON API: the CLI's views with the CLI's options, validated by type (dates,
bounded numbers, closed choices, names matched against a pattern). A value reaches the library
as a Python value, and the library's queries carry it as a literal: no request text becomes SQL.

Every response: ``{"view", "query", "method_version", "provenance", "notes", "rows"}``; the rows
are the CLI's ``--format json`` rows, with their provenance columns (source, snapshot_date,
snapshot_id, dated_by where the view has them). Nothing in a response names a path of the machine:
the snapshot list gives each origin as a URL or a file's name, and notes and errors name the data
home as published files do (``config.public_text``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

import orjson
import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request, Response

from observatory import METHOD_VERSION, limits
from observatory.api import Observatory
from observatory.config import public_text
from observatory.errors import EmptyResultError, InputError, ObservatoryError
from observatory.publish.tables import records
from observatory.registry.selection import Selection
from observatory.web.live import Live
from observatory.web.site import provenance

NAME = limits.NAME  # board, category, source, index version, org, tag: the command line's too

Board = Annotated[str, Query(pattern=NAME, description="text, vision, ... or aa (the Artificial "
                             "Analysis index)")]
Category = Annotated[str, Query(pattern=NAME, description="full, coding, ... ('all' for every "
                                "category); for board=aa: intelligence, coding or agentic")]
StyleControl = Annotated[bool, Query(description="the style-controlled board")]
IndexVersion = Annotated[str | None, Query(pattern=NAME, description="AA index version")]
BoardSource = Annotated[str | None, Query(pattern=NAME, description="one board source only, "
                                          "e.g. observatory-bt")]
AsOf = Annotated[date | None, Query(description="each board's latest snapshot on or before")]
ByGroup = Literal["country", "org"]

router = APIRouter(prefix="/api")


def _selection(board: str, category: str, style_control: bool, index_version: str | None,
               source: str | None) -> Selection:
    """The board rows a view reads; a parameter the board cannot honour is a 422, as on the
    command line (``Selection.problem``)."""
    sel = Selection(board=board, category=None if category == "all" else category,
                    style_control=style_control, index_version=index_version, source=source)
    problem = sel.problem()
    if problem is not None:
        raise HTTPException(422, f"{problem[0]}: {problem[1]}")
    return sel


def _query(values: dict[str, Any]) -> dict[str, Any]:
    """The validated parameters (an endpoint's arguments but the request) as JSON values: the
    cache key and the ``query`` echoed back, so an unknown parameter or a spelled-out default
    is the same query."""
    return {name: value.isoformat() if isinstance(value, date) else
            list(value) if isinstance(value, list | tuple) else value
            for name, value in sorted(values.items()) if name != "request"}


async def _answer(request: Request, view: str, query: dict[str, Any],
                  compute: Callable[[Observatory], pd.DataFrame],
                  notes: Callable[[Observatory, pd.DataFrame], list[str]] | None = None,
                  basis: Callable[[Observatory], list[pd.DataFrame]] | None = None) -> Response:
    """The view's rows as JSON, computed once per query and store version: a kept answer is
    sent from the event loop, a new one computed on a worker thread. ``basis``: what else the
    view read, when its rows do not say their snapshots (for the provenance)."""
    key = ("api", view, json.dumps(query, sort_keys=True))

    def run(obs: Observatory, _site: Any) -> bytes:
        obs.catalog.start_reads()  # the damaged snapshots this view (not an earlier one) left out
        frame = compute(obs)
        said = [*(notes(obs, frame) if notes else []), *obs.damage_notes()]
        return orjson.dumps({"view": view, "query": query, "method_version": METHOD_VERSION,
                             "provenance": provenance([frame, *(basis(obs) if basis else [])]),
                             "notes": [public_text(str(note), obs.store.home) for note in said],
                             "rows": records(frame)})

    live: Live = request.app.state.live
    try:
        body = await live.answer(key, run)
    except ObservatoryError as exc:
        status = 422 if isinstance(exc, InputError) else 404 if isinstance(
            exc, EmptyResultError) else 409
        raise HTTPException(status, public_text(str(exc), live.obs.store.home)) from exc
    return Response(body, media_type="application/json")


@router.get("/leaders", summary="Q1, Q12, Q13: best open model of each country or organisation")
async def leaders(request: Request, by: ByGroup = "country", as_of: AsOf = None, board: Board = "text",
                  category: Category = "full", style_control: StyleControl = False,
                  index_version: IndexVersion = None, source: BoardSource = None) -> Response:
    query = _query(locals())
    sel = _selection(board, category, style_control, index_version, source)
    return await _answer(request, "leaders", query, lambda obs: obs.leaders(by, as_of, sel))


@router.get("/timeline", summary="Q1, Q2: the best open model on every date")
async def timeline(request: Request, by: ByGroup = "country", board: Board = "text",
                   category: Category = "full", style_control: StyleControl = False,
                   index_version: IndexVersion = None, source: BoardSource = None,
                   as_of: Annotated[date | None, Query(description="the last date")] = None
                   ) -> Response:
    query = _query(locals())
    sel = _selection(board, category, style_control, index_version, source)
    return await _answer(request, "timeline", query, lambda obs: obs.timeline(sel, by, as_of))


@router.get("/lead-changes", summary="Q2: when the lead changed hands, and whether solidly")
async def lead_changes(request: Request, by: ByGroup = "country", board: Board = "text",
                       category: Category = "full", style_control: StyleControl = False,
                       index_version: IndexVersion = None, source: BoardSource = None,
                       as_of: Annotated[date | None, Query(description="the timeline's last date")]
                       = None) -> Response:
    query = _query(locals())
    sel = _selection(board, category, style_control, index_version, source)
    return await _answer(request, "lead-changes", query,
                         lambda obs: obs.lead_changes(sel, by, as_of),
                         basis=lambda obs: [obs.timeline(sel, by, as_of)])


@router.get("/gap", summary="Q3: best open against best closed, with the gap's interval")
async def gap(request: Request, board: Board = "text", category: Category = "full",
              style_control: StyleControl = False, index_version: IndexVersion = None,
              source: BoardSource = None) -> Response:
    query = _query(locals())
    sel = _selection(board, category, style_control, index_version, source)
    return await _answer(request, "gap", query, lambda obs: obs.gap(sel))


@router.get("/top", summary="Q4: the top-N models on a board, with their countries")
async def top(request: Request, n: Annotated[int, Query(**limits.TOP_N.query())] = 10,
              open_only: Annotated[bool, Query(description="open-weight models only")] = True,
              by: Literal["country"] | None = None, as_of: AsOf = None, board: Board = "text",
              category: Category = "full", style_control: StyleControl = False,
              index_version: IndexVersion = None, source: BoardSource = None) -> Response:
    query = _query(locals())
    sel = _selection(board, category, style_control, index_version, source)
    if by == "country":
        return await _answer(request, "top", query,
                             lambda obs: obs.top_by_country(n, as_of, open_only, sel),
                             basis=lambda obs: [obs.top(n, as_of, open_only, sel)])
    return await _answer(request, "top", query, lambda obs: obs.top(n, as_of, open_only, sel))


@router.get("/org-ranks", summary="Q1, Q12: each organisation's best open model's rank over time")
async def org_ranks(request: Request, orgs: Annotated[int, Query(**limits.ORG_RANKS.query())] = 10,
                    board: Board = "text", category: Category = "full",
                    style_control: StyleControl = False, index_version: IndexVersion = None,
                    source: BoardSource = None) -> Response:
    query = _query(locals())
    sel = _selection(board, category, style_control, index_version, source)
    return await _answer(request, "org-ranks", query, lambda obs: obs.org_ranks(sel, orgs))


@router.get("/likes", summary="Q5: the most-liked model of each organisation on the Hub")
async def likes(request: Request, as_of: AsOf = None,
                earlier: Annotated[date | None, Query(description="the table at this date beside")]
                = None,
                pipeline_tag: Annotated[str, Query(pattern=NAME, description="'any' for all")]
                = "text-generation") -> Response:
    query = _query(locals())
    from observatory.metrics.likes import likes_notes

    tag = None if pipeline_tag == "any" else pipeline_tag
    return await _answer(request, "likes", query, lambda obs: obs.likes(as_of, earlier, tag),
                         lambda obs, frame: likes_notes(frame, earlier))


@router.get("/downloads", summary="Q6: all-time and 30-day downloads per group and date")
async def downloads(request: Request, by: Literal["family", "org", "country"] = "family",
                    crossings: Annotated[bool, Query(description="only the dates one group passed "
                                                     "another")] = False) -> Response:
    query = _query(locals())
    if crossings:
        return await _answer(request, "downloads", query, lambda obs: obs.download_crossings(by))
    return await _answer(request, "downloads", query, lambda obs: obs.downloads(by),
                         lambda obs, frame: obs.downloads_notes(by))


@router.get("/share", summary="Q7: share of downloads by developer country over a window")
async def share(request: Request, start: Annotated[date, Query(description="the window's start")],
                end: Annotated[date, Query(description="the window's end (after start)")],
                by: Literal["country", "org", "family"] = "country",
                first_year: Annotated[bool, Query(description="only downloads within a year of each "
                                                  "model's creation")] = False) -> Response:
    query = _query(locals())
    from observatory.metrics.aggregates import share_notes
    from observatory.metrics.downloads import GROUPS

    if start >= end:
        raise HTTPException(422, f"the window's start ({start}) must be before its end ({end})")
    return await _answer(request, "share", query, lambda obs: obs.share(start, end, by, first_year),
                         lambda obs, frame: share_notes(frame, GROUPS[by]))


@router.get("/derivatives", summary="Q8: new derivatives per month by the root's country")
async def derivatives(request: Request,
                      by: Literal["root-country", "root-org", "root-family", "uploader-country",
                                  "uploader-org"] = "root-country",
                      inferred: bool = False, since: date | None = None, until: date | None = None,
                      relation: Annotated[list[Literal["finetune", "adapter", "merge", "quantized",
                                                       "unknown"]] | None, Query()] = None,
                      as_of: AsOf = None) -> Response:
    query = _query(locals())
    relations = tuple(relation) if relation else None
    return await _answer(request, "derivatives", query,
                         lambda obs: obs.derivatives(by, inferred, since, until, relations, as_of),
                         lambda obs, frame: obs.lineage_scope(inferred, as_of),
                         lambda obs: [obs.lineage_sources(inferred, as_of)])


@router.get("/licences", summary="Q10: licence classes of new models per period")
async def licences(request: Request, by: ByGroup = "org",
                   period: Literal["month", "quarter", "year"] = "quarter",
                   org: Annotated[str | None, Query(pattern=NAME)] = None) -> Response:
    query = _query(locals())
    return await _answer(request, "licences", query, lambda obs: obs.licences(by, period, org),
                         lambda obs, frame: obs.hub_scope(), lambda obs: [obs.hub_sources()])


@router.get("/architecture", summary="Q11: mixture-of-experts share by country and period")
async def architecture(request: Request, period: Literal["month", "quarter", "year"] = "year",
                       by: ByGroup = "country", source: Literal["aa", "hub"] = "aa",
                       as_of: AsOf = None) -> Response:
    query = _query(locals())
    return await _answer(request, "architecture", query,
                         lambda obs: obs.architecture(period, by, source, as_of),
                         basis=lambda obs: [obs.hub_sources(as_of)] if source == "hub" else [])


@router.get("/snapshots", summary="Every snapshot in the store, with its format and date")
async def snapshots(request: Request) -> Response:
    query = _query(locals())
    return await _answer(request, "snapshots", query, lambda obs: obs.snapshots())
