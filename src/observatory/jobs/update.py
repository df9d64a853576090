"""The update job: fetch each live source, parse, store. One unreachable source does not stop
the others: every source ends with an outcome (imported, skipped with its reason, or failed with
its error), in the order asked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from observatory.config import Endpoints
from observatory.errors import ConfigError, InputError, ObservatoryError
from observatory.jobs.imports import ImportReport, write
from observatory.sources import live
from observatory.sources.base import Parsed
from observatory.sources.detect import parse_raw
from observatory.store.catalog import Catalog

Fetcher = Callable[[Endpoints, float], list[live.Fetched]]
FETCHERS: dict[str, Fetcher] = {
    "arena": lambda endpoints, timeout: live.fetch_arena(endpoints, timeout),
    "aa": lambda endpoints, timeout: live.fetch_aa(endpoints, live.aa_api_key(), timeout),
}
# Sources the main job leaves to their own command, and why.
SKIPPED = {
    "hub": "the Hub collection runs on its own (hours at full-Hub scale); "
           "run `observatory update --source hub`",
}
SOURCES = (*FETCHERS, *SKIPPED)


@dataclass(frozen=True)
class Outcome:
    source: str
    report: ImportReport | None = None
    skipped: str | None = None  # why nothing was fetched (a missing key, a source left out)
    error: ObservatoryError | None = None


def _parse_fetched(items: list[live.Fetched]) -> list[Parsed]:
    parsed = []
    for item in items:
        for result in parse_raw(Path(item.name), item.content, snapshot_date=item.fetched_on):
            result.origin = item.url
            result.dated_by = "fetch date"  # these endpoints publish no date of their own
            parsed.append(result)
    return parsed


def update_source(catalog: Catalog, source: str, endpoints: Endpoints, timeout: float) -> Outcome:
    if source in SKIPPED:
        return Outcome(source, skipped=SKIPPED[source])
    if source not in FETCHERS:
        raise InputError("--source", f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    try:
        fetched = FETCHERS[source](endpoints, timeout)
        query = {"source": source, "urls": [f.url for f in fetched]}
        return Outcome(source, report=write(catalog, _parse_fetched(fetched), query=query))
    except ConfigError as exc:
        return Outcome(source, skipped=str(exc))
    except ObservatoryError as exc:
        return Outcome(source, error=exc)


def update_sources(catalog: Catalog, sources: list[str], timeout: float,
                   on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Update each source in turn (base URLs from the environment, see ``config.Endpoints``);
    ``on_outcome`` hears of each as it ends."""
    endpoints = Endpoints.from_env()
    outcomes = []
    for source in sources:
        outcomes.append(update_source(catalog, source, endpoints, timeout))
        if on_outcome is not None:
            on_outcome(outcomes[-1])
    return outcomes
