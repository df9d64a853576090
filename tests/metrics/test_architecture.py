"""Q11 (``metrics.architecture``): the mixture-of-experts share and total vs active parameters
by country over time, and the largest MoE models."""

from __future__ import annotations

import pytest

from observatory.errors import EmptyResultError
from observatory.metrics.architecture import architecture_trend, moe_models
from tests.metrics import tables

B = 1_000_000_000


def _row(model_id: str, org: str, country: str | None, created: str | None, total: int | None = None,
         active: int | None = None, experts: int | None = None, arch: str | None = "X",
         day: str = "2025-10-01") -> dict:
    return {"snapshot_date": day, "model_id": model_id, "org_id": org, "org_name": org.title(),
            "country": country, "created_at": created, "params_total": total, "params_active": active,
            "num_experts": experts, "experts_per_token": None if experts is None else 8,
            "architecture": arch}


ENTRIES = [
    _row("deepseek-ai/V3", "deepseek", "CN", "2024-12-26", 671 * B, 37 * B, 256),
    _row("Qwen/dense", "alibaba", "CN", "2024-09-01", 7 * B, 7 * B),
    _row("Qwen/moe", "alibaba", "CN", "2025-04-01", 235 * B, 22 * B, 128),
    _row("Qwen/dense3", "alibaba", "CN", "2025-04-01", 8 * B, 8 * B),
    _row("meta-llama/L", "meta", "US", "2024-07-01", 70 * B, 70 * B),
    _row("meta-llama/Scout", "meta", "US", "2025-04-05", 109 * B, 17 * B, 16),
    # no config known at all: not counted; no country: not counted
    _row("meta-llama/bare", "meta", "US", "2025-04-05", arch=None),
    _row("someone/moe", "someone", None, "2025-04-05", 50 * B, 5 * B, 8),
    # an older snapshot: not read
    _row("Qwen/old-moe", "alibaba", "CN", "2024-01-01", 999 * B, 1 * B, 64, day="2025-01-01"),
]


def test_unit_trend_by_country_and_year() -> None:
    frame = architecture_trend(tables.hub(ENTRIES), period="year", by="country")
    got = {(r["country"], r["period"]): r for r in frame.to_dict("records")}
    assert list(got) == [("CN", "2024"), ("CN", "2025"), ("US", "2024"), ("US", "2025")]
    cn24, cn25, us24, us25 = got.values()
    # CN 2024: V3 (MoE, 671B/37B) and the dense 7B
    assert (cn24["models"], cn24["moe_models"], cn24["moe_share"]) == (2, 1, 0.5)
    assert cn24["median_params_total"] == pytest.approx((671 + 7) / 2 * B)
    assert cn24["median_params_active"] == pytest.approx((37 + 7) / 2 * B)
    assert cn24["largest_params_total"] == 671 * B
    # CN 2025: the 235B MoE and the dense 8B
    assert (cn25["models"], cn25["moe_models"]) == (2, 1)
    assert cn25["median_params_total"] == pytest.approx((235 + 8) / 2 * B)
    assert (us24["models"], us24["moe_models"], us24["moe_share"]) == (1, 0, 0.0)
    # US 2025: Scout only (the model without config is not counted)
    assert (us25["models"], us25["moe_share"], us25["median_params_active"]) == (1, 1.0, 17 * B)


def test_unit_trend_by_org() -> None:
    frame = architecture_trend(tables.hub(ENTRIES), period="year", by="org")
    assert list(zip(frame["org_id"], frame["period"], frame["models"], strict=True)) == [
        ("alibaba", "2024", 1), ("alibaba", "2025", 2), ("deepseek", "2024", 1),
        ("meta", "2024", 1), ("meta", "2025", 1), ("someone", "2025", 1)]


def test_unit_largest_moe_models() -> None:
    frame = moe_models(tables.hub(ENTRIES), top=3)
    assert list(frame["model_id"]) == ["deepseek-ai/V3", "Qwen/moe", "meta-llama/Scout"]
    assert list(frame["params_active"]) == [37 * B, 22 * B, 17 * B]
    assert list(frame["num_experts"]) == [256, 128, 16]


def test_unit_no_config_known() -> None:
    with pytest.raises(EmptyResultError, match="config"):
        architecture_trend(tables.hub([_row("meta-llama/bare", "meta", "US", "2025-04-05", arch=None)]))
