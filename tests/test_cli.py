"""The CLI on the real shipped data: every view, every output format, charts."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.conftest import LMSYS, need_shared


@pytest.fixture
def home(full_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the fully imported home (tests must not change the shared one)."""
    copy = tmp_path / "copy"
    shutil.copytree(full_home, copy)
    monkeypatch.setenv("OBSERVATORY_HOME", str(copy))
    return copy


def test_leaders_json_and_csv_agree(home, capsys, monkeypatch) -> None:
    as_json = run_cli(capsys, monkeypatch, "leaders", "--as-of", "2025-07-18", "--format", "json")
    assert as_json.code == 0, as_json.err
    records = json.loads(as_json.out)
    as_csv = run_cli(capsys, monkeypatch, "leaders", "--as-of", "2025-07-18", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert [r["model_name"] for r in rows] == [r["model_name"] for r in records]
    assert records[0]["snapshot_date"] == "2025-07-18"
    assert records[0]["country"] == "CN"
    assert {"ci_low", "ci_high", "tied_with_next", "snapshot_id", "method_version"} <= set(records[0])


def test_timeline_table_shows_changes(home, capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "leaders", "--timeline")
    assert result.code == 0, result.err
    assert "Lead changes" in result.out
    assert "2024-12-23" in result.out


@pytest.mark.parametrize("args", [
    ["gap", "--format", "json"],
    ["top", "--open", "--n", "10", "--by", "country", "--format", "json"],
    ["top", "--all", "--n", "3", "--board", "vision", "--format", "json"],
    ["leaders", "--board", "aa", "--format", "json"],
    ["leaders", "--board", "aa", "--category", "coding", "--timeline", "--format", "json"],
    ["leaders", "--style-control", "--as-of", "2025-05-24", "--format", "json"],
    ["leaders", "--category", "all", "--by", "org", "--as-of", "2025-05-24", "--format", "json"],
    ["lead-changes", "--format", "json"],
    ["registry", "unknowns", "--format", "json"],
    ["store", "list", "--format", "json"],
])
def test_views_return_json(home, capsys, monkeypatch, args) -> None:
    result = run_cli(capsys, monkeypatch, *args)
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert isinstance(records, list)
    if args[0] != "registry":
        assert records


def test_top_by_country_counts(home, capsys, monkeypatch) -> None:
    need_shared(LMSYS)
    result = run_cli(capsys, monkeypatch, "top", "--open", "--n", "10", "--by", "country",
                     "--as-of", "2025-07-18", "--format", "json")
    records = json.loads(result.out)
    assert sum(r["count"] for r in records) == 10
    assert abs(sum(r["share"] for r in records) - 1) < 1e-9


@pytest.mark.parametrize("kind", ["leaders", "gap", "top"])
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
    assert result.code == 1
    assert "x.gif" in result.err and "unsupported chart type" in result.err


def test_empty_store_says_what_to_do(capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "leaders")
    assert result.code == 1
    assert "observatory import" in result.err
    assert len([line for line in result.err.splitlines() if line.strip()]) == 1


def test_bad_as_of(home, capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "leaders", "--as-of", "2025-13-40")
    assert result.code == 1
    assert "--as-of" in result.err
