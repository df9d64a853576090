"""Fixtures several metrics test files share."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.api import Observatory
from tests.conftest import BACKENDS, SHARED, need_shared, use_backend

OPEN_LLM = SHARED / "fboulnois-llm-leaderboard-csv" / "open_llm_leaderboard_v2"


@pytest.fixture(scope="session")
def hub_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real Open LLM Leaderboard files imported once (read-only: likes, licences)."""
    need_shared(OPEN_LLM)
    home = tmp_path_factory.mktemp("hub-home")
    Observatory(home).import_paths([OPEN_LLM])
    return home


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs on DuckDB and on Spark: the same expected rows and numbers."""
    return use_backend(request, monkeypatch)
