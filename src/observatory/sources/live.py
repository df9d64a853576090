"""Fetch the current published boards from the sources' public endpoints.

- LMArena: the arena-catalog files LMArena publishes on GitHub (``{base}/leaderboard-*.json``
  and ``scatterplot-data.json``), the same layout as the shipped history. The files carry no
  date: a board is dated by the answer's ``Last-Modified`` header, else by the file's last commit
  (GitHub's commits API, ``?path=data/<file>&per_page=1``, the committer's date), and only
  failing both by the day it was fetched, which the snapshot then says (``dated_by``).
- Artificial Analysis: the data API v2, ``{base}/data/llms/models`` with header ``x-api-key``
  (free tier: 1,000 requests/day). Its records carry no country or open-weights flag; the
  registry attributes them.
Base URLs come from ``config.Endpoints`` so tests run the same code against loopback.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

import httpx2

from observatory.config import ARENA_COMMITS_PREFIX, Endpoints
from observatory.errors import ConfigError, SourceUnreachableError
from observatory.sources.base import FETCH_DATE
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
    published_on: date | None = None  # the upstream's own date, when it gave one
    dated_by: str = FETCH_DATE  # what published_on rests on

    @property
    def snapshot_date(self) -> date:
        return self.published_on or self.fetched_on


def policy() -> RetryPolicy:
    return RetryPolicy(attempts=ATTEMPTS, connect_attempts=1, max_wait=MAX_WAIT)


def today() -> date:
    return datetime.now(UTC).date()


def _get(http: httpx2.Client, url: str, retry: RetryPolicy,
         headers: dict[str, str] | None = None) -> httpx2.Response:
    return fetch(http, url, retry, headers=headers, hints=KEY_HINTS)


def last_modified(response: httpx2.Response) -> date | None:
    """The ``Last-Modified`` header's date (an HTTP date), if the answer has a readable one."""
    value = response.headers.get("last-modified")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC).date()
    except (TypeError, ValueError):
        return None


def last_commit(http: httpx2.Client, commits_url: str, path: str, retry: RetryPolicy) -> date | None:
    """The committer's date of the last commit that touched ``path`` (GitHub's commits API);
    None when the API cannot say (unreachable, rate-limited, an unexpected answer)."""
    if not commits_url:
        return None
    url = f"{commits_url}?path={path}&per_page=1"
    try:  # a best-effort date: one retry, short waits (GitHub's rate limit can last an hour)
        answer = fetch(http, url, RetryPolicy(attempts=2, connect_attempts=1, max_wait=5.0,
                                              sleep=retry.sleep)).json()
        stamp = answer[0]["commit"]["committer"]["date"]
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).date()
    except (SourceUnreachableError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def _dated(name: str, url: str, response: httpx2.Response, http: httpx2.Client,
           commits_url: str, retry: RetryPolicy) -> Fetched:
    """The fetched file, dated by ``Last-Modified``, else its last commit (when ``commits_url``
    names the publishing repository's commits API), else the fetch date."""
    fetched = Fetched(name, url, response.content, today())
    modified = last_modified(response)
    if modified is not None:
        return dataclasses.replace(fetched, published_on=modified, dated_by="Last-Modified")
    committed = last_commit(http, commits_url, ARENA_COMMITS_PREFIX + name, retry)
    if committed is not None:
        return dataclasses.replace(fetched, published_on=committed, dated_by="last commit of the file")
    return fetched


def fetch_arena(endpoints: Endpoints, timeout: float = 30.0,
                retry: RetryPolicy | None = None) -> list[Fetched]:
    """Every published arena-catalog board; the text board is required, the others optional."""
    retry = retry or policy()
    fetched = []
    with client(timeout) as http:
        for name in ARENA_FILES:
            url = f"{endpoints.arena}/{name}"
            try:
                response = _get(http, url, retry)
            except SourceUnreachableError as exc:
                if name == ARENA_REQUIRED or "HTTP 4" not in str(exc):
                    raise
                continue  # an optional board that is not published any more
            fetched.append(_dated(name, url, response, http, endpoints.arena_commits, retry))
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
        response = _get(http, url, retry or policy(), headers={"x-api-key": api_key})
        return [_dated("aa-llms-models.json", url, response, http, "", retry or policy())]
