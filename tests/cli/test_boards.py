"""The board commands (``cli.boards``: leaders, lead-changes, gap, top) on the real shipped data:
every view, every output format, the organisation timeline, bad options."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from observatory.api import Observatory
from observatory.registry.selection import Selection
from tests.cli_runner import run_cli
from tests.conftest import LMSYS, need_shared


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
])
def test_views_return_json(home, capsys, monkeypatch, args) -> None:
    result = run_cli(capsys, monkeypatch, *args)
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert isinstance(records, list)
    assert records


def test_top_by_country_counts(home, capsys, monkeypatch) -> None:
    need_shared(LMSYS)
    result = run_cli(capsys, monkeypatch, "top", "--open", "--n", "10", "--by", "country",
                     "--as-of", "2025-07-18", "--format", "json")
    records = json.loads(result.out)
    assert sum(r["count"] for r in records) == 10
    assert abs(sum(r["share"] for r in records) - 1) < 1e-9


def test_empty_store_says_what_to_do(capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "leaders")
    assert result.code == 1
    assert "observatory import" in result.err
    assert len([line for line in result.err.splitlines() if line.strip()]) == 1


def test_bad_as_of(home, capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "leaders", "--as-of", "2025-13-40")
    assert result.code == 2
    assert "--as-of" in result.err


# --- regressions: bugs found and fixed in src ---------------------------------------------------


def test_leaders_by_org_timeline_is_the_organisation_timeline(home, capsys, monkeypatch) -> None:
    """``leaders --by org --timeline`` once printed the country timeline."""
    result = run_cli(capsys, monkeypatch, "leaders", "--by", "org", "--timeline", "--format", "json")
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert {"org_id", "org_name", "runner_up_org_id"} <= set(records[0])
    assert "runner_up_country" not in records[0]
    expected = Observatory(home).timeline(Selection(), "org")
    assert [r["org_id"] for r in records] == list(expected["org_id"])
    assert [r["snapshot_date"] for r in records] == list(expected["snapshot_date"].astype(str).str[:10])
    last = records[-1]
    assert (last["snapshot_date"], last["org_id"], last["model_name"], last["runner_up_org_id"]) == (
        "2025-08-01", "alibaba", "Qwen3-235B-A22B-Instruct-2507", "deepseek")
    # Organisations of one country take turns at the lead (the country timeline shows only CN).
    assert {r["org_id"] for r in records if r["country"] == "CN"} >= {"alibaba", "deepseek"}

    table = run_cli(capsys, monkeypatch, "leaders", "--by", "org", "--timeline")
    assert table.code == 0, table.err
    assert "Organisation of the best open model" in table.out
    assert "Lead changes" in table.out
    assert "from_org_id" in table.out and "to_org_id" in table.out
    assert "from_country" not in table.out
    change_lines = [line for line in table.out.splitlines() if "2025-07-28" in line and "2025-08-01" in line]
    assert len(change_lines) == 1
    assert "deepseek" in change_lines[0] and "alibaba" in change_lines[0]


def test_unknown_board_names_the_valid_boards(home, capsys, monkeypatch) -> None:
    """An unknown ``--board`` once gave an empty result that did not say which boards exist."""
    result = run_cli(capsys, monkeypatch, "leaders", "--board", "nope")
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert lines == ["bad input: --board: unknown board 'nope'; boards in the store: "
                     "aa, image, text, vision"]
    assert result.out == ""


def test_top_by_country_uses_the_facade(home, capsys, monkeypatch) -> None:
    calls = []
    real = Observatory.top_by_country

    def spy(self, *args):
        calls.append(args)
        return real(self, *args)

    monkeypatch.setattr(Observatory, "top_by_country", spy)
    result = run_cli(capsys, monkeypatch, "top", "--n", "10", "--by", "country", "--as-of",
                     "2025-07-18", "--format", "json")
    assert result.code == 0, result.err
    assert calls == [(10, date(2025, 7, 18), True, Selection())]
    records = json.loads(result.out)
    expected = real(Observatory(home), 10, date(2025, 7, 18), True, Selection())
    assert [(r["country"], r["count"], r["share"], r["best_position"], r["models"]) for r in records] == \
        list(expected[["country", "count", "share", "best_position", "models"]].itertuples(index=False,
                                                                                          name=None))
    # The counts are those of the top 10 itself.
    top = Observatory(home).top(10, date(2025, 7, 18), True, Selection())
    assert {r["country"]: r["count"] for r in records} == top["country"].value_counts().to_dict()
    assert [(r["country"], r["count"], r["best_position"]) for r in records] == [("CN", 8, 1), ("US", 2, 8)]
