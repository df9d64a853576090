"""No tracebacks, no silent options: each option's bounds are defined once (``limits``) and read
by the command line and the API; an option a command cannot honour in a combination is a usage
line (exit 2), or is honoured (``lineage --format csv``, ``leaders --timeline --as-of``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient

from observatory import limits
from observatory.api import Observatory
from observatory.cli.app import app
from tests.cli_runner import Result, run_cli
from tests.conftest import SHARED, need_shared
from tests.jobs.bad_input import store_state
from tests.metrics.hub_store import LINEAGE_MODELS, adoption_hub, lineage_hub


def usage_line(result: Result) -> str:
    """The one line of a usage error (exit 2, nothing on stdout)."""
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert result.code == 2, (result.code, result.err)
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert result.out == ""
    return lines[0]


def option(command: str, name: str) -> Any:  # a Click parameter
    group = typer.main.get_command(app)
    return next(p for p in group.commands[command].params if p.name == name)


# --- bounds: defined once, read by both ---------------------------------------------------------


def test_the_cli_and_the_api_read_the_same_bounds(tmp_path: Path) -> None:
    from observatory.web.live import Live
    from observatory.web.server import create_app

    assert (option("top", "n").min, option("top", "n").max) == (limits.TOP_N.low, limits.TOP_N.high)
    assert (option("serve", "port").min, option("serve", "port").max) == (1, 65535)
    with TestClient(create_app(Live(obs=Observatory(tmp_path / "home")), tmp_path)) as client:
        schema = client.get("/openapi.json").json()["paths"]
        n = next(p for p in schema["/api/top"]["get"]["parameters"] if p["name"] == "n")["schema"]
        orgs = next(p for p in schema["/api/org-ranks"]["get"]["parameters"]
                    if p["name"] == "orgs")["schema"]
        assert (n["minimum"], n["maximum"]) == (limits.TOP_N.low, limits.TOP_N.high) == (1, 200)
        assert (orgs["minimum"], orgs["maximum"]) == (1, 50)
        assert client.get("/api/top", params={"n": 201}).status_code == 422
        assert client.get("/api/top", params={"n": 10**20}).status_code == 422
        refused = client.get("/api/leaders", params={"board": "aa", "style_control": "true"})
        assert refused.status_code == 422 and "style_control" in refused.json()["detail"]
        refused = client.get("/api/gap", params={"index_version": "v4"})
        assert refused.status_code == 422 and "index_version" in refused.json()["detail"]


@pytest.mark.parametrize("args", [
    ["top", "--n", "99999999999999999999"],  # once a TypeError traceback from the query engine
    ["top", "--n", "201"],
    ["chart", "top", "--out", "x.json", "--n", "99999999999999999999"],
    ["burst", "m", "--days", str(2**64)],
    ["rate", "v.csv", "--seed", str(2**32)],
    ["rate", "v.csv", "--bootstrap", "-1"],
    ["simulate-votes", "--from-board", "b.json", "--out", "v.csv", "--votes", str(10**12)],
    ["simulate-votes", "--from-board", "b.json", "--out", "v.csv", "--votes", "9",
     "--skew", "inf"],
    ["update", "--source", "hub", "--min-downloads", str(10**30)],
    ["update", "--timeout", "nan"],
    ["serve", "--port", "70000"],
    ["infer-bases", "--top", "11"],
])
def test_a_value_out_of_bounds_is_one_usage_line(capsys, monkeypatch, isolated_home: Path,
                                                 args: list[str]) -> None:
    line = usage_line(run_cli(capsys, monkeypatch, *args))
    assert line.startswith("usage: Invalid value for '--"), line
    assert not isolated_home.exists()  # refused before the data home was opened


def test_backfill_every_is_bounded_before_any_request(capsys, monkeypatch) -> None:
    monkeypatch.setenv("OBSERVATORY_HUB_URL", "http://127.0.0.1:9")  # nothing listens: not asked
    for every in ("99999999999999999999d", "²d", "0w"):
        result = run_cli(capsys, monkeypatch, "backfill", "--source", "hub-weekly", "--every", every)
        assert result.code == 2 and result.err.startswith("bad input: --every: expected a period "
                                                          "such as 7d or 1w, of 1 to 3,660 days")


# --- flags given both ways, options a mode does not read ----------------------------------------


@pytest.mark.parametrize(("args", "line"), [
    (["top", "--open", "--all"], "usage: --open and --all contradict each other; give one"),
    (["top", "--all", "--n", "3", "--open"], "usage: --open and --all contradict each other; give one"),
    (["derivatives", "--inferred", "--declared-only"],
     "usage: --inferred and --declared-only contradict each other; give one"),
    (["update", "--scope", "llm", "--enrich", "5"],
     "usage: --scope and --enrich: Hub options: add --source hub"),
    (["backfill", "--since", "2025-01-01"], "usage: --since: for the Hub's dumps (--source "
     "hub-weekly or hub-stats); --source arena loads every board, --subset picks arenas"),
    (["backfill", "--source", "hub-weekly", "--subset", "text"], "usage: --subset: for --source arena"),
    (["rate", "v.csv", "--interval", "sandwich", "--bootstrap", "10"],
     "usage: --bootstrap: for --interval bootstrap"),
    (["downloads", "--artefacts", "--crossings"],
     "usage: --crossings: not read with --artefacts (flagged counts per date)"),
    (["downloads", "--artefacts", "--by", "org"],
     "usage: --by: not read with --artefacts (flagged counts per date)"),
    (["chart", "gap", "--out", "g.json", "--n", "5"], "usage: --n: not read by the gap chart"),
    (["chart", "likes", "--out", "g.json", "--board", "vision", "--window", "2024-01-01:2025-01-01"],
     "usage: --board and --window: not read by the likes chart"),
    (["chart", "tree", "--out", "g.json", "--model", "m", "--as-of", "2025-01-01"],
     "usage: --as-of: not read by the tree chart"),
    (["leaders", "--index-version", "v4"], "usage: --index-version: applies to the Artificial "
     "Analysis index (board aa) only, not the text board"),
    (["top", "--board", "aa", "--style-control"], "usage: --style-control: the Artificial Analysis "
     "index (board aa) has no style-controlled board"),
    (["gap", "--board", "aa", "--source", "observatory-bt"], "usage: --source: applies to arena "
     "boards; the Artificial Analysis index (board aa) is read from its own publications"),
    (["leaders", "--board", "../etc"], "usage: Invalid value for '--board': expected a name "
     "(letters, digits, '_', '.' or '-', up to 64), got '../etc'"),
])
def test_an_option_the_command_cannot_honour_is_one_usage_line(
        capsys, monkeypatch, isolated_home: Path, args: list[str], line: str) -> None:
    """Each once went silently unread (or the last of two flags won)."""
    assert usage_line(run_cli(capsys, monkeypatch, *args)) == f"{line} (see --help)"
    assert not isolated_home.exists()  # refused before anything was read or written


def test_an_unknown_import_format_is_refused_before_reading(capsys, monkeypatch,
                                                            isolated_home: Path) -> None:
    """``import <a file already stored> --format nope`` once exited 0."""
    board = SHARED / "lmarena-official" / "hf-space-leaderboard-tables" / \
        "leaderboard_table_20230619.csv"
    need_shared(board)
    assert run_cli(capsys, monkeypatch, "import", str(board)).code == 0
    before = store_state(isolated_home)
    line = usage_line(run_cli(capsys, monkeypatch, "import", str(board), "--format", "nope"))
    assert line.startswith("usage: --format: unknown format 'nope'; known formats: aa-api-json, ")
    assert store_state(isolated_home) == before
    again = run_cli(capsys, monkeypatch, "import", str(board), "--format", "hf-space-table")
    assert again.code == 0 and "already in the store" in again.out


# --- honoured: the timeline up to --as-of, the tree as CSV ---------------------------------------


def test_the_timeline_ends_at_as_of_and_its_lead_changes_with_it(home: Path, capsys,
                                                                  monkeypatch) -> None:
    """``leaders --timeline --as-of D`` once ignored the date."""
    whole = json.loads(run_cli(capsys, monkeypatch, "leaders", "--timeline", "--format",
                               "json").out)
    cut = run_cli(capsys, monkeypatch, "leaders", "--timeline", "--as-of", "2024-07-20",
                  "--format", "json")
    assert cut.code == 0, cut.err
    rows = json.loads(cut.out)
    assert rows == [row for row in whole if row["snapshot_date"][:10] <= "2024-07-20"]
    assert rows[-1]["snapshot_date"] < whole[-1]["snapshot_date"]  # the cut is real
    changes = json.loads(run_cli(capsys, monkeypatch, "lead-changes", "--format", "json").out)
    kept = [c for c in changes if c["first_date_after"][:10] <= "2024-07-20"]
    assert 0 < len(kept) < len(changes)
    cut_changes = run_cli(capsys, monkeypatch, "lead-changes", "--as-of", "2024-07-20",
                          "--format", "json")
    assert [(c["first_date_after"], c["to_model"]) for c in json.loads(cut_changes.out)] == [
        (c["first_date_after"], c["to_model"]) for c in kept]
    table = run_cli(capsys, monkeypatch, "leaders", "--timeline", "--as-of", "2024-07-20")
    changes_table = table.out.split("Lead changes")[1]
    assert kept[-1]["first_date_after"] in changes_table
    assert not any(c["first_date_after"] in changes_table for c in changes[len(kept):])
    early = run_cli(capsys, monkeypatch, "leaders", "--timeline", "--as-of", "2001-01-01")
    assert early.code == 1 and early.err.strip() == "no data: no board date on or before 2001-01-01"


def test_the_lineage_tree_as_csv_is_one_row_per_model(obs: Observatory, tmp_path: Path, capsys,
                                                      monkeypatch) -> None:
    """``lineage MODEL --format csv`` once printed JSON. Expected from ``LINEAGE_MODELS``: above
    userC/merge, userA/qwen-ft (merge of it) and Qwen (finetune of userA's), and Llama (merge of
    it); below Qwen, its three direct derivatives and two through userA/qwen-ft."""
    lineage_hub(obs, tmp_path)
    result = run_cli(capsys, monkeypatch, "lineage", "Qwen/Qwen2.5-7B", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    below = {name: (bases, relation) for name, (_, bases, relation, _, _) in LINEAGE_MODELS.items()}
    direct = {m for m, (bases, _) in below.items() if "Qwen/Qwen2.5-7B" in bases}
    second = {m for m, (bases, _) in below.items() if set(bases) & direct}
    assert rows[0] == {**rows[0], "position": "model", "depth": "0", "model_id": "Qwen/Qwen2.5-7B",
                       "is_root": "True", "root_country": "CN", "lineage": "declared"}
    got = {r["model_id"]: (r["depth"], r["via"], r["relation"]) for r in rows[1:]}
    assert {m for m, (depth, _, _) in got.items() if depth == "1"} == direct
    assert {m for m, (depth, _, _) in got.items() if depth == "2"} == second
    for model, (_, via, relation) in got.items():
        assert via in below[model][0] and relation == below[model][1], model
    assert all(r["position"] == "descendant" for r in rows[1:])
    up = run_cli(capsys, monkeypatch, "lineage", "userC/merge", "--format", "csv")
    ancestors = [(r["model_id"], r["depth"], r["via"], r["relation"])
                 for r in csv.DictReader(io.StringIO(up.out)) if r["position"] == "ancestor"]
    assert sorted(ancestors) == [("Qwen/Qwen2.5-7B", "2", "userA/qwen-ft", "finetune"),
                                 ("meta-llama/Llama-3.1-8B", "1", "userC/merge", "merge"),
                                 ("userA/qwen-ft", "1", "userC/merge", "merge")]


def test_whose_base_json_stays_json_when_there_is_none(obs: Observatory, tmp_path: Path, capsys,
                                                       monkeypatch) -> None:
    lineage_hub(obs, tmp_path)
    result = run_cli(capsys, monkeypatch, "whose-base", "Qwen/Qwen2.5-7B", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == []
    assert "declares no base" in result.err


def test_likes_beside_an_earlier_date_with_other_organisations(obs: Observatory, capsys,
                                                               monkeypatch) -> None:
    """An organisation found only at the earlier date once ended in a TypeError traceback (its
    row has no source). The earlier tree (2025-04-07) holds namespaces the listing lacks."""
    tree = SHARED / "hf-model-tree" / "exaone-deep-32b_tree_2025-04-07.csv"
    listing = SHARED / "hub-trending-daily" / "2026-08-15.json"
    need_shared(tree, listing)
    obs.import_paths([tree, listing])
    result = run_cli(capsys, monkeypatch, "likes", "--earlier", "2025-06-01")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    rows = json.loads(run_cli(capsys, monkeypatch, "likes", "--earlier", "2025-06-01",
                              "--format", "json").out)
    only_then = [r for r in rows if r["likes"] is None]
    assert only_then and all(r["earlier_date"] for r in only_then)
    for args in (["--as-of", "2025-06-01", "--earlier", "2025-06-01"], ["--earlier", "2999-01-01"]):
        refused = run_cli(capsys, monkeypatch, "likes", *args)
        assert refused.code == 2 and refused.err.startswith("bad input: --earlier: ")
    empty = run_cli(capsys, monkeypatch, "likes", "--earlier", "2001-01-01")
    assert "no Hub likes on or before 2001-01-01: the earlier columns are empty" in empty.out


def test_backwards_months_are_bad_input(obs: Observatory, tmp_path: Path, capsys,
                                        monkeypatch) -> None:
    lineage_hub(obs, tmp_path)
    result = run_cli(capsys, monkeypatch, "derivatives", "--since", "2025-06-01", "--until",
                     "2025-01-01")
    assert (result.code, result.err.strip()) == (
        2, "bad input: --since: 2025-06-01 is after --until 2025-01-01")


def test_the_downloads_chart_skips_snapshots_without_all_time_counts(
        obs: Observatory, tmp_path: Path, capsys, monkeypatch) -> None:
    """A Hub API snapshot (30-day counts only) beside the dumps' history once ended in a
    ValueError traceback."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    adoption_hub(obs, tmp_path / "a")
    lineage_hub(obs, tmp_path / "b")
    out = tmp_path / "downloads.json"
    result = run_cli(capsys, monkeypatch, "chart", "downloads", "--out", str(out))
    assert result.code == 0, result.err
    points = json.loads(out.read_text())["datasets"]
    dates = {row["snapshot_date"][:10] for rows in points.values() for row in rows}
    assert dates == {"2024-08-01", "2025-02-01", "2025-08-01"}  # not the lineage day


@pytest.mark.parametrize(("args", "line"), [
    (["--port", "99999"], "usage: argument --port: expected 0 to 65,535, got '99999' (see --help)"),
    (["--models", "-5"], "usage: argument --models: expected 0 to 50,000,000, got '-5' (see --help)"),
    (["--error-rate", "nan"], "usage: argument --error-rate: expected 0.0 to 1.0, got 'nan' "
     "(see --help)"),
    (["--faults-json", "[1]"], "bad input: --faults-json: expected a JSON object of fault fields "
     "(not an object: '[1]')"),
])
def test_the_fake_hub_refuses_bad_values_in_one_line(capsys, monkeypatch, args: list[str],
                                                     line: str) -> None:
    """Its own parser: a port beyond 65535 once ended in an OverflowError traceback, a negative
    model count in a ValueError one."""
    result = run_cli(capsys, monkeypatch, "fakehub", *args)
    assert result.code == 2
    assert [text for text in result.err.splitlines() if text.strip()] == [line]
    assert result.out == ""  # no base URL: nothing was served
