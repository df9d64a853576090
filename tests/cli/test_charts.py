"""The ``chart`` command (``cli.charts``) on the real shipped data: SVG, HTML (offline), PNG,
an unsupported suffix, and a place a chart cannot be written."""

from __future__ import annotations

import pytest

from tests.cli_runner import run_cli


@pytest.mark.parametrize("kind", ["leaders", "gap", "top", "org-rank"])
@pytest.mark.parametrize("suffix", [".svg", ".html"])
def test_charts(home, capsys, monkeypatch, tmp_path, kind, suffix) -> None:
    out = tmp_path / f"{kind}{suffix}"
    result = run_cli(capsys, monkeypatch, "chart", kind, "--out", str(out))
    assert result.code == 0, result.err
    text = out.read_text()
    if suffix == ".html":
        assert "cdn.jsdelivr" not in text and "https://cdn" not in text  # works offline
        assert "vega" in text.lower()
    else:
        assert text.lstrip().startswith("<svg") or "<svg" in text[:500]


def test_chart_png(home, capsys, monkeypatch, tmp_path) -> None:
    out = tmp_path / "leaders.png"
    result = run_cli(capsys, monkeypatch, "chart", "leaders", "--out", str(out))
    assert result.code == 0, result.err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_rejects_unknown_suffix(home, capsys, monkeypatch, tmp_path) -> None:
    result = run_cli(capsys, monkeypatch, "chart", "gap", "--out", str(tmp_path / "x.gif"))
    assert result.code == 2
    assert "x.gif" in result.err and "unsupported chart type" in result.err


# --- regressions: bugs found and fixed in src ---------------------------------------------------


@pytest.mark.parametrize("name", ["leaders.svg", "leaders.png", "leaders.html", "leaders.json"])
def test_a_chart_that_cannot_be_written_is_one_line(home, capsys, monkeypatch, tmp_path, name) -> None:
    """``--out`` under a regular file once ended in an OSError traceback."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file\n")
    out = blocker / name
    result = run_cli(capsys, monkeypatch, "chart", "leaders", "--out", str(out))
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert lines[0] == f"cannot write: {out}: {blocker} is a file, not a folder", lines[0]
    assert "Traceback" not in result.err
    assert result.out == ""
    assert blocker.read_text() == "a regular file\n"


def test_a_chart_onto_a_folder_is_one_line(home, capsys, monkeypatch, tmp_path) -> None:
    out = tmp_path / "already-a-folder.svg"
    out.mkdir()
    result = run_cli(capsys, monkeypatch, "chart", "gap", "--out", str(out))
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert lines == [f"cannot write: {out}: a folder is in the way"], result.err
    assert list(out.iterdir()) == []
