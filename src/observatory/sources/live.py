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
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx

from observatory import __version__
from observatory.config import Endpoints
from observatory.errors import ConfigError, SourceUnreachableError

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
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_ATTEMPTS = 4
MAX_WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class Fetched:
    name: str  # file name the raw bytes are kept under
    url: str
    content: bytes
    fetched_on: date


def _client(timeout: float, follow_redirects: bool = True) -> httpx.Client:
    return httpx.Client(timeout=timeout, follow_redirects=follow_redirects,
                        headers={"User-Agent": f"open-weights-observatory/{__version__}"})


def _wait_seconds(response: httpx.Response, attempt: int) -> float:
    header = response.headers.get("Retry-After") or response.headers.get("RateLimit-Reset")
    if header:
        try:
            return min(float(header), MAX_WAIT_SECONDS)
        except ValueError:
            pass
    return min(2.0**attempt, MAX_WAIT_SECONDS)


def get(client: httpx.Client, url: str, headers: dict[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep) -> httpx.Response:
    """GET with retries on 429/5xx (honouring Retry-After) and on connection errors."""
    last = "no attempt made"
    for attempt in range(MAX_ATTEMPTS):
        try:
            response = client.get(url, headers=headers)
        except httpx.TimeoutException:
            last = "timed out"
        except httpx.TransportError as exc:
            last = str(exc) or type(exc).__name__
            if isinstance(exc, httpx.ConnectError):
                break  # no route or no name resolution: retrying will not help
        except httpx.HTTPError as exc:  # e.g. too many redirects: not worth retrying
            last = str(exc) or type(exc).__name__
            break
        else:
            if response.status_code < 300:
                return response
            last = f"HTTP {response.status_code}"
            if response.status_code in (401, 403):
                last += " (access refused: check the API key, e.g. AA_API_KEY)"
            if response.status_code not in RETRY_STATUSES:
                break
            if attempt + 1 < MAX_ATTEMPTS:
                sleep(_wait_seconds(response, attempt))
            continue
        if attempt + 1 < MAX_ATTEMPTS:
            sleep(min(2.0**attempt, MAX_WAIT_SECONDS))
    raise SourceUnreachableError(url, last)


def today() -> date:
    return datetime.now(UTC).date()


def fetch_arena(endpoints: Endpoints, timeout: float = 30.0,
                client: httpx.Client | None = None) -> list[Fetched]:
    """Every published arena-catalog board; the text board is required, the others optional."""
    fetched = []
    with client or _client(timeout) as http:
        for name in ARENA_FILES:
            url = f"{endpoints.arena}/{name}"
            try:
                response = get(http, url)
            except SourceUnreachableError as exc:
                if name == ARENA_REQUIRED or "HTTP 4" not in str(exc):
                    raise
                continue  # an optional board that is not published any more
            fetched.append(Fetched(name, url, response.content, today()))
    return fetched


def aa_api_key() -> str:
    for variable in AA_KEY_VARIABLES:
        value = os.environ.get(variable)
        if value:
            return value
    raise ConfigError("the Artificial Analysis API needs a key: set AA_API_KEY "
                      "(free at https://artificialanalysis.ai/documentation)")


def fetch_aa(endpoints: Endpoints, api_key: str, timeout: float = 30.0,
             client: httpx.Client | None = None) -> list[Fetched]:
    url = f"{endpoints.aa}{AA_PATH}"
    # No redirects: the key must never be sent on to another host.
    with client or _client(timeout, follow_redirects=False) as http:
        response = get(http, url, headers={"x-api-key": api_key})
    return [Fetched("aa-llms-models.json", url, response.content, today())]
