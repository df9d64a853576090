"""Shared by the CLI tests that read the fully imported real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def readonly_home(full_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the fully imported home for the read-only CLI tests of a session, so they
    never change the shared one (and the copy's catalog is rebuilt once, not per test)."""
    copy = tmp_path_factory.mktemp("cli") / "home"
    shutil.copytree(full_home, copy)
    return copy


@pytest.fixture
def home(readonly_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OBSERVATORY_HOME", str(readonly_home))
    return readonly_home
