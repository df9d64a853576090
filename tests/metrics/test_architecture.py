"""Q11 (``metrics.architecture``): the mixture-of-experts share and total vs active parameters
by country over time, and the largest MoE models."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from observatory.errors import EmptyResultError
from observatory.metrics.architecture import architecture_trend, index_architecture, moe_models
from tests.conftest import AA
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
    # parameters in billions
    assert cn24["median_params_total_b"] == pytest.approx((671 + 7) / 2)
    assert cn24["median_params_active_b"] == pytest.approx((37 + 7) / 2)
    assert cn24["largest_params_total_b"] == 671
    # CN 2025: the 235B MoE and the dense 8B
    assert (cn25["models"], cn25["moe_models"]) == (2, 1)
    assert cn25["median_params_total_b"] == pytest.approx((235 + 8) / 2)
    assert (us24["models"], us24["moe_models"], us24["moe_share"]) == (1, 0, 0.0)
    # US 2025: Scout only (the model without config is not counted)
    assert (us25["models"], us25["moe_share"], us25["median_params_active_b"]) == (1, 1.0, 17)


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


def test_unit_unknown_status_is_left_out_of_the_share_not_counted_dense() -> None:
    """A repository whose config states no experts and whose active parameters are unknown."""
    rows = [_row("Qwen/moe", "alibaba", "CN", "2025-04-01", 235 * B, 22 * B, 128),
            _row("Qwen/unknown", "alibaba", "CN", "2025-04-01", 72 * B, None, None),
            _row("Qwen/Qwen3-30B-A3B", "alibaba", "CN", "2025-04-01", 30 * B, None, None,
                 arch="Qwen3MoeForCausalLM")]
    [row] = architecture_trend(tables.hub(rows)).to_dict("records")
    assert (row["models"], row["moe_known"], row["moe_models"], row["moe_share"]) == (3, 2, 2, 1.0)


def index_model(key: str, country: str, release: str | None, total: float | None,
                active: float | None, open_weights: bool = True) -> dict:
    return {"snapshot_date": "2026-05-10", "model_key": key, "org_id": key.split("-")[0],
            "country": country, "release_date": release, "params_total_b": total,
            "params_active_b": active, "open_weights": open_weights}


def test_unit_index_architecture() -> None:
    models = pd.DataFrame([
        index_model("deepseek-v3", "CN", "2024-12-26", 671, 37),
        index_model("qwen-dense", "CN", "2024-09-01", 72, 72),
        index_model("gpt-oss-120b", "US", "2025-08-05", 117, 5.1),
        index_model("llama-3-1-405b", "US", "2024-07-23", 405, 405),
        index_model("mystery", "US", "2025-01-01", None, None),  # status unknown
        index_model("closed-moe", "US", "2025-01-01", 1000, 50, open_weights=False),
        index_model("no-date", "US", None, 10, 10),
    ])
    frame = index_architecture(models)
    got = {(r["country"], r["period"]): r for r in frame.to_dict("records")}
    assert list(got) == [("CN", "2024"), ("US", "2024"), ("US", "2025")]
    assert (got["CN", "2024"]["moe_models"], got["CN", "2024"]["moe_share"]) == (1, 0.5)
    us25 = got["US", "2025"]
    assert (us25["models"], us25["moe_known"], us25["moe_models"], us25["moe_share"]) == (2, 1, 1, 1.0)
    assert set(frame["snapshot_date"]) == {"2026-05-10"}


def test_index_architecture_on_the_aa_snapshot_of_2026_05_10(full) -> None:
    """Computed here from the raw file (``llms_2026-05-10.json``): per AA creator country, the
    open-weight models with a release date, and how many have fewer than 90 % of their
    parameters active."""
    raw = json.loads((AA / "raw_llms_snapshots" / "llms_2026-05-10.json").read_text())
    expected: dict[str, list[int]] = {}
    for model in raw["models"]:
        weights = model.get("open_weights") or {}
        if not (weights.get("is_open_weights") and model.get("release_date")):
            continue
        country = (model["creator"].get("country") or "").upper()
        caps = model.get("capabilities") or {}
        total, active = caps.get("total_parameters"), caps.get("active_parameters")
        counts = expected.setdefault(country, [0, 0])
        counts[0] += 1
        counts[1] += int(total is not None and active is not None and active < 0.9 * total)
    frame = full.architecture(source="aa", as_of=date(2026, 5, 10))
    assert set(frame["snapshot_date"]) == {"2026-05-10"}
    for country in ("CN", "US"):
        mine = frame[frame["country"] == country]
        assert [int(mine["models"].sum()), int(mine["moe_models"].sum())] == expected[country]
    share = frame["moe_models"].sum() / frame["moe_known"].sum()
    raw_share = sum(c[1] for c in expected.values()) / sum(c[0] for c in expected.values())
    assert share == pytest.approx(raw_share, abs=0.01)  # one KR model lacks an attribution
    assert 0.4 < share < 0.6  # about half the open models on the index are MoE


def test_unit_no_config_known() -> None:
    with pytest.raises(EmptyResultError, match="config"):
        architecture_trend(tables.hub([_row("meta-llama/bare", "meta", "US", "2025-04-05", arch=None)]))
