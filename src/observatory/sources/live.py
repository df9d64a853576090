"""Fetch the current published boards from the sources' public endpoints.

- LMArena: the arena-catalog files LMArena publishes on GitHub (``{base}/leaderboard-*.json``
  and ``scatterplot-data.json``), the same layout as the shipped history.
- Artificial Analysis: the data API v2, ``{base}/data/llms/models`` with header ``x-api-key``
  (free tier: 1,000 requests/day). Its records carry no country or open-weights flag; the
  registry attributes them.
Base URLs come from ``config.Endpoints`` so tests run the same code against loopback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx2

from observatory.config import Endpoints
from observatory.errors import ConfigError, SourceUnreachableError
from observatory.sources.http import RetryPolicy, client, fetch

ARENA_FILES = (
    "leaderboard-text.json",
    "leaderboard-text-style-control.json",
    "leaderboard-vision.json",
    "leaderboard-vision-style-control.json",
    "leaderboard-image.json",
    "scatterplot-data.json",
)
ARENA_REQUIRED = "leaderboard-text.json"
AA_PATH = "/data/llms/models"
AA_KEY_VARIABLES = ("AA_API_KEY", "ARTIFICIAL_ANALYSIS_API_KEY")
# A board is one small file: a few attempts and waits of at most a minute, then the next source;
# a refused connection (offline) is not tried again.
ATTEMPTS = 4
MAX_WAIT = 60.0
KEY_HINTS = {status: " (access refused: check the API key, e.g. AA_API_KEY)" for status in (401, 403)}


@dataclass(frozen=True)
class Fetched:
    name: str  # file name the raw bytes are kept under
    url: str
    content: bytes
    fetched_on: date


def policy() -> RetryPolicy:
    return RetryPolicy(attempts=ATTEMPTS, connect_attempts=1, max_wait=MAX_WAIT)


def today() -> date:
    return datetime.now(UTC).date()


def _get(http: httpx2.Client, url: str, retry: RetryPolicy,
         headers: dict[str, str] | None = None) -> bytes:
    return fetch(http, url, retry, headers=headers, hints=KEY_HINTS).content


def fetch_arena(endpoints: Endpoints, timeout: float = 30.0,
                retry: RetryPolicy | None = None) -> list[Fetched]:
    """Every published arena-catalog board; the text board is required, the others optional."""
    retry = retry or policy()
    fetched = []
    with client(timeout) as http:
        for name in ARENA_FILES:
            url = f"{endpoints.arena}/{name}"
            try:
                content = _get(http, url, retry)
            except SourceUnreachableError as exc:
                if name == ARENA_REQUIRED or "HTTP 4" not in str(exc):
                    raise
                continue  # an optional board that is not published any more
            fetched.append(Fetched(name, url, content, today()))
    return fetched


def aa_api_key() -> str:
    for variable in AA_KEY_VARIABLES:
        value = os.environ.get(variable)
        if value:
            return value
    raise ConfigError("the Artificial Analysis API needs a key: set AA_API_KEY "
                      "(free at https://artificialanalysis.ai/documentation)")


def fetch_aa(endpoints: Endpoints, api_key: str, timeout: float = 30.0,
             retry: RetryPolicy | None = None) -> list[Fetched]:
    url = f"{endpoints.aa}{AA_PATH}"
    # No redirects: the key must never be sent on to another host.
    with client(timeout, follow_redirects=False) as http:
        content = _get(http, url, retry or policy(), headers={"x-api-key": api_key})
    return [Fetched("aa-llms-models.json", url, content, today())]
