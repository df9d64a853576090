"""The DuckDB catalog over the snapshots (``store.catalog``): it is a cache that catches up
with the snapshots on disk."""

from __future__ import annotations

from observatory.api import Observatory
from observatory.sources.detect import parse_file
from observatory.store import Store
from tests.conftest import OFFICIAL, need_shared

TEXT = OFFICIAL / "arena-catalog" / "text"


def test_catalog_catches_up_with_snapshots_written_without_a_rebuild(obs: Observatory) -> None:
    need_shared(TEXT)
    obs.import_paths([TEXT / "leaderboard-text_2025-05-20.json"])
    # A snapshot written while the catalog could not be rebuilt (e.g. it was locked).
    Store(obs.store.home).write(parse_file(TEXT / "leaderboard-text_2025-05-24.json"))
    dates = obs.entries().to_pandas()["snapshot_date"].astype(str).str[:10]
    assert set(dates) == {"2025-05-20", "2025-05-24"}
