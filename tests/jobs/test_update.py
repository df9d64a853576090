"""The update job (``jobs.update``) and the commands on it, ``observatory update`` and
``observatory run``, against loopback servers: the real HTTP code, recorded payloads. What each
source ends with (imported, skipped with its own reason, failed with its own error line)."""

from __future__ import annotations

import html
import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from observatory.api import Observatory, Selection
from observatory.config import Endpoints
from observatory.errors import ConfigError, InputError
from observatory.jobs.update import (
    FETCHERS,
    MAIN_JOB,
    SKIPPED,
    SOURCES,
    Outcome,
    update_source,
    update_sources,
)
from observatory.registry.boards import newest_selection
from observatory.testing import FakeHub, FakeHubConfig
from observatory.testing.fake_datasets import ARENA_REPO, arena_files, arena_rows
from tests.cli_runner import run_cli
from tests.conftest import OFFICIAL, need_shared

TEXT_BOARD = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-24.json"
API_KEY = "test-key-not-a-secret"
# Synthetic AA API v2 payload in the documented shape ({status, prompt_options, data}); the first
# record is the sample from the API documentation, the second a made-up open model.
AA_PAYLOAD = {
    "status": 200,
    "prompt_options": {"parallel_queries": 1, "prompt_length": "medium"},
    "data": [
        {"id": "2dad8957-4c16-4e74-bf2d-8b21514e0ae9", "name": "o3-mini", "slug": "o3-mini",
         "model_creator": {"id": "e67e56e3", "name": "OpenAI", "slug": "openai"},
         "evaluations": {"artificial_analysis_intelligence_index": 62.9,
                         "artificial_analysis_coding_index": 55.8},
         "pricing": {"price_1m_blended_3_to_1": 1.925}},
        {"id": "synthetic-1", "name": "Synthetic Open Model", "slug": "synthetic-open",
         "model_creator": {"id": "x", "name": "DeepSeek", "slug": "deepseek"},
         "evaluations": {"artificial_analysis_intelligence_index": 50.0}},
    ],
}


class Board:
    """What the fake endpoints serve, and faults to inject."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.fail_first: dict[str, int] = {}  # path -> number of 429s before success
        self.redirects: dict[str, str] = {}  # path -> Location
        self.extra_headers: dict[str, dict[str, str]] = {}  # path -> headers sent with it
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.base = ""  # http://127.0.0.1:PORT once started


def make_handler(board: Board) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            board.requests.append((self.path, dict(self.headers)))
            if self.path in board.redirects:
                self.send_response(302)
                self.send_header("Location", board.redirects[self.path])
                self.end_headers()
                return
            if board.fail_first.get(self.path, 0) > 0:
                board.fail_first[self.path] -= 1
                self.send_response(429)
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
            if self.path.startswith("/aa/") and self.headers.get("x-api-key") != API_KEY:
                self.send_response(401)
                self.end_headers()
                return
            body = board.files.get(self.path) or board.files.get(self.path.split("?")[0])
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in board.extra_headers.get(self.path, {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def start(board: Board) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(board))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Board]:
    board = Board()
    httpd, base = start(board)
    board.base = base
    monkeypatch.setenv("OBSERVATORY_ARENA_URL", f"{base}/arena")
    monkeypatch.setenv("OBSERVATORY_AA_URL", f"{base}/aa")
    try:
        yield board
    finally:
        httpd.shutdown()
        httpd.server_close()


def serve_arena(board: Board) -> None:
    need_shared(TEXT_BOARD)
    board.files["/arena/leaderboard-text.json"] = TEXT_BOARD.read_bytes()


def snapshot_dirs(home: Path) -> list[Path]:
    return sorted((home / "snapshots").glob("*/*")) if (home / "snapshots").exists() else []


def test_update_arena_catalog_from_loopback(server: Board, capsys, monkeypatch, isolated_home) -> None:
    serve_arena(server)
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 0, result.err
    assert "imported 1 snapshot" in result.out
    manifest = json.loads((snapshot_dirs(isolated_home)[0] / "manifest.json").read_text())
    assert manifest["origin"].endswith("/arena/leaderboard-text.json")
    assert manifest["format"] == "arena-catalog"
    # Optional boards that are not published (404) are skipped, the text board is used.
    assert any(path.endswith("leaderboard-image.json") for path, _ in server.requests)
    expected = json.loads(TEXT_BOARD.read_text())["full"]
    frame = Observatory(isolated_home).top(n=1, open_weights_only=False)
    assert frame.iloc[0]["rating"] == pytest.approx(max(v["rating"] for v in expected.values()))
    again = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert again.code == 0
    assert "already in the store" in again.out
    assert len(snapshot_dirs(isolated_home)) == 1


def manifest_dates(home: Path) -> list[tuple[str, str | None]]:
    found = [json.loads((d / "manifest.json").read_text()) for d in snapshot_dirs(home)]
    return [(m["snapshot_date"], m.get("dated_by")) for m in found]


def test_a_board_without_a_date_takes_the_last_modified_header(server: Board, capsys, monkeypatch,
                                                                isolated_home) -> None:
    serve_arena(server)
    server.extra_headers["/arena/leaderboard-text.json"] = {
        "Last-Modified": "Mon, 08 Sep 2025 21:14:03 GMT"}
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 0, result.err
    assert manifest_dates(isolated_home) == [("2025-09-08", "Last-Modified")]
    shown = run_cli(capsys, monkeypatch, "leaders")
    age = (date.today() - date(2025, 9, 8)).days
    assert f"text board published 2025-09-08, {age:,} days ago" in shown.out


def test_else_the_last_commit_of_the_file(server: Board, capsys, monkeypatch, isolated_home) -> None:
    """GitHub's commits API, as documented: a list of commits, newest first, each with
    commit.committer.date in ISO 8601."""
    serve_arena(server)
    server.files["/gh/commits"] = json.dumps([{"sha": "abc", "commit": {
        "author": {"date": "2025-06-30T08:00:00Z"},
        "committer": {"date": "2025-07-01T10:20:30Z"}}}]).encode()
    monkeypatch.setenv("OBSERVATORY_ARENA_COMMITS_URL", f"{server.base}/gh/commits")
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 0, result.err
    assert manifest_dates(isolated_home) == [("2025-07-01", "last commit of the file")]
    asked = [path for path, _ in server.requests if path.startswith("/gh/commits")]
    assert "/gh/commits?path=data/leaderboard-text.json&per_page=1" in asked


def test_only_failing_both_the_fetch_date_said_so(server: Board, capsys, monkeypatch,
                                                  isolated_home) -> None:
    serve_arena(server)
    monkeypatch.setenv("OBSERVATORY_ARENA_COMMITS_URL", f"{server.base}/gh/commits")  # 404
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 0, result.err
    today = date.today().isoformat()
    assert manifest_dates(isolated_home) == [(today, "fetch date")]
    shown = run_cli(capsys, monkeypatch, "leaders")
    assert f"text board fetched {today}, today (its publisher gave no date)" in shown.out


def test_update_retries_after_429(server: Board, capsys, monkeypatch) -> None:
    serve_arena(server)
    server.fail_first["/arena/leaderboard-text.json"] = 2
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 0, result.err
    hits = [p for p, _ in server.requests if p == "/arena/leaderboard-text.json"]
    assert len(hits) == 3


def test_update_aa_needs_a_key(server: Board, capsys, monkeypatch, isolated_home) -> None:
    """Asked for by name, a source that cannot run for want of its key is exit 2 (it once
    exited 0), in one line."""
    result = run_cli(capsys, monkeypatch, "update", "--source", "aa")
    assert result.code == 2
    assert err_lines(result.err) == [f"configuration: aa: {AA_KEY_REASON}"]
    assert snapshot_dirs(isolated_home) == []
    assert server.requests == []


def test_update_aa_with_key(server: Board, capsys, monkeypatch, isolated_home) -> None:
    server.files["/aa/data/llms/models"] = json.dumps(AA_PAYLOAD).encode()
    monkeypatch.setenv("AA_API_KEY", API_KEY)
    result = run_cli(capsys, monkeypatch, "update", "--source", "aa")
    assert result.code == 0, result.err
    assert server.requests[0][1].get("x-api-key") == API_KEY
    obs = Observatory(isolated_home)
    top = obs.top(n=5, open_weights_only=False, sel=Selection(board="aa"))
    assert list(top["model_name"]) == ["o3-mini", "Synthetic Open Model"]
    # The API carries no country: the registry attributes the creator slug.
    assert list(top["country"]) == ["US", "CN"]
    # The key is never written to the store.
    for path in isolated_home.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes()


def test_update_aa_bad_key_is_one_line(server: Board, capsys, monkeypatch) -> None:
    server.files["/aa/data/llms/models"] = json.dumps(AA_PAYLOAD).encode()
    monkeypatch.setenv("AA_API_KEY", "wrong")
    result = run_cli(capsys, monkeypatch, "update", "--source", "aa")
    assert result.code == 3  # said as unreachable: the API refused the request
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "HTTP 401" in lines[0] and "/aa/data/llms/models" in lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint_is_one_clear_line(capsys, monkeypatch, isolated_home) -> None:
    url = f"http://127.0.0.1:{closed_port()}/arena"
    monkeypatch.setenv("OBSERVATORY_ARENA_URL", url)
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 3
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("unreachable: arena-catalog: could not reach " + url)
    assert "Traceback" not in result.err
    assert snapshot_dirs(isolated_home) == []


def test_run_offline_ends_with_the_endpoint(capsys, monkeypatch) -> None:
    """`make run` offline: the main job ends with one line naming the unreachable endpoint."""
    hub = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("OBSERVATORY_HUB_URL", hub)
    result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 3  # a scheduler sees that no source was reached
    last = [line for line in result.err.splitlines() if line.strip()][-1]
    assert last.startswith(f"unreachable: arena: could not reach {hub}/api/datasets/{ARENA_REPO}/")


def test_api_key_is_not_sent_to_a_redirect_target(server: Board, capsys, monkeypatch) -> None:
    other = Board()
    other.files["/aa/data/llms/models"] = json.dumps(AA_PAYLOAD).encode()
    httpd, other_base = start(other)
    try:
        server.redirects["/aa/data/llms/models"] = f"{other_base}/aa/data/llms/models"
        monkeypatch.setenv("AA_API_KEY", API_KEY)
        result = run_cli(capsys, monkeypatch, "update", "--source", "aa")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert other.requests == []
    assert result.code == 3
    assert "HTTP 302" in result.err


def test_malformed_live_response_is_one_line(server: Board, capsys, monkeypatch, isolated_home) -> None:
    server.files["/arena/leaderboard-text.json"] = b'{"full": {"m": {"rating": "high"}}}'
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena-catalog")
    assert result.code == 2  # bad input from the source
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "full.m.rating" in lines[0]
    assert snapshot_dirs(isolated_home) == []


# --- the update job: one outcome per source, in the order asked ---------------------------------

HUB_REASON = ("the Hub collection runs on its own (hours at full-Hub scale); "
              "run `observatory update --source hub`")
AA_KEY_REASON = ("the Artificial Analysis API needs a key: set AA_API_KEY "
                 "(free at https://artificialanalysis.ai/documentation)")


def test_the_main_job_leaves_the_hub_to_its_own_command(obs) -> None:
    assert SOURCES == ("arena", "arena-catalog", "aa", "hub")
    assert MAIN_JOB == ("arena", "aa", "hub")
    assert set(FETCHERS) == {"arena-catalog", "aa"}
    assert SKIPPED == {"hub": HUB_REASON}
    endpoints = Endpoints(arena="http://127.0.0.1:9/arena", aa="http://127.0.0.1:9/aa")
    assert update_source(obs.catalog, "hub", endpoints, 1.0) == Outcome("hub", skipped=HUB_REASON)
    # A missing key is a reason to skip, checked before any request.
    missing = update_source(obs.catalog, "aa", endpoints, 1.0)
    assert (missing.source, missing.skipped, missing.report, missing.error) == (
        "aa", AA_KEY_REASON, None, None)
    assert isinstance(missing.unconfigured, ConfigError)  # a failure when asked for by name
    expected = r"--source: unknown source 'nope'; expected one of arena, arena-catalog, aa, hub"
    with pytest.raises(InputError, match=expected):
        update_source(obs.catalog, "nope", endpoints, 1.0)


def test_update_sources_gives_each_source_its_outcome_in_order(server: Board, obs) -> None:
    serve_arena(server)
    outcomes = update_sources(obs.catalog, ["hub", "aa", "arena-catalog"], 5.0)
    assert [o.source for o in outcomes] == ["hub", "aa", "arena-catalog"]
    assert [o.skipped for o in outcomes] == [HUB_REASON, AA_KEY_REASON, None]
    arena = outcomes[2]
    assert arena.error is None and arena.report is not None
    assert [r.format for r in arena.report.imported] == ["arena-catalog"]
    assert all(not path.startswith("/aa/") for path, _ in server.requests)


@pytest.fixture
def no_hub(server: Board, monkeypatch: pytest.MonkeyPatch) -> Board:
    """Point the Hub at the loopback server too, so a Hub request would be seen (never sent out)."""
    base = server.base
    monkeypatch.setenv("OBSERVATORY_HUB_URL", f"{base}/hub")
    monkeypatch.setenv("HF_ENDPOINT", f"{base}/hub")
    return server


def err_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def arena_hub(server: Board, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A fake Hub serving Arena's leaderboard dataset (one text publication); a Hub collection
    against it would show in its stats."""
    hub = FakeHub(FakeHubConfig(models=10))
    hub.start()
    hub.datasets.commit(ARENA_REPO, arena_files({"text": ["2026-09-08"]}))
    monkeypatch.setenv("OBSERVATORY_HUB_URL", hub.base_url)
    monkeypatch.setenv("HF_ENDPOINT", hub.base_url)
    try:
        yield hub
    finally:
        hub.stop()


@pytest.fixture
def hub_down(monkeypatch: pytest.MonkeyPatch) -> str:
    """The Hub (so Arena's dataset) at a port nobody listens on."""
    base = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("OBSERVATORY_HUB_URL", base)
    monkeypatch.setenv("HF_ENDPOINT", base)
    return base


def test_run_skips_the_hub_with_its_own_reason(arena_hub: FakeHub, capsys, monkeypatch,
                                               isolated_home: Path) -> None:
    """`observatory run` once reported the Hub as skipped for want of the AA key. It ends with
    the report site built into the data home, its path printed beside the headline."""
    result = run_cli(capsys, monkeypatch, "run")
    assert result.code == 0, result.err
    lines = err_lines(result.err)
    assert lines[:2] == [f"skipped aa: {AA_KEY_REASON}", f"skipped hub: {HUB_REASON}"]
    assert lines[2].startswith("built 16 pages in ") and len(lines) == 3
    index = isolated_home / "site" / "index.html"
    assert f"report: {index}" in result.out
    obs = Observatory(isolated_home)
    best = obs.leaders(sel=newest_selection(obs.connection())).sort_values("position").iloc[0]
    card = index.read_text().split("Best open model today")[1].split("</article>")[0]
    assert html.escape(str(best["model_name"])) in card
    assert "skipped hub: the Artificial Analysis API needs a key" not in result.err
    assert "imported 1 snapshot(s)" in result.out
    stats = arena_hub.stats()
    assert stats["dataset_files"] > 0
    assert stats["pages"] == 0 and stats["model_info"] == 0  # no Hub collection


def test_update_hub_alone_is_not_skipped(no_hub: Board, capsys, monkeypatch) -> None:
    """`update --source hub` runs the collection (here against a Hub that answers 404)."""
    result = run_cli(capsys, monkeypatch, "update", "--source", "hub", "--timeout", "2")
    assert result.code == 3
    lines = err_lines(result.err)
    assert len(lines) == 1
    assert lines[0].startswith(f"unreachable: hub: could not reach {no_hub.base}/hub/api/models"), lines[0]
    assert "skipped hub" not in result.err
    assert any(path.startswith("/hub/api/models") for path, _ in no_hub.requests)


def test_two_failed_sources_keep_their_own_prefixes(server: Board, hub_down: str, capsys, monkeypatch,
                                                    isolated_home) -> None:
    server.files["/aa/data/llms/models"] = b'{"status": 200, "data": [{"id": 1}]}'
    monkeypatch.setenv("AA_API_KEY", API_KEY)
    result = run_cli(capsys, monkeypatch, "update")
    assert result.code == 2  # bad input (2) before unreachable (3)
    lines = err_lines(result.err)
    assert len(lines) == 2, result.err
    assert lines[0].startswith(f"unreachable: arena: could not reach {hub_down}/api/datasets/{ARENA_REPO}/")
    assert lines[0].endswith(" (this may pass: run the same command again)")
    assert lines[1] == ("bad input: aa: aa-llms-models.json: unknown JSON layout; known formats: "
                        "aa-api-json, aa-compact-csv, aa-llms-json, arena-catalog, arena-daily, "
                        "arena-dataset, arena-scatterplot, "
                        "hf-model-tree, hf-space-elo-max, hf-space-table, hub-listing, lmarena-csv, "
                        "open-llm-v1, open-llm-v2, open-llm-v2-flat, votes-arena, votes-clean-battle, "
                        "votes-csv")
    assert "Traceback" not in result.err
    assert snapshot_dirs(isolated_home) == []


def test_a_missing_key_is_a_skip_beside_a_failure(server: Board, hub_down: str, capsys,
                                                  monkeypatch) -> None:
    """``update`` with its default sources: AA without a key is skipped, said on its line."""
    result = run_cli(capsys, monkeypatch, "update")
    assert result.code == 3
    lines = err_lines(result.err)
    assert len(lines) == 2, result.err
    assert lines[0] == f"skipped aa: {AA_KEY_REASON}"  # as it ends; the failures last
    assert lines[1].startswith(f"unreachable: arena: could not reach {hub_down}/api/datasets/")
    assert not any(line.startswith("configuration:") for line in lines)
    assert server.requests == []


def test_a_source_named_without_its_key_is_a_usage_failure(server: Board, hub_down: str, capsys,
                                                            monkeypatch) -> None:
    """Beside an unreachable source, a source named without its key still gives exit 2."""
    result = run_cli(capsys, monkeypatch, "update", "--source", "aa", "--source", "arena")
    assert result.code == 2
    lines = err_lines(result.err)
    assert len(lines) == 2, result.err
    assert lines[0] == f"configuration: aa: {AA_KEY_REASON}"
    assert lines[1].startswith(f"unreachable: arena: could not reach {hub_down}/api/datasets/")
    assert server.requests == []


def test_run_with_every_source_down_says_so_line_by_line(server: Board, hub_down: str, capsys,
                                                         monkeypatch) -> None:
    monkeypatch.setenv("AA_API_KEY", "wrong")
    result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 3
    lines = err_lines(result.err)
    assert lines[0] == f"skipped hub: {HUB_REASON}"
    assert lines[1] == ("the store has no board data yet; import the shipped history with "
                        "`observatory import ../shared/data`")
    assert lines[2].startswith(f"unreachable: arena: could not reach {hub_down}/api/datasets/")
    assert lines[3] == (f"unreachable: aa: could not reach {server.base}/aa/data/llms/models: HTTP 401 "
                        "(access refused: check the API key, e.g. AA_API_KEY) "
                        "(this may pass: run the same command again)")
    assert len(lines) == 4


# --- the headline of `observatory run` ----------------------------------------------------------

def days_since(day: str) -> int:
    return (date.today() - date.fromisoformat(day)).days


def test_run_prints_who_leads_with_the_board_date_age_and_solidity(arena_hub: FakeHub, capsys,
                                                                   monkeypatch) -> None:
    """The served board (``arena_rows``): DeepSeek-R1 (CN, MIT) first at 1400 +- 5, then
    Gemma-3-27B-it (US, Gemma licence) at 1376 +- 5: a solid lead. Published 2026-09-08."""
    rows = [r for r in arena_rows(["2026-09-08"]) if r["category"] == "overall"]
    first, us = rows[0], next(r for r in rows if r["organization"] == "Google")
    assert first["rating_lower"] > us["rating_upper"]  # the fixture's premise
    result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 0, result.err
    lines = [line.strip() for line in result.out.splitlines()]
    assert (f"Best open model today: {first['model_name']} (CN), rating {first['rating']:.0f} "
            f"(95% interval {first['rating_lower']:.0f} to {first['rating_upper']:.0f})") in lines
    assert (f"its lead over {us['model_name']} (US) is statistically solid: their 95% intervals "
            "do not overlap") in lines
    age = days_since("2026-09-08")
    assert f"on the text board published 2026-09-08, {age:,} days ago" in lines
    if age > 30:
        assert f"stale: arena: nothing new published since 2026-09-08 ({age:,} days)" in lines


def test_run_offline_shows_the_store_then_the_one_clear_line(hub_down: str, capsys,
                                                             monkeypatch) -> None:
    need_shared(TEXT_BOARD)
    imported = run_cli(capsys, monkeypatch, "import", str(TEXT_BOARD))
    assert imported.code == 0, imported.err
    result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 3  # the store answered; no source could be reached
    assert "Best open model today: " in result.out
    assert "text board fetched 2025-05-24" not in result.out  # a dated file keeps its date
    assert f"on the text board published 2025-05-24, {days_since('2025-05-24'):,} days ago" in result.out
    last = err_lines(result.err)[-1]
    assert last.startswith(f"unreachable: arena: could not reach {hub_down}/api/datasets/")


def test_a_run_while_another_holds_the_lock_stops_at_once(hub_down: str, capsys, monkeypatch,
                                                          isolated_home: Path) -> None:
    """A scheduled run that starts while the last one is still going: one line, no request."""
    from tests.store.helpers import held_elsewhere

    with held_elsewhere(isolated_home):  # another writer (a thread of its own)
        result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 4
    [line] = err_lines(result.err)
    assert line.startswith("locked: another writer is using the data home (pid ")
    assert line.endswith(f"nothing done (lock: {isolated_home / 'run.lock'}; `--wait SECONDS` "
                         "waits for it)")
    assert "could not reach" not in result.err  # stopped before any source was tried
    after = run_cli(capsys, monkeypatch, "run", "--no-report")  # the lock went with its holder
    assert "locked: another" not in after.err


def test_a_second_run_the_same_day_fetches_nothing_and_says_so(arena_hub: FakeHub, capsys,
                                                               monkeypatch) -> None:
    """The daily schedule fires twice (a retry, a second timer): the second run asks nothing of
    any source, says why, and still shows who leads; ``--force`` fetches again."""
    first = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert first.code == 0, first.err
    requests = arena_hub.stats()["requests"]
    again = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert again.code == 0, again.err
    assert "today's run already reached every source" in again.out
    assert "`observatory run --force` fetches again" in again.out
    assert "Best open model today: " in again.out
    assert arena_hub.stats()["requests"] == requests  # nothing fetched
    forced = run_cli(capsys, monkeypatch, "run", "--force", "--no-report")
    assert forced.code == 0, forced.err
    assert arena_hub.stats()["requests"] > requests
    assert "already in the store" in forced.out


def test_a_run_that_failed_is_not_recorded(hub_down: str, capsys, monkeypatch,
                                           isolated_home: Path) -> None:
    result = run_cli(capsys, monkeypatch, "run", "--no-report")
    assert result.code == 3
    assert not (isolated_home / "last_run.json").exists()  # the next run tries again
