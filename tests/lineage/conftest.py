"""Every lineage test runs on both backends (the parity fixture)."""

from __future__ import annotations

import pytest

from tests.conftest import BACKENDS, use_backend


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs on DuckDB and on Spark: the same expected rows and numbers."""
    return use_backend(request, monkeypatch)
