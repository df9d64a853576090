"""The update job: fetch live sources, parse, store. Failures are collected, not fatal, so one
unreachable source does not stop the others."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from observatory.api import ImportReport, Observatory
from observatory.config import Endpoints
from observatory.errors import ConfigError, ObservatoryError
from observatory.sources import live
from observatory.sources.base import Parsed
from observatory.sources.detect import detect as detect_format


def _parse_fetched(items: list[live.Fetched]) -> list[Parsed]:
    parsed = []
    for item in items:
        path = Path(item.name)
        detected = detect_format(path, item.content)
        result = detected.parse(path, item.content, item.fetched_on)
        result.origin = item.url
        parsed.append(result.freeze())
    return parsed


def update_sources(obs: Observatory, sources: list[str], timeout: float,
                   report: Callable[[ImportReport], None],
                   note: Callable[[str], None]) -> list[str]:
    """Update each source; returns one line per source that failed."""
    endpoints = Endpoints.from_env()
    failures: list[str] = []
    for source in sources:
        try:
            if source == "arena":
                fetched = live.fetch_arena(endpoints, timeout)
            else:
                fetched = live.fetch_aa(endpoints, live.aa_api_key(), timeout)
            parsed = _parse_fetched(fetched)
            query = {"source": source, "urls": [f.url for f in fetched]}
            report(obs.write(parsed, query=query))
        except ConfigError as exc:
            note(f"skipped {source}: {exc}")
        except ObservatoryError as exc:
            failures.append(f"{source}: {exc}")
    return failures
