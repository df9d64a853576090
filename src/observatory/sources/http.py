"""The one HTTP layer: every request the Observatory makes goes through ``fetch``, under one retry
policy, whether it reads a live board, a page of the Hub listing or a model's config.

What is retried: 429 and 5xx answers, timeouts, dropped connections and bodies that ``read``
finds unreadable (a truncated download). How long to wait: what the server says (``Retry-After``
in seconds or as a date, an exhausted ``RateLimit`` quota, ``RateLimit-Reset``), else exponential
backoff. A refused connection is given up after a few tries (``connect_attempts``).

httpx2 is huggingface_hub's HTTP library: the Hub walk uses that library's shared session and
headers (``HF_TOKEN``, never logged), other hosts a plain client of the same library.
Dataset files are downloaded by huggingface_hub itself, which retries 429 and 5xx on its own;
``library_retries`` counts those retries into the same policy (from the library's log) so that
what was waited is reported in one place.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx2
from huggingface_hub.utils import parse_ratelimit_headers

from observatory import __version__
from observatory.errors import SourceUnreachableError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TRANSIENT = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)
USER_AGENT = f"open-weights-observatory/{__version__}"

T = TypeVar("T")


class UnreadableBody(Exception):
    """Raised by a ``read`` callback when a body is truncated or garbled: fetch it again."""


EPOCH_FLOOR = 1e9  # a reset value above this is a point in time (2001 onwards), not a delay


def server_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks us to wait, if it says: ``Retry-After`` (seconds or an HTTP
    date), an exhausted ``RateLimit`` quota, or ``RateLimit-Reset`` / ``X-RateLimit-Reset``."""
    retry_after = (headers.get("Retry-After") or "").strip()
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass  # an HTTP date
        try:
            when = parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    quota = parse_ratelimit_headers(headers)
    if quota is not None and quota.remaining <= 0:
        return float(quota.reset_in_seconds)
    for name in ("RateLimit-Reset", "X-RateLimit-Reset"):
        value = (headers.get(name) or "").strip()
        if value.replace(".", "", 1).isdigit():
            seconds = float(value)
            # GitHub's X-RateLimit-Reset is an epoch time, the IETF draft's a number of seconds
            return max(0.0, seconds - time.time()) if seconds > EPOCH_FLOOR else seconds
    return None


@dataclass
class RetryPolicy:
    """How many attempts, how long to wait, and what happened (retries by reason, seconds
    waited) for one run; shared by every request of that run."""

    attempts: int = 8
    connect_attempts: int = 3  # a refused connection or unknown host rarely heals quickly
    max_wait: float = 120.0
    backoff: float = 0.5
    backoff_cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    waited: float = 0.0
    retries: dict[str, int] = field(default_factory=dict)

    def wait(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.max_wait))
        if seconds:
            self.waited += seconds
            self.sleep(seconds)

    def note(self, reason: str) -> None:
        self.retries[reason] = self.retries.get(reason, 0) + 1

    def retry_wait(self, response: httpx2.Response | None, attempt: int) -> float:
        told = server_wait(response.headers) if response is not None else None
        return told if told is not None else min(self.backoff * 2**attempt, self.backoff_cap)

    def pace(self, response: httpx2.Response) -> None:
        """After a success: if the quota is used up, wait for its window to reset."""
        quota = parse_ratelimit_headers(response.headers)
        if quota is not None and quota.remaining <= 0:
            self.wait(quota.reset_in_seconds)


def client(timeout: float, follow_redirects: bool = True) -> httpx2.Client:
    """A client for hosts other than the Hub."""
    return httpx2.Client(timeout=timeout, follow_redirects=follow_redirects,
                         headers={"User-Agent": USER_AGENT})


def _response(response: httpx2.Response) -> httpx2.Response:
    return response


def fetch(http: httpx2.Client, url: str, policy: RetryPolicy, *,
          headers: Mapping[str, str] | None = None,
          read: Callable[[httpx2.Response], T] = _response,  # type: ignore[assignment]
          hints: Mapping[int, str] | None = None, timeout: float | None = None,
          follow_redirects: bool | None = None) -> T:
    """GET ``url`` and return ``read(response)``. Raises ``SourceUnreachableError`` naming the
    URL and the last reason; ``hints`` add a word of advice to a status (401: check the key)."""
    found = _get(http, url, policy, headers, read, frozenset(), hints, timeout, follow_redirects)
    assert not isinstance(found, _Absent)  # no status was allowed to be absent
    return found


def fetch_optional(http: httpx2.Client, url: str, policy: RetryPolicy, *,
                   absent: frozenset[int], headers: Mapping[str, str] | None = None,
                   read: Callable[[httpx2.Response], T] = _response,  # type: ignore[assignment]
                   timeout: float | None = None, follow_redirects: bool | None = None) -> T | None:
    """``fetch`` for a file that may not exist: None when the answer's status is in ``absent``
    (a model without a config.json, a gated model)."""
    found = _get(http, url, policy, headers, read, absent, None, timeout, follow_redirects)
    return None if isinstance(found, _Absent) else found


class _Absent:
    """The answer's status said the file is not there."""


def _get(http: httpx2.Client, url: str, policy: RetryPolicy, headers: Mapping[str, str] | None,
         read: Callable[[httpx2.Response], T], absent: frozenset[int],
         hints: Mapping[int, str] | None, timeout: float | None,
         follow_redirects: bool | None) -> T | _Absent:
    last = "no attempt made"
    options = {name: value for name, value in (("timeout", timeout),
                                              ("follow_redirects", follow_redirects))
               if value is not None}
    for attempt in range(policy.attempts):
        response = None
        try:
            response = http.get(url, headers=dict(headers or {}), **options)
        except TRANSIENT as exc:
            last = _transient(exc, policy)
            if isinstance(exc, httpx2.ConnectError) and attempt + 1 >= policy.connect_attempts:
                break
        except httpx2.HTTPError as exc:  # too many redirects, a bad URL: retrying will not help
            last = str(exc) or type(exc).__name__
            break
        else:
            status = response.status_code
            if status in absent:
                return _Absent()
            if status < 300:
                try:
                    value = read(response)
                except UnreadableBody as exc:
                    last = str(exc) or "unreadable body"
                    policy.note(last)
                else:
                    policy.pace(response)
                    return value
            else:
                last = f"HTTP {status}" + (hints or {}).get(status, "")
                policy.note(f"HTTP {status}")
                if status not in RETRY_STATUSES:
                    break
        if attempt + 1 < policy.attempts:
            policy.wait(policy.retry_wait(response, attempt))
    raise SourceUnreachableError(url, last)


def _transient(exc: BaseException, policy: RetryPolicy) -> str:
    """Count a timeout or dropped connection; returns the reason to report."""
    policy.note(type(exc).__name__)
    if isinstance(exc, httpx2.TimeoutException):
        return "timed out"
    return str(exc) or type(exc).__name__


def _http_error(exc: BaseException) -> httpx2.Response | None:
    """The HTTP answer behind a huggingface_hub error (itself or what it was raised from)."""
    while exc is not None:
        response = getattr(exc, "response", None)
        if isinstance(response, httpx2.Response):
            return response
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return None


LIBRARY_LOGGER = "huggingface_hub.utils._http"
_STATUS = re.compile(r"^HTTP Error (\d+) thrown while requesting")
_SLEPT = re.compile(r"^(?:Rate limited\. Waiting|Retrying in) ([0-9.]+)s")


class _LibraryRetries(logging.Filter):
    """huggingface_hub retries 429 and 5xx answers itself (waiting what ``Retry-After`` or the
    ``RateLimit`` quota says) and logs each retry as a warning. Count those retries and waits in
    the run's policy instead of letting them through to the terminal."""

    def __init__(self, policy: RetryPolicy) -> None:
        super().__init__()
        self.policy = policy

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if (status := _STATUS.match(message)) is not None:
            self.policy.note(f"HTTP {status.group(1)}")
        elif (slept := _SLEPT.match(message)) is not None:
            self.policy.waited += float(slept.group(1))
        elif " thrown while requesting " in message:
            self.policy.note("connection error")
        else:
            return True
        return False


@contextmanager
def library_retries(policy: RetryPolicy) -> Iterator[None]:
    logger = logging.getLogger(LIBRARY_LOGGER)
    counting = _LibraryRetries(policy)
    logger.addFilter(counting)
    try:
        yield
    finally:
        logger.removeFilter(counting)


def retried(call: Callable[[], T], what: str, policy: RetryPolicy) -> T:
    """Run a huggingface_hub call (which makes its own requests) under the same policy: 429 and
    5xx answers, dropped connections and downloads that fail their size check are tried again,
    waiting what the server asks. ``what`` names the file or URL in the error."""
    last = "no attempt made"
    for attempt in range(policy.attempts):
        response = None
        try:
            with library_retries(policy):
                return call()
        except TRANSIENT as exc:
            last = _transient(exc, policy)
            if isinstance(exc, httpx2.ConnectError) and attempt + 1 >= policy.connect_attempts:
                break
        except json.JSONDecodeError:  # an answer cut short by the connection or a proxy
            last = "an unreadable answer (cut short?)"
            policy.note("unreadable answer")
        except OSError as exc:  # huggingface_hub's errors are OSErrors too
            response = _http_error(exc)
            if response is not None:
                status = response.status_code
                last = f"HTTP {status}"
                policy.note(last)
                if status not in RETRY_STATUSES:
                    break
            elif "Consistency check failed" in str(exc):  # a download cut short
                last = "truncated download"
                policy.note(last)
            elif isinstance(exc.__cause__, TRANSIENT) or isinstance(exc.__context__, TRANSIENT):
                last = type(exc.__cause__ or exc.__context__).__name__
                policy.note(last)
            else:
                raise
        if attempt + 1 < policy.attempts:
            policy.wait(policy.retry_wait(response, attempt))
    raise SourceUnreachableError(what, last)
