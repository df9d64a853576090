"""The import job (``jobs.imports``): every shipped leaderboard file becomes a snapshot."""

from __future__ import annotations

import hashlib

from observatory.api import Observatory
from tests.conftest import AA, LMARENA_2025, LMSYS, OFFICIAL


def leaderboard_files() -> list:
    """The leaderboard files named in the SOURCE.md files, found by their own patterns."""
    return sorted(
        [*LMSYS.glob("lmsys_*.csv"), *LMARENA_2025.glob("lmarena_*_*.csv"),
         *OFFICIAL.glob("arena-catalog/**/leaderboard-*.json"),
         *OFFICIAL.glob("arena-catalog/scatterplot-data_*.json"),
         *OFFICIAL.glob("hf-space-leaderboard-tables/leaderboard_table_*.csv"),
         OFFICIAL / "hf-space-leaderboard-tables" / "elo_data_max_by_category.json",
         *AA.glob("raw_llms_snapshots/llms_*.json"), AA / "aa_llms_daily_compact.csv"]
    )


def test_every_leaderboard_file_is_a_snapshot(full: Observatory) -> None:
    files = leaderboard_files()
    assert len(files) >= 240  # 88 + 9 + 28 + 1 + 111 + 1 + 2 + 1 per the SOURCE.md files
    hashes = {hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    stored = {m["content_hash"] for m in full.store.manifests()}
    assert hashes == stored
