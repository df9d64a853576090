"""The static report (`observatory report`): built whole from a small synthetic store whose
answers are known from its raw boards (tests/metrics/synthetic_boards.py)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import OutputError
from observatory.publish.tables import to_csv
from observatory.store.exports import write_folder
from observatory.store.outputs import MARKER
from observatory.web.pages import PAGES
from observatory.web.report import build_report
from tests import legacy
from tests.cli_runner import run_cli
from tests.metrics.synthetic_boards import BOARDS, MODELS

OPEN = {model for model, (org, _) in MODELS.items() if org != "OpenAI"}
COUNTRY = {"Meta": "US", "DeepSeek": "CN", "Mistral": "FR"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Observatory, Path]:
    from tests.metrics.synthetic_boards import synthetic_boards

    root = tmp_path_factory.mktemp("site")
    obs = synthetic_boards(root, root / "home")
    out = root / "site"
    build_report(obs, out)
    return obs, out


def card(index: str, title: str) -> str:
    """The text of one headline card, tags dropped."""
    block = index.split(f">{title}</a></h2>")[1].split("</article>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()


def test_every_page_and_file_is_there(built: tuple[Observatory, Path]) -> None:
    _, out = built
    for page in PAGES:
        assert (out / page.file).is_file()
    assert {p.name for p in (out / "assets").iterdir()} == {"vega.js", "site.css", "site.js", "VERSION"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["pages"]) == {page.slug for page in PAGES}
    for name in manifest["pages"]["q03-gap"]["tables"]:
        assert (out / "data" / f"{name}.csv").is_file()
    for chart in re.findall(r'href="charts/([^"]+)"', (out / "q03-gap.html").read_text()):
        data = (out / "charts" / chart).read_bytes()
        assert data.startswith(b"\x89PNG") if chart.endswith(".png") else data.startswith(b"<svg")


def test_the_headline_cards_say_what_the_raw_boards_say(built: tuple[Observatory, Path]) -> None:
    _, out = built
    index = (out / "index.html").read_text()
    latest = max(BOARDS)
    board = {m: v for m, v in BOARDS[latest].items() if m in OPEN}
    best, second = sorted(board, key=lambda m: -board[m][0])[:2]
    apart = board[best][0] - board[best][2] > board[second][0] + board[second][1]
    text = card(index, "Best open model today")
    assert f"{best} ({COUNTRY[MODELS[best][0]]})" in text
    assert ("is statistically solid" if apart else "is not statistically solid") in text
    assert f"text board of {latest}" in text
    # the lead's last change: the country of the best open model on the last two dates
    leaders = [max((m for m in BOARDS[d] if m in OPEN), key=lambda m: BOARDS[d][m][0])
               for d in sorted(BOARDS)]
    before, after = COUNTRY[MODELS[leaders[-2]][0]], COUNTRY[MODELS[leaders[-1]][0]]
    assert before != after
    lead = card(index, "The lead last changed hands")
    assert f"{before} → {after}" in lead
    assert f"between {sorted(BOARDS)[-2]} and {latest}" in lead


def test_a_page_without_data_names_the_command(built: tuple[Observatory, Path]) -> None:
    _, out = built
    page = (out / "q06-downloads.html").read_text()
    assert "No data for this question yet" in page
    assert "observatory backfill --source hub-weekly" in page
    assert "no data yet" in card((out / "index.html").read_text(), "Most-downloaded family")


def test_tables_are_the_views_as_csv(built: tuple[Observatory, Path]) -> None:
    obs, out = built
    assert (out / "data" / "q03-gap.csv").read_text() == to_csv(obs.gap())
    rows = list(csv.DictReader(io.StringIO((out / "data" / "q03-gap.csv").read_text())))
    assert [r["snapshot_date"] for r in rows] == sorted(BOARDS)


def test_pages_say_their_sources_dates_and_method(built: tuple[Observatory, Path]) -> None:
    _, out = built
    page = (out / "q03-gap.html").read_text()
    provenance = page.split("<h2>Provenance</h2>")[1]
    assert "LMArena" in provenance
    assert f"{min(BOARDS)} to {max(BOARDS)}" in provenance
    assert "Method version" in provenance
    assert "<h2>Definitions</h2>" in page and "<h2>Uncertainty</h2>" in page


def test_the_site_needs_no_network(built: tuple[Observatory, Path]) -> None:
    _, out = built
    for page in [*PAGES, None]:
        html = (out / (page.file if page else "index.html")).read_text()
        for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"(https?:)?//", attribute), attribute
        assert re.findall(r'<script src="([^"]+)"', html) == ["assets/vega.js", "assets/site.js"]


def test_charts_have_text_alternatives(built: tuple[Observatory, Path]) -> None:
    _, out = built
    page = (out / "q02-lead-changes.html").read_text()
    labels = re.findall(r'<div class="vega"[^>]*role="img" aria-label="([^"]+)"', page)
    assert labels and all("best open model" in label for label in labels)


def test_the_folder_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_folder(out, {"index.html": b"old", "manifest.json": b"{}"})
    with pytest.raises(OutputError, match="outside the folder"):
        write_folder(out, {"index.html": b"new", "../escape.html": b"x"})
    assert (out / "index.html").read_bytes() == b"old"
    assert not (tmp_path / "escape.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no half-written folder left


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path, capsys, monkeypatch) -> None:
    """`report --out ~/Documents` must not delete the documents: only a folder the Observatory
    wrote (its marker, or an earlier version's manifest) or an empty folder is replaced."""
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work")
    result = run_cli(capsys, monkeypatch, "report", "--out", str(documents), "--no-images")
    assert result.code == 2
    assert result.err.strip() == (f"cannot write: {documents}: the folder holds files the "
                                  f"Observatory did not write (no {MARKER}, no manifest of an "
                                  "earlier report or export): give a new or empty folder")
    assert [p.name for p in documents.iterdir()] == ["thesis.txt"]


def test_another_tools_manifest_does_not_make_a_folder_the_reports(tmp_path: Path, capsys,
                                                                   monkeypatch) -> None:
    """Issue 21: a folder holding another tool's manifest.json and an about.html was taken for
    an earlier report, and about.html deleted."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "manifest.json").write_text('{"name": "my web app", "icons": []}')
    (docs / "about.html").write_text("<p>about me</p>")
    result = run_cli(capsys, monkeypatch, "report", "--out", str(docs), "--no-images")
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and str(docs) in result.err
    assert sorted(p.name for p in docs.iterdir()) == ["about.html", "manifest.json"]
    assert (docs / "about.html").read_text() == "<p>about me</p>"
    assert not list(tmp_path.glob(".docs.*"))


def seed_assets(home: Path, site: Path) -> None:
    """An earlier build's assets in the data home's site, so a build reuses its Vega bundle
    (bundling takes seconds) as a report after `observatory run` does."""
    shutil.copytree(site / "assets", home / "site" / "assets")


def test_the_users_files_in_a_report_folder_survive_the_next_build(
        built: tuple[Observatory, Path], isolated_home: Path, tmp_path: Path, capsys,
        monkeypatch) -> None:
    """Issue 21: a file dropped into an earlier report folder was deleted by the next build; a
    page the user edited is kept too, beside the new one."""
    from tests.metrics.synthetic_boards import synthetic_boards

    synthetic_boards(tmp_path, isolated_home)
    seed_assets(isolated_home, built[1])
    out = tmp_path / "site"
    first = run_cli(capsys, monkeypatch, "report", "--out", str(out), "--no-images")
    assert first.code == 0, first.err
    assert "kept" not in first.out
    (out / "about.html").write_text("<p>about this site</p>")
    (out / "notes").mkdir()
    (out / "notes" / "x.txt").write_text("my notes")
    (out / "q03-gap.html").write_text("<p>my edited page</p>")
    second = run_cli(capsys, monkeypatch, "report", "--out", str(out), "--no-images")
    assert second.code == 0, second.err
    lines = second.out.splitlines()
    assert "kept 3 file(s) that are not the report's: about.html, notes/x.txt, q03-gap.html" in lines
    assert ("kept your changed q03-gap.html as q03-gap.kept.html (the report writes a new "
            "q03-gap.html)") in lines
    assert (out / "about.html").read_text() == "<p>about this site</p>"
    assert (out / "notes" / "x.txt").read_text() == "my notes"
    assert (out / "q03-gap.kept.html").read_text() == "<p>my edited page</p>"
    assert "<h2>Provenance</h2>" in (out / "q03-gap.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# --- folders written by d02274e, the version before the marker --------------------------------
LEGACY_BUILD = """
from pathlib import Path
from tests.metrics.synthetic_boards import synthetic_boards
from observatory.web.report import build_report
root = Path.cwd()
obs = synthetic_boards(root, root / "home")
build_report(obs, root / "site", images=False)
obs.export(root / "export")
"""


@pytest.fixture(scope="module")
def d02274e_folders(built: tuple[Observatory, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report site and an export written by d02274e's own code, from its own checkout."""
    root = legacy.checkout(legacy.D02274E, tmp_path_factory.mktemp("d02274e"))
    seed_assets(root / "home", built[1])
    done = legacy.run(root, LEGACY_BUILD, {"OBSERVATORY_HOME": str(root / "home"),
                                           "OBSERVATORY_REGISTRY": str(root / "none")})
    assert done.returncode == 0, done.stderr
    return root


def test_folders_written_by_d02274e_are_recognised_and_the_users_files_kept(
        d02274e_folders: Path, built: tuple[Observatory, Path], isolated_home: Path,
        tmp_path: Path, capsys, monkeypatch) -> None:
    from tests.metrics.synthetic_boards import synthetic_boards

    site, export = tmp_path / "site", tmp_path / "export"
    shutil.copytree(d02274e_folders / "site", site)
    shutil.copytree(d02274e_folders / "export", export)
    assert not (site / MARKER).exists() and not (export / MARKER).exists()
    old_site = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    (site / "about.html").write_text("mine")
    (site / "data" / "mine.csv").write_text("mine")
    (export / "thesis.tex").write_text("years of work")
    synthetic_boards(tmp_path, isolated_home)
    seed_assets(isolated_home, built[1])

    result = run_cli(capsys, monkeypatch, "report", "--out", str(site), "--no-images")
    assert result.code == 0, result.err
    assert "kept 2 file(s) that are not the report's: about.html, data/mine.csv" in result.out
    marker = json.loads((site / MARKER).read_text())
    now = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert now == set(marker["files"]) | {MARKER, "about.html", "data/mine.csv"}
    assert old_site <= set(marker["files"])  # d02274e's files: each replaced by the new build

    result = run_cli(capsys, monkeypatch, "store", "export", "--out", str(export))
    assert result.code == 0, result.err
    assert "kept 1 file(s) that are not the export's: thesis.tex" in result.out
    assert (export / "thesis.tex").read_text() == "years of work"
    assert (site / "about.html").read_text() == "mine"
