"""The static report (`observatory report`): built whole from a small synthetic store whose
answers are known from its raw boards (tests/metrics/synthetic_boards.py)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import OutputError
from observatory.publish.tables import to_csv
from observatory.store.exports import write_folder
from observatory.web.pages import PAGES
from observatory.web.report import build_report
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
    """`report --out ~/Documents` must not delete the documents: only an earlier report (its
    manifest.json) or an empty folder is replaced."""
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work")
    result = run_cli(capsys, monkeypatch, "report", "--out", str(documents), "--no-images")
    assert result.code != 0
    assert result.err.strip() == (f"cannot write: {documents}: the folder holds other files (no "
                                  "manifest.json of an earlier export): give a new or empty folder")
    assert [p.name for p in documents.iterdir()] == ["thesis.txt"]


def test_report_command(tmp_path: Path, capsys, monkeypatch) -> None:
    from tests.metrics.synthetic_boards import synthetic_boards

    synthetic_boards(tmp_path, Path(str(tmp_path / "home")))
    monkeypatch.setenv("OBSERVATORY_HOME", str(tmp_path / "home"))
    result = run_cli(capsys, monkeypatch, "report", "--out", str(tmp_path / "out"), "--no-images")
    assert result.code == 0, result.err
    assert result.out.strip() == f"wrote {tmp_path / 'out' / 'index.html'}"
    assert result.err.startswith(f"built {len(PAGES)} pages in ")
    assert not (tmp_path / "out" / "charts").exists()
    assert "charts/" not in (tmp_path / "out" / "q03-gap.html").read_text()  # no dead links
    (tmp_path / "file").write_text("")
    blocked = run_cli(capsys, monkeypatch, "report", "--out", str(tmp_path / "file"))
    assert blocked.code != 0
    assert blocked.err.strip() == f"cannot write: {tmp_path / 'file'}: a file is in the way"
