"""Q9 (``metrics.burst``): the derivatives (at any depth) created within N days of a model's
release, and their downloads, by relation."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.burst import burst
from tests.metrics import tables
from tests.metrics.hub_store import lineage_hub

# --- unit: a hand-built lineage graph (tables.FAMILY_*) -------------------------------------


def test_unit_burst_of_a_base() -> None:
    summary, daily = burst(tables.family_graph(), "QWEN/q", days=200)  # ids are case-insensitive
    # below Qwen/Q (2024-09-01): u1, u5, u6, nvidia; then the merge and the GGUF via u1. All but
    # the undated u5 are within 200 days (to 2025-03-20).
    assert summary["model_id"] == "Qwen/Q" and summary["released"] == "2024-09-01"
    assert (summary["derivatives"], summary["all_derivatives"], summary["undated"]) == (5, 6, 1)
    assert summary["downloads_30d"] == 50 + 20 + 60 + 30 + 10
    assert summary["downloads_all_time"] == 300 + 100  # only the merge and the GGUF say
    assert {r["relation"]: r["derivatives"] for r in summary["by_relation"]} == {
        "finetune": 3, "merge": 1, "quantized": 1}
    # days after release: u1 2025-01-05 = 126, merge 141, u6 146, nvidia 154, GGUF 162
    assert list(zip(daily["day"], daily["derivatives"], strict=True)) == [
        (126, 1), (141, 2), (146, 3), (154, 4), (162, 5)]
    assert summary["lineage"] == "declared"


def test_unit_burst_window() -> None:
    summary, daily = burst(tables.family_graph(), "u1/qft", days=30)
    # u1/qft (2025-01-05): the merge at day 15 is inside 30 days, the GGUF at day 36 is not
    assert (summary["derivatives"], summary["all_derivatives"]) == (1, 2)
    assert (summary["downloads_30d"], summary["downloads_all_time"]) == (30, 300)
    assert list(daily["derivatives"]) == [1]
    summary, _ = burst(tables.family_graph(), "u1/qft", days=40)
    assert (summary["derivatives"], summary["downloads_all_time"]) == (2, 400)
    none, daily = burst(tables.family_graph(), "Qwen/Q", days=30)
    assert none["derivatives"] == 0 and none["downloads_30d"] is None and daily.empty


def test_unit_burst_errors() -> None:
    with pytest.raises(EmptyResultError, match="no creation date"):
        burst(tables.family_graph(), "u5/undated")
    with pytest.raises(EmptyResultError, match="nobody/nothing"):
        burst(tables.family_graph(), "nobody/nothing")


# --- a hand-made Hub store ------------------------------------------------------------------

@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return lineage_hub(obs, tmp_path)


def test_burst_counts_derivatives_within_the_window(hub: Observatory) -> None:
    summary, daily = hub.burst("DeepSeek-ai/deepseek-r1", days=30)  # ids are case-insensitive
    assert summary["model_id"] == "deepseek-ai/DeepSeek-R1"
    assert summary["derivatives"] == 2 and summary["all_derivatives"] == 3
    assert summary["downloads_30d"] == 70 + 20
    by_relation = {r["relation"]: r["derivatives"] for r in summary["by_relation"]}
    assert by_relation == {"finetune": 1, "quantized": 1}
    assert daily["derivatives"].iloc[-1] == 2
