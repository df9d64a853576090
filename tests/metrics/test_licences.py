"""Q10 (``metrics.licences``): the licence class mix per organisation (or country) by the
models' creation period; on hand-built rows and on the real Open LLM Leaderboard files."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.licences import licence_mix
from tests.conftest import SHARED
from tests.metrics import tables

OPEN_LLM = SHARED / "fboulnois-llm-leaderboard-csv" / "open_llm_leaderboard_v2"

# --- unit: hand-built Hub rows --------------------------------------------------------------

LATEST = "2025-06-01"


def _row(model_id: str, org: str | None, country: str | None, created: str | None, klass: str,
         day: str = LATEST) -> dict:
    return {"snapshot_date": day, "model_id": model_id, "org_id": org, "country": country,
            "created_at": created, "licence_class": klass}


ENTRIES = [
    _row("Qwen/a", "alibaba", "CN", "2024-03-10", "open-with-restrictions"),
    _row("Qwen/b", "alibaba", "CN", "2024-05-10", "permissive"),
    _row("Qwen/c", "alibaba", "CN", "2025-02-10", "permissive"),
    _row("Qwen/d", "alibaba", "CN", "2025-02-20", "permissive"),
    _row("Qwen/e", "alibaba", "CN", "2025-03-01", "non-commercial"),
    _row("Qwen/undated", "alibaba", "CN", None, "permissive"),
    _row("meta-llama/a", "meta", "US", "2024-07-01", "open-with-restrictions"),
    _row("someone/a", None, None, "2024-07-01", "permissive"),
    # an older snapshot of the same source: not read
    _row("Qwen/old", "alibaba", "CN", "2023-01-01", "unknown", day="2025-01-01"),
]


def _mix(frame: object, *keys: str) -> dict:
    rows = frame.to_dict("records")  # type: ignore[attr-defined]
    return {tuple(r[k] for k in keys): (r["models"], pytest.approx(r["share"])) for r in rows}


def test_unit_licence_mix_by_org_and_year() -> None:
    frame = licence_mix(tables.hub(ENTRIES), by="org", period="year")
    assert _mix(frame, "org_id", "period", "licence_class") == {
        ("alibaba", "2024", "open-with-restrictions"): (1, 0.5),
        ("alibaba", "2024", "permissive"): (1, 0.5),
        ("alibaba", "2025", "permissive"): (2, 2 / 3),
        ("alibaba", "2025", "non-commercial"): (1, 1 / 3),
        ("meta", "2024", "open-with-restrictions"): (1, 1.0),
    }
    # sorted by organisation, period, then the most models first
    assert list(frame["org_id"]) == ["alibaba"] * 4 + ["meta"]
    assert list(frame["licence_class"])[2:4] == ["permissive", "non-commercial"]


def test_unit_licence_mix_by_quarter_for_one_org() -> None:
    frame = licence_mix(tables.hub(ENTRIES), period="quarter", org="alibaba")
    assert _mix(frame, "period", "licence_class") == {
        ("2024Q1", "open-with-restrictions"): (1, 1.0),
        ("2024Q2", "permissive"): (1, 1.0),
        ("2025Q1", "permissive"): (2, 2 / 3),
        ("2025Q1", "non-commercial"): (1, 1 / 3),
    }


def test_unit_licence_mix_by_country() -> None:
    frame = licence_mix(tables.hub(ENTRIES), by="country", period="year")
    assert _mix(frame[frame["period"] == "2024"], "country", "licence_class") == {
        ("CN", "open-with-restrictions"): (1, 0.5), ("CN", "permissive"): (1, 0.5),
        ("US", "open-with-restrictions"): (1, 1.0)}
    with pytest.raises(EmptyResultError):
        licence_mix(tables.hub(ENTRIES), org="nobody")


# --- the real Open LLM Leaderboard files ----------------------------------------------------



def test_licence_mix_for_alibaba(hub_home: Path) -> None:
    frame = Observatory(hub_home).licences(org="alibaba", period="year")
    assert set(frame["licence_class"]) <= {"permissive", "open-with-restrictions",
                                          "non-commercial", "unknown"}
    for _, period in frame.groupby("period"):
        assert period["share"].sum() == pytest.approx(1.0)
