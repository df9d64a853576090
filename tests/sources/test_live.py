"""The live fetchers (``sources.live``) on an ``httpx2.MockTransport``: which arena boards are
required, and how the Artificial Analysis key is sent (and never sent on to another host).
``tests/jobs/test_update`` runs them end to end against loopback servers."""

from __future__ import annotations

from collections.abc import Callable

import httpx2
import pytest

from observatory.config import Endpoints
from observatory.errors import ConfigError, SourceUnreachableError
from observatory.sources import live
from observatory.sources.http import RetryPolicy

ENDPOINTS = Endpoints(arena="http://arena.test/data", aa="http://aa.test/api/v2")
KEY = "test-key-not-a-secret"


class Host:
    """Serves ``files`` by URL path (404 otherwise, or a fixed status per path); records requests
    and the clients live.py asks for."""

    def __init__(self, files: dict[str, bytes], statuses: dict[str, int] | None = None) -> None:
        self.files = files
        self.statuses = statuses or {}
        self.requests: list[httpx2.Request] = []
        self.clients: list[dict[str, object]] = []

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        path = request.url.path
        if path in self.statuses:
            code = self.statuses[path]
            headers = {"Location": "http://elsewhere.test/api/v2/data/llms/models"} if code == 302 else {}
            return httpx2.Response(code, headers=headers)
        if path in self.files:
            return httpx2.Response(200, content=self.files[path])
        return httpx2.Response(404)

    def client(self, timeout: float, follow_redirects: bool = True) -> httpx2.Client:
        self.clients.append({"timeout": timeout, "follow_redirects": follow_redirects})
        return httpx2.Client(transport=httpx2.MockTransport(self.handle), timeout=timeout,
                             follow_redirects=follow_redirects)


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Host]:
    def start(files: dict[str, bytes], statuses: dict[str, int] | None = None) -> Host:
        host = Host(files, statuses)
        monkeypatch.setattr(live, "client", host.client)
        return host

    return start


def no_sleep() -> RetryPolicy:
    slept: list[float] = []
    return RetryPolicy(attempts=live.ATTEMPTS, sleep=slept.append)


def arena_files(*names: str) -> dict[str, bytes]:
    return {f"/data/{name}": f'{{"file": "{name}"}}'.encode() for name in names}


def test_fetch_arena_skips_a_missing_optional_board(serve) -> None:
    published = [name for name in live.ARENA_FILES if name != "leaderboard-image.json"]
    host = serve(arena_files(*published))
    fetched = live.fetch_arena(ENDPOINTS, timeout=7.0, retry=no_sleep())
    assert [f.name for f in fetched] == published
    assert [f.url for f in fetched] == [f"http://arena.test/data/{name}" for name in published]
    assert [f.content for f in fetched] == [f'{{"file": "{name}"}}'.encode() for name in published]
    assert {f.fetched_on for f in fetched} == {live.today()}
    # Every board asked for once (a 404 is not retried), on one client that follows redirects.
    assert [r.url.path for r in host.requests] == [f"/data/{name}" for name in live.ARENA_FILES]
    assert host.clients == [{"timeout": 7.0, "follow_redirects": True}]


def test_fetch_arena_requires_the_text_board(serve) -> None:
    others = [name for name in live.ARENA_FILES if name != live.ARENA_REQUIRED]
    host = serve(arena_files(*others))
    assert live.ARENA_REQUIRED == "leaderboard-text.json"
    with pytest.raises(SourceUnreachableError) as caught:
        live.fetch_arena(ENDPOINTS, retry=no_sleep())
    assert str(caught.value) == "could not reach http://arena.test/data/leaderboard-text.json: HTTP 404"
    assert [r.url.path for r in host.requests] == ["/data/leaderboard-text.json"]


def test_an_optional_board_that_keeps_failing_is_not_skipped(serve) -> None:
    host = serve(arena_files(*live.ARENA_FILES), {"/data/leaderboard-vision.json": 503})
    with pytest.raises(SourceUnreachableError, match=r"leaderboard-vision\.json: HTTP 503$"):
        live.fetch_arena(ENDPOINTS, retry=no_sleep())
    vision = [r for r in host.requests if r.url.path == "/data/leaderboard-vision.json"]
    assert len(vision) == live.ATTEMPTS


def test_fetch_aa_sends_the_key_and_does_not_follow_redirects(serve) -> None:
    host = serve({"/api/v2/data/llms/models": b'{"status": 200, "data": []}'})
    (fetched,) = live.fetch_aa(ENDPOINTS, KEY, timeout=5.0, retry=no_sleep())
    assert (fetched.name, fetched.url) == ("aa-llms-models.json", "http://aa.test/api/v2/data/llms/models")
    assert fetched.content == b'{"status": 200, "data": []}'
    (request,) = host.requests
    assert request.headers["x-api-key"] == KEY
    assert host.clients == [{"timeout": 5.0, "follow_redirects": False}]


def test_fetch_aa_never_sends_the_key_to_a_redirect_target(serve) -> None:
    host = serve({}, {"/api/v2/data/llms/models": 302})
    with pytest.raises(SourceUnreachableError) as caught:
        live.fetch_aa(ENDPOINTS, KEY, retry=no_sleep())
    assert str(caught.value) == "could not reach http://aa.test/api/v2/data/llms/models: HTTP 302"
    assert [r.url.host for r in host.requests] == ["aa.test"]


@pytest.mark.parametrize("code", [401, 403])
def test_fetch_aa_refused_says_check_the_key(serve, code) -> None:
    serve({}, {"/api/v2/data/llms/models": code})
    with pytest.raises(SourceUnreachableError) as caught:
        live.fetch_aa(ENDPOINTS, "wrong", retry=no_sleep())
    assert str(caught.value) == (f"could not reach http://aa.test/api/v2/data/llms/models: HTTP {code} "
                                 "(access refused: check the API key, e.g. AA_API_KEY)")


def test_aa_api_key_from_either_variable(monkeypatch) -> None:
    with pytest.raises(ConfigError, match="the Artificial Analysis API needs a key: set AA_API_KEY"):
        live.aa_api_key()
    monkeypatch.setenv("ARTIFICIAL_ANALYSIS_API_KEY", "second")
    assert live.aa_api_key() == "second"
    monkeypatch.setenv("AA_API_KEY", "first")
    assert live.aa_api_key() == "first"


def test_commit_dates_are_asked_of_github_only_for_githubs_own_files(monkeypatch) -> None:
    from observatory.config import ARENA_BASE_URL, ARENA_COMMITS_URL

    monkeypatch.delenv("OBSERVATORY_ARENA_URL", raising=False)
    monkeypatch.delenv("OBSERVATORY_ARENA_COMMITS_URL", raising=False)
    assert Endpoints.from_env().arena == ARENA_BASE_URL
    assert Endpoints.from_env().arena_commits == ARENA_COMMITS_URL
    monkeypatch.setenv("OBSERVATORY_ARENA_URL", "http://mirror.test/data")
    assert Endpoints.from_env().arena_commits == ""  # a mirror's files are not GitHub's
