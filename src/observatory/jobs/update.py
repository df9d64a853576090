"""The update job: fetch each live source, parse, store. One unreachable source does not stop
the others: every source ends with an outcome (imported, skipped with its reason, or failed with
its error), in the order asked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from observatory.config import Endpoints
from observatory.errors import ConfigError, InputError, ObservatoryError
from observatory.jobs import arena
from observatory.jobs.imports import ImportReport, write
from observatory.sources import live
from observatory.sources.base import Parsed
from observatory.sources.detect import parse_raw
from observatory.store.catalog import Catalog

Fetcher = Callable[[Endpoints, float], list[live.Fetched]]
Updater = Callable[[Catalog, Endpoints, float], ImportReport]
# Sources published as files at fixed URLs, stored as fetched.
FETCHERS: dict[str, Fetcher] = {
    "arena-catalog": lambda endpoints, timeout: live.fetch_arena(endpoints, timeout),
    "aa": lambda endpoints, timeout: live.fetch_aa(endpoints, live.aa_api_key(), timeout),
}
# Sources the main job leaves to their own command, and why.
SKIPPED = {
    "hub": "the Hub collection runs on its own (hours at full-Hub scale); "
           "run `observatory update --source hub`",
}



def _arena_dataset(catalog: Catalog, endpoints: Endpoints, timeout: float) -> ImportReport:
    """Arena's leaderboard dataset on the Hub: the latest publication of every arena."""
    return arena.load(catalog, endpoints.hub, "latest")


def _fetched(fetcher: Fetcher) -> Updater:
    def update(catalog: Catalog, endpoints: Endpoints, timeout: float) -> ImportReport:
        fetched = fetcher(endpoints, timeout)
        query = {"urls": [f.url for f in fetched]}
        return write(catalog, _parse_fetched(fetched), query=query)

    return update


UPDATERS: dict[str, Updater] = {"arena": _arena_dataset,
                                **{name: _fetched(f) for name, f in FETCHERS.items()}}
SOURCES = (*UPDATERS, *SKIPPED)
MAIN_JOB = ("arena", "aa", "hub")  # what `observatory run` updates (arena-catalog on request)


@dataclass(frozen=True)
class Outcome:
    source: str
    report: ImportReport | None = None
    skipped: str | None = None  # why nothing was fetched (a missing key, a source left out)
    error: ObservatoryError | None = None
    # the missing key or setting behind ``skipped``: a failure when the source was asked for
    # by name (``update --source aa``), a skipped line in the main job
    unconfigured: ConfigError | None = None


def _parse_fetched(items: list[live.Fetched]) -> list[Parsed]:
    parsed = []
    for item in items:
        for result in parse_raw(Path(item.name), item.content, snapshot_date=item.snapshot_date):
            result.origin = item.url
            result.dated_by = item.dated_by  # the upstream's date, or the fetch date said so
            parsed.append(result)
    return parsed


def update_source(catalog: Catalog, source: str, endpoints: Endpoints, timeout: float) -> Outcome:
    if source in SKIPPED:
        return Outcome(source, skipped=SKIPPED[source])
    if source not in UPDATERS:
        raise InputError("--source", f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    try:
        return Outcome(source, report=UPDATERS[source](catalog, endpoints, timeout))
    except ConfigError as exc:
        return Outcome(source, skipped=str(exc), unconfigured=exc)
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
