"""The report of the real shipped leaderboards in chromium: every page of the static site opened
from ``file://`` loads without a console error or an uncaught exception, says its title, and
draws its charts (SVG with data marks); the links lead from the index to the questions and
back; every served page draws the same charts live under the server's policy, which allows no
eval (a chart Vega compiled to code would fail to draw: checked too); a screenshot of the index
is kept as a test artifact. The site is built once for the file, without PNG/SVG files (the browser draws the
charts from the specs in the pages)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx
import pytest

from observatory.api import Observatory
from observatory.web.pages import PAGES
from observatory.web.report import build_report
from tests.web.conftest import Watched, artifacts_dir, assert_drawn, env_for, serving

TITLES = {page.slug: page.title for page in PAGES}
# The questions the shipped leaderboards answer, and the kinds of marks their charts draw
# (Vega's mark-* classes: dots, lines and interval bands, interval rules).
ANSWERED = {"q01-leaders": {"mark-line"}, "q02-lead-changes": {"mark-symbol"},
            "q03-gap": {"mark-line"}, "q04-top": {"mark-symbol", "mark-rule"},
            "q11-architecture": {"mark-line"}, "q12-index": {"mark-symbol", "mark-line"},
            "q13-categories": {"mark-symbol", "mark-rule"}}
# Every local file a page points to (links, style sheets, scripts), resolved by the browser.
TARGETS = ("() => [...document.querySelectorAll('a[href], link[href], script[src]')]"
           ".map(e => e.href || e.src).filter(u => u.startsWith('file:'))")


@pytest.fixture(scope="module")
def real(full_home: Path) -> Observatory:
    """The library the static site and the server both read."""
    return Observatory(full_home)


@pytest.fixture(scope="module")
def static_site(real: Observatory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("real-site")
    with env_for(tmp):
        build_report(real, tmp / "site", images=False)
    return tmp / "site"


@pytest.fixture(scope="module")
def served_url(real: Observatory, static_site: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(real, tmp_path_factory.mktemp("real-served")) as url:
        yield url


def _page(site: Path, slug: str) -> str:
    return (site / f"{slug}.html").as_uri()


def _assert_page(tab: Watched, slug: str, charts: list) -> None:
    """The page's title, its charts drawn with the expected kinds of marks, nothing failed."""
    assert tab.page.locator("h1").inner_text() == TITLES[slug]
    assert tab.errors == [], f"{slug}: {tab.errors}"
    assert tab.dialogs == [], f"{slug}: {tab.dialogs}"
    assert tab.violations() == [], f"{slug}: the policy refused {tab.violations()}"
    assert_drawn(charts, slug)
    if slug in ANSWERED:
        kinds = {kind for chart in charts for kind in chart.kinds}
        assert charts and ANSWERED[slug] <= kinds, f"{slug}: charts {charts}"
        assert tab.page.locator("section.missing").count() == 0
    else:  # no data for it in the leaderboards: said so, with the command that fills it
        assert charts == []
        assert "No data for this question yet" in tab.page.locator("section.missing").inner_text()


def _targets(tab: Watched) -> list[Path]:
    return [Path(url2pathname(urlsplit(url).path)) for url in tab.page.evaluate(TARGETS)]


@pytest.mark.parametrize("slug", list(TITLES))
def test_static_page_draws_its_charts(tab: Watched, static_site: Path, slug: str) -> None:
    """...and every file it points to is in the site."""
    _assert_page(tab, slug, tab.open(_page(static_site, slug)))
    targets = _targets(tab)
    assert targets and all(t.is_relative_to(static_site) for t in targets), targets
    assert [t for t in targets if not t.is_file()] == []


def test_no_images_report_has_no_dead_downloads(tab: Watched, static_site: Path) -> None:
    """Built with images=False: the charts are drawn, and no download links to a missing file."""
    charts = tab.open(_page(static_site, "q04-top"))
    assert charts
    assert not (static_site / "charts").exists()
    assert [t for t in _targets(tab) if t.parent.name == "charts"] == []


@pytest.mark.parametrize("slug", ["index", *TITLES])
def test_served_page_draws_its_charts(tab: Watched, served_url: str, slug: str) -> None:
    """Under the server's policy (no 'unsafe-eval'): drawn, nothing refused, no console error."""
    response = tab.page.goto(f"{served_url}/{slug}.html")
    assert response is not None and response.ok
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    charts = tab.charts()
    if slug == "index":
        assert charts == [] and tab.errors == [] and tab.violations() == []
    else:
        _assert_page(tab, slug, charts)


def test_a_chart_that_needs_eval_fails_under_the_policy(tab: Watched, served_url: str) -> None:
    """What makes the served-page test fail if a chart needed eval: with a site.js that lets
    Vega compile its expressions (no ``ast``), the policy refuses the eval and no chart draws."""
    script = httpx.get(f"{served_url}/assets/site.js").text
    assert "ast: true" in script
    compiling = script.replace("ast: true", "ast: false")
    tab.page.route("**/assets/site.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=compiling))
    charts = tab.open(f"{served_url}/q04-top.html")
    assert charts and all(chart.error and not chart.rendered for chart in charts), charts
    assert any(v.startswith("script-src refused eval") for v in tab.violations()), tab.violations()
    with pytest.raises(AssertionError, match="was not drawn"):
        assert_drawn(charts, "q04-top")


def test_index_links_lead_to_every_question(tab: Watched, static_site: Path) -> None:
    """The index's list of questions links every page, in order, to files that exist; its
    headline cards link to their pages."""
    tab.open(_page(static_site, "index"))
    links = tab.page.locator("ol.questions a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [page.file for page in PAGES]
    assert all((static_site / str(href)).is_file() for href in hrefs)
    cards = tab.page.locator("article.card h2 a")
    assert cards.count() == 6
    assert tab.errors == []


def test_navigation(tab: Watched, static_site: Path) -> None:
    """Clicking from the index to a question (the list, the header, a card) and back (the
    brand link, the browser's history): each page's h1 is its title, the header marks it."""
    page = tab.page
    tab.open(_page(static_site, "index"))
    index_h1 = page.locator("h1").inner_text()
    assert index_h1 == "Who leads open-weight AI?"
    page.locator("ol.questions a", has_text="Q3:").click()
    page.wait_for_url(_page(static_site, "q03-gap"))
    assert page.locator("h1").inner_text() == TITLES["q03-gap"]
    assert page.locator("header nav a[aria-current=page]").inner_text() == "Q3"
    assert_drawn(tab.charts(), "q03-gap")
    page.locator("header nav a", has_text="Q12").click()
    page.wait_for_url(_page(static_site, "q12-index"))
    assert page.locator("h1").inner_text() == TITLES["q12-index"]
    page.go_back()
    page.wait_for_url(_page(static_site, "q03-gap"))
    assert page.locator("h1").inner_text() == TITLES["q03-gap"]
    page.locator("header a.brand").click()
    page.wait_for_url(_page(static_site, "index"))
    assert page.locator("h1").inner_text() == index_h1
    page.locator("article.card h2 a", has_text="Best open model today").click()
    page.wait_for_url(_page(static_site, "q01-leaders"))
    assert page.locator("h1").inner_text() == TITLES["q01-leaders"]
    assert_drawn(tab.charts(), "q01-leaders")
    assert tab.errors == [] and tab.dialogs == []


def test_index_screenshot(tab: Watched, static_site: Path) -> None:
    """The index as a person sees it, kept in the artifacts folder; its cards are filled from
    the leaderboards (the Hub's are not in them: those say so)."""
    tab.open(_page(static_site, "index"))
    filled = tab.page.locator("article.card:not(.missing)")
    assert filled.count() >= 3, tab.page.locator("section.cards").inner_text()
    out = artifacts_dir() / "index.png"
    tab.page.screenshot(path=str(out), full_page=True)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert tab.errors == []
