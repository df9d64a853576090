"""The JSON API of `observatory serve`: the CLI's numbers, validated parameters, provenance on
every response, assets only by name (from memory)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from observatory.api import Observatory
from observatory.web.live import Live
from observatory.web.server import create_app
from tests.cli_runner import run_cli


@pytest.fixture(scope="module")
def web_home(full_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the home with every shipped leaderboard: this file adds a snapshot to it."""
    copy = tmp_path_factory.mktemp("web") / "home"
    shutil.copytree(full_home, copy)
    return copy


@pytest.fixture(scope="module")
def client(web_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    site = tmp_path_factory.mktemp("site")
    with TestClient(create_app(Live(obs=Observatory(web_home)), site)) as test_client:
        yield test_client


@pytest.fixture
def home(web_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OBSERVATORY_HOME", str(web_home))
    return web_home


def cli_rows(capsys, monkeypatch, *args: str) -> list[dict]:
    result = run_cli(capsys, monkeypatch, *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize(("url", "args"), [
    ("/api/leaders?as_of=2025-07-18", ["leaders", "--as-of", "2025-07-18"]),
    ("/api/leaders?by=org&board=aa", ["leaders", "--by", "org", "--board", "aa"]),
    ("/api/top?n=5&style_control=true", ["top", "--n", "5", "--style-control"]),
    ("/api/top?n=10&by=country&board=aa", ["top", "--by", "country", "--board", "aa"]),
    ("/api/lead-changes", ["lead-changes"]),
    ("/api/gap?category=coding&style_control=true",
     ["gap", "--category", "coding", "--style-control"]),
    ("/api/timeline?by=org", ["leaders", "--timeline", "--by", "org"]),
])
def test_the_api_gives_the_cli_numbers(client: TestClient, home: Path, capsys, monkeypatch,
                                       url: str, args: list[str]) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    body = response.json()
    expected = cli_rows(capsys, monkeypatch, *args)
    assert body["rows"] == expected
    assert len(expected) > 0


def test_responses_carry_the_query_and_provenance(client: TestClient) -> None:
    body = client.get("/api/top", params={"n": 3, "board": "aa"}).json()
    assert body["view"] == "top"
    query = body["query"]  # every validated parameter, defaults spelled out
    assert (query["n"], query["board"], query["open_only"], query["as_of"]) == (3, "aa", True, None)
    assert body["method_version"]
    assert body["provenance"]["sources"] == ["Artificial Analysis"]
    assert len(body["rows"]) == 3
    for row in body["rows"]:  # each row says where it came from
        assert row["source"].startswith("aa-") and row["snapshot_id"] and row["snapshot_date"]
    assert body["provenance"]["dates"] == body["rows"][0]["snapshot_date"]


def test_an_unknown_parameter_is_the_same_query(client: TestClient) -> None:
    """The answer is kept per validated query: junk in the URL neither forces a new computation
    nor comes back in the answer."""
    live: Live = client.app.state.live
    plain = client.get("/api/gap").json()
    kept = [key for key in live._kept if key[:2] == ("api", "gap")]
    for junk in ("x=1", "x=2", "by_the_way=%3Cb%3E"):
        assert client.get(f"/api/gap?{junk}&category=full").json() == plain
    assert [key for key in live._kept if key[:2] == ("api", "gap")] == kept


@pytest.mark.parametrize(("url", "field", "says"), [
    ("/api/top?n=0", "n", "greater than or equal to 1"),
    ("/api/top?n=ten", "n", "valid integer"),
    ("/api/leaders?board=text%27%3B%20DROP%20TABLE%20snapshots%3B--", "board", "pattern"),
    ("/api/leaders?as_of=yesterday", "as_of", "valid date"),
    ("/api/leaders?by=planet", "by", "'country' or 'org'"),
    ("/api/gap?style_control=maybe", "style_control", "valid boolean"),
    ("/api/derivatives?relation=sideways", "relation", "'finetune'"),
    ("/api/share?start=2025-01-01", "end", "Field required"),
])
def test_bad_parameters_are_422_naming_the_parameter(client: TestClient, url: str, field: str,
                                                     says: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert field in detail[0]["loc"]
    assert says in detail[0]["msg"]


def test_a_window_backwards_is_422_with_a_sentence(client: TestClient) -> None:
    response = client.get("/api/share", params={"start": "2025-08-01", "end": "2024-08-01"})
    assert response.status_code == 422
    assert response.json()["detail"] == ("the window's start (2025-08-01) must be before its end "
                                         "(2024-08-01)")


def test_a_view_without_data_is_404_naming_the_command(client: TestClient) -> None:
    response = client.get("/api/downloads")
    assert response.status_code == 404
    assert "observatory backfill --source hub-weekly" in response.json()["detail"]


def test_a_board_that_does_not_exist_is_422_not_500(client: TestClient) -> None:
    response = client.get("/api/leaders", params={"board": "nosuchboard"})
    assert response.status_code == 422
    assert "nosuchboard" in response.json()["detail"]


@pytest.mark.parametrize("url", [
    "/assets/../../../../etc/passwd",
    "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2f..%2fetc%2fpasswd",
    "/data/..%2f..%2fcatalog.duckdb.csv",
    "/charts/..%2fmanifest.svg",
    "/..%2f..%2fetc%2fpasswd.html",
])
def test_path_traversal_is_refused(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "root:" not in response.text


def test_assets_are_served_with_the_policy(client: TestClient) -> None:
    response = client.get("/assets/site.js")
    assert response.status_code == 200
    assert "vegaEmbed" in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_the_documentation_page_is_not_blocked_by_the_policy(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "content-security-policy" not in docs.headers
    assert "content-security-policy" in client.get("/q04-top.html").headers


def test_openapi_documents_every_view(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for view in ("leaders", "lead-changes", "gap", "top", "likes", "downloads", "share",
                 "derivatives", "licences", "architecture", "org-ranks"):
        assert f"/api/{view}" in paths
    parameters = {p["name"] for p in paths["/api/leaders"]["get"]["parameters"]}
    assert {"as_of", "board", "category", "style_control", "by", "index_version"} <= parameters


def test_pages_and_their_files_are_served_live(client: TestClient) -> None:
    page = client.get("/q04-top.html")
    assert page.status_code == 200 and "<h1>The top open models by country</h1>" in page.text
    table = client.get("/data/q04-top.csv")
    assert table.status_code == 200 and table.text.startswith("board,category,style_control")
    chart = client.get("/charts/q04-top.svg")
    assert chart.status_code == 200 and chart.text.startswith("<svg")
    assert client.get("/q99-nothing.html").status_code == 404
    assert client.get("/charts/q04-top.gif").status_code == 404


def test_a_new_snapshot_is_served_without_a_restart(client: TestClient, web_home: Path,
                                                     tmp_path: Path) -> None:
    before = client.get("/api/snapshots").json()["rows"]
    today = date.today().isoformat()  # newer than every shipped board, and not in the future
    board = tmp_path / f"leaderboard-text_{today}.json"
    board.write_text(json.dumps({"full": {"brand-new-model": {
        "rating": 1500.0, "rating_q025": 1490.0, "rating_q975": 1510.0}}}))
    Observatory(web_home).import_paths([board], fmt="arena-catalog")
    after = client.get("/api/snapshots").json()["rows"]
    assert len(after) == len(before) + 1
    top = client.get("/api/top", params={"n": 1, "open_only": "false"}).json()["rows"]
    assert top[0]["model_name"] == "brand-new-model"
    assert top[0]["snapshot_date"] == today


def test_concurrent_first_requests_compute_once_and_agree(client: TestClient) -> None:
    """Twenty requests at once for queries not kept yet: the library runs one computation at a
    time (its connection is not shared between threads), and each answer is the one a lone
    request gets."""
    from concurrent.futures import ThreadPoolExecutor

    urls = [f"/api/top?n={n}&board=aa" for n in range(11, 16)] * 4
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(client.get, urls))
    assert all(answer.status_code == 200 for answer in answers)
    for url, answer in zip(urls, answers, strict=True):
        assert answer.json() == client.get(url).json()
        assert len(answer.json()["rows"]) == int(url.split("n=")[1].split("&")[0])


def test_an_edited_override_file_is_seen_without_a_restart(web_home: Path, tmp_path: Path,
                                                           monkeypatch) -> None:
    """The registry's override files are part of what the server watches: a file edited in
    place (its folder's time unchanged) starts the answers afresh."""
    overrides = tmp_path / "registry"
    overrides.mkdir()
    facts = overrides / "model_facts.csv"
    facts.write_text("model_key\n")
    monkeypatch.setenv("OBSERVATORY_REGISTRY", str(overrides))
    live = Live(obs=Observatory(web_home))
    before = live.version()
    folder_time = overrides.stat().st_mtime_ns
    facts.write_text("model_key,org_id\nx,meta\n")
    assert overrides.stat().st_mtime_ns == folder_time
    assert live.version() != before
