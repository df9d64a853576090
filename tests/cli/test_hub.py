"""The Hub adoption commands (``cli.hub``) and their charts on a hand-made Hub store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observatory.api import Observatory
from tests.cli_runner import run_cli
from tests.metrics.hub_store import adoption_hub


@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return adoption_hub(obs, tmp_path)


@pytest.mark.parametrize("args", [
    ["downloads", "--by", "country", "--format", "json"],
    ["downloads", "--crossings", "--format", "json"],
    ["downloads", "--artefacts", "--format", "json"],
    ["share", "--window", "2024-08-01:2025-08-01", "--format", "json"],
    ["likes", "--format", "json"],
    ["licences", "--by", "country", "--format", "json"],
])
def test_hub_commands(hub: Observatory, capsys, monkeypatch, args) -> None:
    result = run_cli(capsys, monkeypatch, *args)
    assert result.code == 0, result.err
    assert json.loads(result.out)


@pytest.mark.parametrize("kind", ["likes", "downloads", "share", "licences"])
def test_hub_charts(hub: Observatory, capsys, monkeypatch, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.svg"
    extra = ["--window", "2024-08-01:2025-08-01"] if kind == "share" else []
    result = run_cli(capsys, monkeypatch, "chart", kind, "--out", str(out), *extra)
    assert result.code == 0, result.err
    assert "<svg" in out.read_text()[:500]


def test_share_window_must_be_ordered(hub: Observatory, capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "share", "--window", "2025-08-01:2024-08-01")
    assert result.code == 2 and "--window" in result.err
