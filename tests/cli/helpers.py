"""Shared by the CLI tests that read the fully imported real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def home(full_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the fully imported home (tests must not change the shared one)."""
    copy = tmp_path / "copy"
    shutil.copytree(full_home, copy)
    monkeypatch.setenv("OBSERVATORY_HOME", str(copy))
    return copy
