"""Nothing private in what is published: the report site, the export and the API's answers never
name a path of the machine (the data home, the user's home, the folder files were imported
from). The data home is named ``$OBSERVATORY_HOME``, ``~/...`` or by its folder's name; a
snapshot's origin is a URL or a file's name."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from observatory.api import Observatory
from observatory.config import home_label, public_origin, public_text
from observatory.web import render
from observatory.web.live import Live
from observatory.web.report import build_report
from observatory.web.server import create_app
from tests.conftest import SHARED, need_shared

USER = "zebulon-quarrington-7f3"  # a user name that appears nowhere else
FILES = [  # real boards, Hub listings and model trees: pages of every kind have rows
    *sorted((SHARED / "fboulnois-llm-leaderboard-csv" / "lmarena_text_history").glob("*.csv"))[-6:],
    *sorted((SHARED / "artificial-analysis-daily" / "raw_llms_snapshots").glob("llms_*.json")),
    *sorted((SHARED / "hf-model-tree").glob("*.csv")),
    *sorted((SHARED / "hub-trending-daily").glob("*.json")),
]
# Parameters a route needs; every other route is called with its defaults.
REQUIRED = {"/api/share": {"start": "2024-01-01", "end": "2026-12-01"}}
# Answers that fail (no data, bad input): their error text is published too.
FAILING = ["/api/leaders?as_of=1999-01-01", "/api/downloads", "/api/leaders?board=nonesuch",
           "/api/share?start=2020-01-01&end=2020-02-01", "/api/top?index_version=v0&board=aa"]


@dataclass
class Published:
    user: Path  # $HOME
    home: Path  # the data home, under it
    site: Path
    export: Path
    answers: dict[str, str]  # URL -> the API's response text


def needles(published: Published) -> list[str]:
    """Every spelling of the private paths: as given and with links resolved."""
    found = {USER}
    for path in (published.home, published.user, SHARED):
        found |= {str(path), os.path.realpath(path)}
    return sorted(found)


def unescaped(data: bytes) -> str:
    """A file's text with JSON's escaped slashes (pandas writes ``\\/``) undone."""
    return data.decode("utf-8", errors="replace").replace("\\/", "/")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    need_shared(*FILES)
    root = tmp_path_factory.mktemp("published")
    user = root / USER
    home = user / "observatory-data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(user))
        patch.setenv("OBSERVATORY_HOME", str(home))
        patch.setenv("OBSERVATORY_REGISTRY", str(root / "no-overrides"))
        obs = Observatory(home)
        obs.import_paths([path.absolute() for path in FILES])  # origins are absolute paths
        # Vega's bundle as an earlier build left it (bundling takes seconds; its bytes are
        # Vega's own, not the store's)
        assets = home / "site" / "assets"
        assets.mkdir(parents=True)
        (assets / "VERSION").write_text(render.stamp())
        (assets / "vega.js").write_text("/* vega */")
        build_report(obs, user / "site", images=False)
        obs.export(user / "export")
        answers = {}
        with TestClient(create_app(Live(obs=obs), user / "site")) as client:
            schema = client.get("/openapi.json").json()  # every route of the API
            routes = sorted(path for path in schema["paths"] if path.startswith("/api/"))
            assert len(routes) >= 10
            for url in routes:
                response = client.get(url, params=REQUIRED.get(url, {}))
                assert response.status_code in (200, 404), (url, response.text)
                answers[url] = response.text
            for url in FAILING:
                response = client.get(url)
                assert response.status_code >= 400, (url, response.text)
                answers[url] = response.text
        yield Published(user, home, user / "site", user / "export", answers)


def test_no_published_file_or_answer_names_a_path_of_the_machine(published: Published) -> None:
    files = [p for folder in (published.site, published.export) for p in folder.rglob("*")
             if p.is_file()]
    assert len(files) > 40
    texts = {str(p): unescaped(p.read_bytes()) for p in files}
    texts |= {f"GET {url}": text.replace("\\/", "/") for url, text in published.answers.items()}
    for needle in needles(published):
        leaks = [name for name, text in texts.items() if needle in text]
        assert leaks == [], f"{needle} is published in {leaks}"


def test_the_footer_and_the_manifest_name_the_data_home_by_its_variable(published: Published) -> None:
    import json

    assert "the store at <code>$OBSERVATORY_HOME</code>" in (published.site / "index.html").read_text()
    assert json.loads((published.site / "manifest.json").read_text())["home"] == "$OBSERVATORY_HOME"


def test_the_snapshot_lists_give_each_origin_by_its_files_name(published: Published) -> None:
    import json

    names = {path.name for path in FILES}
    exported = json.loads((published.export / "snapshots.json").read_text())
    answered = json.loads(published.answers["/api/snapshots"])["rows"]
    for rows in (exported, answered):
        assert len(rows) >= len(FILES)
        assert {row["origin"] for row in rows} <= names
    # the terminal's `store list` keeps the paths as imported (it is not published)
    local = Observatory(published.home).snapshots(local=True)
    assert set(local["origin"]) <= {str(path.absolute()) for path in FILES}


def test_an_answers_error_names_no_path(published: Published) -> None:
    import json

    for url in FAILING:
        detail = json.loads(published.answers[url])["detail"]
        assert isinstance(detail, (str, list)) and detail


# --- the names published files use -----------------------------------------------------------

def test_the_data_home_is_named_by_the_variable_the_users_home_or_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "ann"
    monkeypatch.setenv("HOME", str(user))
    monkeypatch.setenv("OBSERVATORY_HOME", str(user / "obs"))
    assert home_label(user / "obs") == "$OBSERVATORY_HOME"
    monkeypatch.delenv("OBSERVATORY_HOME")
    assert home_label(user / ".local" / "share" / "observatory") == "~/.local/share/observatory"
    assert home_label(tmp_path / "srv" / "observatory-home") == "observatory-home"


def test_an_origin_keeps_a_url_and_names_a_local_file(tmp_path: Path) -> None:
    assert public_origin("https://huggingface.co/datasets/x/resolve/abc/a.parquet") == \
        "https://huggingface.co/datasets/x/resolve/abc/a.parquet"
    assert public_origin(str(tmp_path / "boards" / "lmsys_2025-01-01.csv")) == "lmsys_2025-01-01.csv"
    assert public_origin("../shared/data/aa/llms.json") == "llms.json"
    assert public_origin(r"C:\Users\ann\boards\b.csv") == "b.csv"
    assert public_origin("observatory") == "observatory"
    assert public_origin("votes snapshot 1a2b") == "votes snapshot 1a2b"


def test_a_message_names_no_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "ann"
    monkeypatch.setenv("HOME", str(user))
    monkeypatch.setenv("OBSERVATORY_HOME", str(user / "obs"))
    text = (f"{user}/obs/snapshots/x/manifest.json: unreadable; see {user}/notes.txt, "
            f"{user}x/other and /srv/data/file.csv or https://example.org/a/b (1/2 done)")
    assert public_text(text, user / "obs") == (
        "$OBSERVATORY_HOME/snapshots/x/manifest.json: unreadable; see ~/notes.txt, other and "
        "file.csv or https://example.org/a/b (1/2 done)")
