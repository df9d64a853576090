"""Fixtures of the jobs' tests: the fake Hub serving dataset repositories on loopback (Arena's
leaderboard dataset, the Hub dumps)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from observatory.testing import FakeHub, FakeHubConfig


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    server = FakeHub(FakeHubConfig(models=10))
    server.start()
    monkeypatch.setenv("OBSERVATORY_HUB_URL", server.base_url)
    try:
        yield server
    finally:
        server.stop()
