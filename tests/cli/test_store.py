"""The ``store`` and ``registry`` command groups (``cli.store``) on the real shipped data."""

from __future__ import annotations

import json

import pytest

from tests.cli_runner import run_cli


@pytest.mark.parametrize("args", [
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
