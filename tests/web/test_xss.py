"""Names are text, never markup: a model named ``<script>alert(1)</script>`` and an organisation
named ``<img src=x onerror=alert(2)>Evil Org`` (``tests.web.hostile``) shown by the static
report opened from ``file://`` and by ``observatory serve``, in the pages' cards, tables and
charts, in the charts' SVG files and through the JSON API. In chromium: no dialog opens, no
``img[src=x]`` or ``onerror`` attribute exists, the only scripts are the site's own, and the
literal names are on the page. The store is small (built once for the file), so the pages'
charts are checked to draw here too, with or without the shared data."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from observatory.api import Observatory
from observatory.web.report import build_report
from tests.web.conftest import Watched, assert_drawn, env_for, serving
from tests.web.hostile import EVIL_ORG, SCRIPT_MODEL, hostile_store

# page -> the hostile names it shows (the organisation is AA's creator: Q12 and its card)
PAGES = {"index": (SCRIPT_MODEL, EVIL_ORG), "q01-leaders": (SCRIPT_MODEL,),
         "q02-lead-changes": (SCRIPT_MODEL,),
         "q04-top": (SCRIPT_MODEL,), "q12-index": (SCRIPT_MODEL, EVIL_ORG)}
# A chart whose axis labels are the models' names.
NAMED_CHARTS = {"q04-top": "q04-top", "q12-index": "q12-index-top"}
SITE_SCRIPTS = ["assets/vega.js", "assets/site.js"]
# Every <script> of the page: its src, or its type when it has none.
SCRIPTS = "() => [...document.scripts].map(s => s.getAttribute('src') || 'inline:' + s.type)"
# Any element carrying an event-handler attribute (onerror, onload, onclick, ...).
HANDLERS = ("() => [...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).map(e => e.outerHTML.slice(0, 120))")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Observatory:
    """The hostile store, and the library the static site and the server both read."""
    tmp = tmp_path_factory.mktemp("hostile")
    with env_for(tmp):
        return hostile_store(tmp / "files", tmp / "home")


@pytest.fixture(scope="module")
def static_url(hostile: Observatory, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The static report of the hostile store (no PNG/SVG files: the server draws those)."""
    tmp = tmp_path_factory.mktemp("hostile-site")
    with env_for(tmp):
        build_report(hostile, tmp / "site", images=False)
    return (tmp / "site").as_uri()


@pytest.fixture(scope="module")
def served_url(hostile: Observatory, static_url: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(hostile, tmp_path_factory.mktemp("hostile-served")) as url:
        yield url


@pytest.fixture(params=["static", "served"])
def base_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def _url(base: str, slug: str) -> str:
    return f"{base}/{slug}.html"


def _assert_inert(tab: Watched, where: str) -> None:
    """Nothing the names carry ran or became an element."""
    page = tab.page
    assert tab.dialogs == [], f"{where}: a script ran and opened {tab.dialogs}"
    assert tab.errors == [], f"{where}: {tab.errors}"
    assert tab.violations() == [], f"{where}: the policy refused {tab.violations()}"
    assert page.locator("img[src='x']").count() == 0, f"{where}: the organisation became an <img>"
    assert page.evaluate(HANDLERS) == [], f"{where}: an element carries an event handler"
    scripts = page.evaluate(SCRIPTS)
    assert [s for s in scripts if not s.startswith("inline:")] == SITE_SCRIPTS, f"{where}: {scripts}"
    assert {s for s in scripts if s.startswith("inline:")} <= {"inline:application/json"}, scripts


@pytest.mark.parametrize("slug", list(PAGES))
def test_names_are_text_on_every_page(tab: Watched, base_url: str, slug: str) -> None:
    """The page shows each hostile name literally (a table cell, a card line, a chart's axis
    label holds it as text), draws its charts, and runs nothing the names carry."""
    charts = tab.open(_url(base_url, slug))
    _assert_inert(tab, slug)
    assert_drawn(charts, slug)
    page = tab.page
    text = page.locator("main").text_content() or ""
    for name in PAGES[slug]:
        assert name in text, f"{slug}: {name!r} is not shown as text"
    if slug == "index":
        _assert_cards(tab)
        return
    assert charts, f"{slug}: the store answers this question with a chart"
    cells = page.locator("main td").all_text_contents()
    assert SCRIPT_MODEL in cells, f"{slug}: no table cell reads {SCRIPT_MODEL!r}"
    if slug in NAMED_CHARTS:
        labels = page.locator(f"#chart-{NAMED_CHARTS[slug]} svg text").all_text_contents()
        assert SCRIPT_MODEL in labels, f"{slug}: the chart's labels are {labels}"


def _assert_cards(tab: Watched) -> None:
    """The index's headline cards (visible text, not only the DOM) name the hostile model and
    its organisation: the AA card says both; the lead-change card names the model passed."""
    cards = tab.page.locator("article.card")
    index_card = cards.filter(has_text="Best open model on the AA index")
    assert index_card.locator("p.value").inner_text() == f"{SCRIPT_MODEL} (US)"
    assert f"({EVIL_ORG})" in index_card.inner_text()
    change_card = cards.filter(has_text="The lead last changed hands")
    assert f"B passed {SCRIPT_MODEL}" in change_card.inner_text()


def test_served_navigation(tab: Watched, served_url: str) -> None:
    """Through the server: from the index's list of questions to a page and back, by the
    header's links and the browser's history; each page's h1 is its title."""
    page = tab.page
    tab.open(_url(served_url, "index"))
    page.locator("ol.questions a", has_text="Q12:").click()
    page.wait_for_url(f"{served_url}/q12-index.html")
    assert page.locator("h1").inner_text() == "The Artificial Analysis index"
    assert page.locator("header nav a[aria-current=page]").inner_text() == "Q12"
    assert_drawn(tab.charts(), "q12-index")
    page.locator("header nav a", has_text="Q4").click()
    page.wait_for_url(f"{served_url}/q04-top.html")
    assert page.locator("h1").inner_text() == "The top open models by country"
    page.go_back()
    page.wait_for_url(f"{served_url}/q12-index.html")
    assert page.locator("h1").inner_text() == "The Artificial Analysis index"
    page.locator("header a.brand").click()
    page.wait_for_url(f"{served_url}/index.html")
    assert page.locator("h1").inner_text() == "Who leads open-weight AI?"
    _assert_inert(tab, "navigation")


def test_served_svg_chart_is_inert(tab: Watched, served_url: str) -> None:
    """The chart as an SVG file (a download; opened alone it is a document that could run
    scripts): the name is escaped in it, and chromium shows it as text."""
    url = f"{served_url}/charts/q12-index-top.svg"
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script" not in response.text and "<img" not in response.text
    tab.page.goto(url)
    assert SCRIPT_MODEL in tab.page.locator("text").all_text_contents()
    assert tab.dialogs == [] and tab.errors == []
    assert tab.page.locator("img").count() == 0


@pytest.mark.parametrize(("path", "field", "expected"), [
    ("/api/top?board=aa", "model_name", SCRIPT_MODEL),
    ("/api/top?board=aa", "org_name", EVIL_ORG),
    ("/api/leaders?by=org&board=aa", "org_name", EVIL_ORG),
    ("/api/top", "model_name", SCRIPT_MODEL),
])
def test_api_returns_names_as_json_strings(served_url: str, path: str, field: str,
                                           expected: str) -> None:
    """The API gives the name as it is, a plain JSON string (not HTML-escaped: escaping is the
    page's job), served as JSON the browser must not sniff as HTML."""
    response = httpx.get(served_url + path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "&lt;" not in response.text and "\\u003c" not in response.text
    values = [row[field] for row in response.json()["rows"]]
    assert expected in values, values


def test_api_in_the_browser_is_inert(tab: Watched, served_url: str) -> None:
    """The API response opened as a page: JSON shown as text, nothing runs."""
    tab.page.goto(f"{served_url}/api/top?board=aa")
    body = tab.page.locator("body").inner_text()
    assert f'"model_name":"{SCRIPT_MODEL}"' in body
    assert f'"org_name":"{EVIL_ORG}"' in body
    assert tab.page.locator("img").count() == 0
    assert tab.dialogs == [] and tab.errors == []


def test_served_pages_have_an_icon(tab: Watched, served_url: str) -> None:
    """A served page leaves chromium nothing to fail on: it names an icon, or the server has
    the one chromium asks for (/favicon.ico)."""
    tab.open(_url(served_url, "q04-top"))
    declared = tab.page.locator("link[rel~=icon]").count() > 0
    assert declared or httpx.get(f"{served_url}/favicon.ico").status_code == 200
