"""Shared fixtures: an isolated data home per test, and the real data in ../shared/data."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from observatory.api import Observatory

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
LMSYS = SHARED / "fboulnois-llm-leaderboard-csv" / "lmarena_text_history"
LMARENA_2025 = SHARED / "fboulnois-llm-leaderboard-csv" / "lmarena_2025_08"
OFFICIAL = SHARED / "lmarena-official"
AA = SHARED / "artificial-analysis-daily"
LEADERBOARD_DIRS = [LMSYS, LMARENA_2025, OFFICIAL, AA]


def tree_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a model-tree CSV, whose cells hold whole model cards (the csv module's field
    limit is raised while reading and restored after: other tests rely on the default)."""
    previous = csv.field_size_limit(2**31 - 1)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    finally:
        csv.field_size_limit(previous)


def need_shared(*paths: Path) -> None:
    for path in paths or (SHARED,):
        if not path.exists():
            pytest.skip(f"real data not found at {path} (expected ../shared/data beside the repo)")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("OBSERVATORY_HOME", str(home))
    monkeypatch.setenv("OBSERVATORY_REGISTRY", str(tmp_path / "no-overrides"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("AA_API_KEY", raising=False)
    monkeypatch.delenv("ARTIFICIAL_ANALYSIS_API_KEY", raising=False)
    return home


@pytest.fixture
def obs(isolated_home: Path) -> Observatory:
    return Observatory(isolated_home)


@pytest.fixture(scope="session")
def full_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data home with every shipped leaderboard file imported once per test session."""
    need_shared(*LEADERBOARD_DIRS)
    home = tmp_path_factory.mktemp("full-home")
    Observatory(home).import_paths(LEADERBOARD_DIRS)
    yield home


@pytest.fixture
def full(full_home: Path) -> Observatory:
    return Observatory(full_home)


# --- backends: the parity fixture -------------------------------------------------------------
BACKENDS = ("duckdb", "spark")


@pytest.fixture(scope="session")
def spark_settings() -> Any:
    """Spark on this machine, started once per test process (the JVM takes seconds)."""
    pytest.importorskip("pyspark", reason="the spark extra is not installed "
                        "(pip install -e '.[dev,spark]')")
    from observatory.store.spark import SparkSettings, session

    settings = SparkSettings(master="local[2]", conf=SparkSettings.from_env().conf)
    session(settings)
    return settings


def use_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the requesting test on ``request.param``: an Observatory made in it queries that
    backend (``OBSERVATORY_BACKEND``), and so does an Ibis expression over in-memory tables
    only (Ibis's default backend)."""
    import ibis

    name = request.param
    if name == "spark":
        settings = request.getfixturevalue("spark_settings")
        from observatory.store.spark import ibis_connect, session

        monkeypatch.setattr("observatory.store.spark.SparkSettings.from_env", lambda: settings)
        monkeypatch.setattr(ibis.options, "default_backend",
                            ibis_connect(session(settings).newSession()))
    else:
        monkeypatch.setattr(ibis.options, "default_backend", ibis.duckdb.connect())
    monkeypatch.setenv("OBSERVATORY_BACKEND", name)
    return name
