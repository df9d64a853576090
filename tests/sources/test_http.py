"""The one HTTP layer (``sources.http``): how long the server asks us to wait, and what ``fetch``
retries, gives up on and reports. Requests go to an ``httpx2.MockTransport``; sleeping is
recorded, never done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx2
import pytest

from observatory import __version__
from observatory.errors import SourceUnreachableError
from observatory.sources.http import (
    USER_AGENT,
    RetryPolicy,
    UnreadableBody,
    client,
    fetch,
    fetch_optional,
    server_wait,
)

URL = "http://boards.test/data/leaderboard-text.json"
Step = httpx2.Response | Exception


class Server:
    """Answers each request with the next scripted response (or raises the scripted error),
    and records the requests."""

    def __init__(self, *steps: Step) -> None:
        self.steps: Iterator[Step] = iter(steps)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        step = next(self.steps)
        if isinstance(step, Exception):
            raise step
        return step


def mock(*steps: Step) -> tuple[httpx2.Client, Server]:
    server = Server(*steps)
    return httpx2.Client(transport=httpx2.MockTransport(server)), server


def recording_policy(**settings: object) -> tuple[RetryPolicy, list[float]]:
    slept: list[float] = []
    return RetryPolicy(sleep=slept.append, **settings), slept  # type: ignore[arg-type]


def ok(body: bytes = b'{"full": {}}', **headers: str) -> httpx2.Response:
    return httpx2.Response(200, content=body, headers=headers)


def status(code: int, **headers: str) -> httpx2.Response:
    return httpx2.Response(code, headers={k.replace("_", "-"): v for k, v in headers.items()})


def content(response: httpx2.Response) -> bytes:
    return response.content


# --- server_wait --------------------------------------------------------------------------------


def test_retry_after_in_seconds() -> None:
    assert server_wait(httpx2.Headers({"Retry-After": "30"})) == 30.0
    assert server_wait({"Retry-After": " 5 "}) == 5.0
    assert server_wait(httpx2.Headers({"retry-after": "0"})) == 0.0
    assert server_wait({"Retry-After": "1.5"}) == 1.5


def test_retry_after_as_an_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=120)
    waited = server_wait(httpx2.Headers({"Retry-After": format_datetime(when, usegmt=True)}))
    assert waited is not None and 115 <= waited <= 120
    past = datetime.now(UTC) - timedelta(hours=1)
    assert server_wait({"Retry-After": format_datetime(past, usegmt=True)}) == 0.0


def test_an_unreadable_retry_after_falls_through_to_the_other_headers() -> None:
    assert server_wait({"Retry-After": "soon"}) is None
    assert server_wait({"Retry-After": "soon", "RateLimit-Reset": "12"}) == 12.0


def test_an_exhausted_ratelimit_quota() -> None:
    assert server_wait(httpx2.Headers({"RateLimit": '"api";r=0;t=55'})) == 55.0
    assert server_wait({"ratelimit": '"api";r=0;t=55',
                        "ratelimit-policy": '"fixed window";"api";q=500;w=300'}) == 55.0
    # A quota with requests left is no reason to wait.
    assert server_wait({"RateLimit": '"api";r=7;t=55'}) is None


def test_ratelimit_reset_headers() -> None:
    assert server_wait({"RateLimit-Reset": "42"}) == 42.0
    assert server_wait({"X-RateLimit-Reset": "2.5"}) == 2.5
    assert server_wait(httpx2.Headers({"ratelimit-reset": "9"})) == 9.0
    assert server_wait({"RateLimit-Reset": "tomorrow"}) is None
    # Retry-After is read first.
    assert server_wait({"Retry-After": "3", "RateLimit-Reset": "42"}) == 3.0


def test_no_header_no_wait() -> None:
    assert server_wait({}) is None
    assert server_wait(httpx2.Headers({"Content-Type": "application/json"})) is None


# --- RetryPolicy --------------------------------------------------------------------------------


def test_policy_waits_at_most_max_wait_and_backs_off_exponentially() -> None:
    policy, slept = recording_policy(max_wait=60.0, backoff=0.5, backoff_cap=4.0)
    policy.wait(1000.0)
    policy.wait(0.0)  # nothing to wait: no sleep at all
    policy.wait(-3.0)
    assert slept == [60.0]
    assert policy.waited == 60.0
    assert [policy.retry_wait(None, attempt) for attempt in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    told = status(503, Retry_After="11")
    assert policy.retry_wait(told, 4) == 11.0
    policy.note("HTTP 503")
    policy.note("HTTP 503")
    policy.note("ReadTimeout")
    assert policy.retries == {"HTTP 503": 2, "ReadTimeout": 1}


def test_pace_waits_for_an_exhausted_quota_after_a_success() -> None:
    policy, slept = recording_policy()
    policy.pace(ok(RateLimit='"api";r=3;t=20'))
    assert slept == []
    policy.pace(ok(RateLimit='"api";r=0;t=20'))
    assert slept == [20.0]


def test_client_defaults() -> None:
    with client(12.0) as http:
        assert http.follow_redirects is True
        assert http.timeout.read == 12.0
        assert http.headers["User-Agent"] == USER_AGENT == f"open-weights-observatory/{__version__}"
    with client(3.0, follow_redirects=False) as http:
        assert http.follow_redirects is False


# --- fetch --------------------------------------------------------------------------------------


def test_a_429_is_retried_after_what_retry_after_says() -> None:
    http, server = mock(status(429, Retry_After="7"), ok(b'{"ok": 1}'))
    policy, slept = recording_policy()
    assert fetch(http, URL, policy, read=lambda r: r.json()) == {"ok": 1}
    assert len(server.requests) == 2
    assert slept == [7.0]
    assert policy.waited == 7.0
    assert policy.retries == {"HTTP 429": 1}


def test_without_a_read_the_response_is_returned() -> None:
    http, _ = mock(ok(b"raw bytes"))
    response = fetch(http, URL, RetryPolicy(sleep=lambda s: None))
    assert isinstance(response, httpx2.Response)
    assert response.content == b"raw bytes"


def test_a_404_gives_up_at_once_naming_the_status_and_the_url() -> None:
    http, server = mock(status(404), ok())
    policy, slept = recording_policy()
    with pytest.raises(SourceUnreachableError) as caught:
        fetch(http, URL, policy)
    assert str(caught.value) == f"could not reach {URL}: HTTP 404"
    assert caught.value.url == URL
    assert caught.value.transient
    assert len(server.requests) == 1
    assert slept == []
    assert policy.retries == {"HTTP 404": 1}


def test_an_absent_status_returns_none() -> None:
    http, server = mock(status(404))
    policy, slept = recording_policy()
    assert fetch_optional(http, URL, policy, read=content, absent=frozenset({404, 410})) is None
    assert len(server.requests) == 1
    assert (slept, policy.retries) == ([], {})


def test_server_errors_back_off_until_the_attempts_run_out() -> None:
    http, server = mock(*(status(503) for _ in range(5)))
    policy, slept = recording_policy(attempts=5, backoff=1.0, backoff_cap=3.0)
    with pytest.raises(SourceUnreachableError, match=r"HTTP 503$"):
        fetch(http, URL, policy)
    assert len(server.requests) == 5
    assert slept == [1.0, 2.0, 3.0, 3.0]  # no wait after the last attempt
    assert policy.retries == {"HTTP 503": 5}


def test_an_unreadable_body_is_fetched_again() -> None:
    http, server = mock(ok(b'{"trunc'), ok(b'{"whole": true}'))
    policy, slept = recording_policy(backoff=0.25)

    def read(response: httpx2.Response) -> dict:
        if not response.content.endswith(b"}"):
            raise UnreadableBody("truncated page")
        return response.json()

    assert fetch(http, URL, policy, read=read) == {"whole": True}
    assert len(server.requests) == 2
    assert slept == [0.25]
    assert policy.retries == {"truncated page": 1}


def test_an_always_unreadable_body_raises_after_the_attempts() -> None:
    http, server = mock(*(ok(b"<html>") for _ in range(3)))
    policy, slept = recording_policy(attempts=3, backoff=0.5)

    def read(response: httpx2.Response) -> bytes:
        raise UnreadableBody("truncated page")

    with pytest.raises(SourceUnreachableError) as caught:
        fetch(http, URL, policy, read=read)
    assert str(caught.value) == f"could not reach {URL}: truncated page"
    assert len(server.requests) == 3
    assert slept == [0.5, 1.0]
    assert policy.retries == {"truncated page": 3}


def test_a_refused_connection_is_given_up_after_connect_attempts() -> None:
    http, server = mock(*(httpx2.ConnectError("Connection refused") for _ in range(8)))
    policy, slept = recording_policy(attempts=8, backoff=0.5)
    assert policy.connect_attempts == 3
    with pytest.raises(SourceUnreachableError) as caught:
        fetch(http, URL, policy)
    assert str(caught.value) == f"could not reach {URL}: Connection refused"
    assert len(server.requests) == 3
    assert slept == [0.5, 1.0]
    assert policy.retries == {"ConnectError": 3}


def test_the_live_boards_try_a_refused_connection_once() -> None:
    from observatory.sources import live

    http, server = mock(*(httpx2.ConnectError("Connection refused") for _ in range(4)))
    policy = live.policy()
    policy.sleep = lambda seconds: None
    with pytest.raises(SourceUnreachableError):
        fetch(http, URL, policy)
    assert len(server.requests) == 1
    assert (policy.attempts, policy.max_wait) == (4, 60.0)


def test_timeouts_are_retried_and_reported_as_timed_out() -> None:
    http, server = mock(*(httpx2.ReadTimeout("read timed out") for _ in range(4)))
    policy, _ = recording_policy(attempts=4)
    with pytest.raises(SourceUnreachableError) as caught:
        fetch(http, URL, policy)
    assert str(caught.value) == f"could not reach {URL}: timed out"
    assert len(server.requests) == 4
    assert policy.retries == {"ReadTimeout": 4}


def test_an_error_retrying_cannot_help_is_given_up_at_once() -> None:
    http, server = mock(httpx2.UnsupportedProtocol("Request URL has an unsupported protocol"), ok())
    policy, slept = recording_policy()
    with pytest.raises(SourceUnreachableError, match="unsupported protocol"):
        fetch(http, URL, policy)
    assert len(server.requests) == 1
    assert (slept, policy.retries) == ([], {})


def test_hints_are_appended_to_the_status() -> None:
    http, server = mock(status(401), ok())
    policy, _ = recording_policy()
    with pytest.raises(SourceUnreachableError) as caught:
        fetch(http, URL, policy, hints={401: " (access refused: check the API key)"})
    assert str(caught.value) == f"could not reach {URL}: HTTP 401 (access refused: check the API key)"
    assert len(server.requests) == 1  # 401 is not retried
    assert policy.retries == {"HTTP 401": 1}  # counted by status, without the hint


def test_retries_count_each_reason_across_a_run() -> None:
    http, _ = mock(status(429, Retry_After="1"), status(502), httpx2.ReadTimeout("slow"),
                   status(429, Retry_After="2"), ok(), status(500), ok(b"second"))
    policy, slept = recording_policy(backoff=0.5)
    assert fetch(http, URL, policy, read=content) == b'{"full": {}}'
    assert fetch(http, URL + "?page=2", policy, read=content) == b"second"
    assert policy.retries == {"HTTP 429": 2, "HTTP 502": 1, "ReadTimeout": 1, "HTTP 500": 1}
    # Retry-After 1, backoff 0.5 * 2**1, 0.5 * 2**2, Retry-After 2; then the second fetch: 0.5 * 2**0.
    assert slept == [1.0, 1.0, 2.0, 2.0, 0.5]
    assert policy.waited == sum(slept)


def test_headers_timeout_and_redirects_are_passed_per_request() -> None:
    redirect = httpx2.Response(302, headers={"Location": "http://elsewhere.test/x"})
    http, server = mock(redirect, ok())
    http.follow_redirects = True
    policy, _ = recording_policy()
    with pytest.raises(SourceUnreachableError, match=r"HTTP 302$"):
        fetch(http, URL, policy, headers={"x-api-key": "k"}, timeout=4.0, follow_redirects=False)
    (request,) = server.requests
    assert request.headers["x-api-key"] == "k"
    assert request.extensions["timeout"]["read"] == 4.0
    assert str(request.url) == URL


def never_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds}s")


def test_a_first_success_never_sleeps() -> None:
    http, server = mock(ok())
    policy = RetryPolicy(sleep=never_sleep)
    assert fetch(http, URL, policy, read=content) == b'{"full": {}}'
    assert len(server.requests) == 1
    assert (policy.waited, policy.retries) == (0.0, {})
