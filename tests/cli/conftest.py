"""Shared by the CLI tests that read the fully imported real data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def readonly_home(full_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the fully imported home for the read-only CLI tests of a session, so they
    never change the shared one (and the copy's catalog is rebuilt once, not per test). A test
    that adds a snapshot to it fails the session: it must use a home of its own."""
    copy = tmp_path_factory.mktemp("cli") / "home"
    shutil.copytree(full_home, copy)
    before = sorted(copy.glob("snapshots/*/*"))
    yield copy
    assert sorted(copy.glob("snapshots/*/*")) == before, "a read-only CLI test wrote snapshots"


@pytest.fixture
def home(readonly_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OBSERVATORY_HOME", str(readonly_home))
    return readonly_home
