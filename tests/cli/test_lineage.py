"""The lineage commands (``cli.lineage``): the tree of a model, derivatives, burst, derivers,
runnable, and their errors, on a hand-made Hub snapshot (``tests.metrics.hub_store``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observatory.api import Observatory
from tests.cli_runner import run_cli
from tests.metrics.hub_store import lineage_hub


@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return lineage_hub(obs, tmp_path)


def test_lineage_tree_json(hub: Observatory, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(capsys, monkeypatch, "lineage", "userA/qwen-ft", "--format", "json")
    assert result.code == 0, result.err
    tree = json.loads(result.out)
    assert [a["model_id"] for a in tree["ancestors"]] == ["Qwen/Qwen2.5-7B"]
    children = {c["model_id"]: c for c in tree["model"]["children"]}
    assert set(children) == {"userC/merge", "bartowski/qwen-ft-GGUF"}
    assert children["userC/merge"]["relation"] == "merge"
    assert tree["roots"][0]["root_country"] == "CN"
    shown = run_cli(capsys, monkeypatch, "lineage", "Qwen/Qwen2.5-7B")
    assert "nvidia/Qwen-ft2" in shown.out and "bartowski/qwen-ft-GGUF" in shown.out


def test_cli_commands_and_errors(hub: Observatory, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(capsys, monkeypatch, "derivatives", "--monthly", "--by", "root-country",
                     "--format", "csv")
    assert result.code == 0 and "2025-01-01,CN,3.5,0.7" in result.out
    result = run_cli(capsys, monkeypatch, "burst", "deepseek-ai/DeepSeek-R1", "--days", "30")
    assert result.code == 0 and "2 derivatives within 30 days" in result.out
    result = run_cli(capsys, monkeypatch, "derivers", "Qwen", "--by", "country")
    assert result.code == 0 and "US" in result.out
    result = run_cli(capsys, monkeypatch, "runnable", "Qwen/Qwen2.5-7B", "--format", "json")
    assert json.loads(result.out)[0]["format"] == "awq"
    missing = run_cli(capsys, monkeypatch, "burst", "nobody/nothing")
    assert missing.code != 0 and "nobody/nothing" in missing.err and len(missing.err.splitlines()) == 1


def test_unknown_relation_and_as_of(hub: Observatory, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    bad = run_cli(capsys, monkeypatch, "derivatives", "--relation", "finetunes")
    assert bad.code != 0 and "finetunes" in bad.err and len(bad.err.strip().splitlines()) == 1
    before = run_cli(capsys, monkeypatch, "derivatives", "--as-of", "2025-01-01")
    assert before.code != 0 and "no data" in before.err  # no Hub snapshot that early
