"""The Hub adoption charts against golden Vega-Lite specs.

Frames are hand-built in the shapes ``metrics.likes.likes`` (with an earlier date beside),
``metrics.downloads.downloads_over_time``, ``metrics.share.download_share``,
``metrics.licences.licence_mix`` and ``metrics.architecture.architecture_trend`` return."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from observatory.publish import hub_charts
from tests.publish.golden import check_golden, spec

SUBTITLE = hub_charts.SOURCE_NOTE


def likes_frame() -> pd.DataFrame:
    """``likes(entries, when, earlier)``: an organisation seen only earlier has no likes now."""
    return pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2025-06-01", "2025-06-01", "2025-06-01", None]),
        "org_id": ["meta", "deepseek", "mistral", "tii"],
        "org_name": ["Meta", "DeepSeek", "Mistral AI", None],
        "country": ["US", "CN", "FR", None],
        "model_id": ["meta-llama/Llama-3.1-8B", "deepseek-ai/DeepSeek-R1", "mistralai/Mistral-7B", None],
        "likes": [5000.0, 12000.0, 900.0, np.nan],
        "source": ["hub"] * 3 + [None], "snapshot_id": ["h2"] * 3 + [None],
        "method_version": ["1"] * 3 + [None],
        "earlier_date": pd.to_datetime(["2025-01-01", "2025-01-01", None, "2025-01-01"]),
        "earlier_model_id": ["meta-llama/Llama-2-7b", "deepseek-ai/DeepSeek-V3", None, "tiiuae/falcon-7b"],
        "earlier_likes": [4000.0, 3000.0, np.nan, 1100.0],
        "rank": [2.0, 1.0, 3.0, np.nan],
    }).sort_values("likes", ascending=False, na_position="last").reset_index(drop=True)


def downloads_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2025-01-01"] * 3 + ["2025-02-01"] * 3),
        "family": ["llama", "qwen", "mistral"] * 2,
        "downloads_all_time": [900, 800, 100, 1000, 1200, 150],
        "downloads_30d": [90, 80, 10, 100, 400, 50],
        "models": [10, 8, 2, 11, 9, 2], "gguf_models": [3, 2, 0, 3, 3, 1],
        "method_version": ["1"] * 6,
    })


def share_frame() -> pd.DataFrame:
    frame = pd.DataFrame({"country": ["CN", "US", "(unknown)"], "downloads": [600.0, 300.0, 100.0],
                          "models": [20, 15, 5], "share": [0.6, 0.3, 0.1]})
    frame["hhi"] = float((frame["share"] ** 2).sum())
    frame["window_start"], frame["window_end"] = date(2025, 1, 1), date(2025, 6, 1)
    frame["variant"], frame["method_version"] = "all downloads", "1"
    return frame


def licences_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "org_id": ["meta"] * 3, "period": ["2024Q4", "2025Q1", "2025Q1"],
        "licence_class": ["restricted", "restricted", "permissive"], "models": [4, 3, 1],
        "share": [1.0, 0.75, 0.25], "method_version": ["1"] * 3,
    })


def architecture_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "country": ["CN", "CN", "US"], "period": ["2024", "2025", "2025"], "models": [4, 5, 2],
        "moe_models": [1, 4, 0], "median_params_total": [7e9, 2.3e11, np.nan],
        "median_params_active": [7e9, 2.2e10, np.nan], "largest_params_total": [7e9, 6.71e11, np.nan],
        "moe_share": [0.25, 0.8, 0.0], "method_version": ["1"] * 3,
    })


def drawn(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["datasets"][data["data"]["name"]]


def test_likes_chart() -> None:
    frame = likes_frame()
    data = check_golden("likes", lambda: hub_charts.likes_chart(likes_frame(), "Most liked"))
    # the credit names the snapshot drawn (a frame without its source keeps the general line)
    assert data["title"] == {"text": "Most liked",
                             "subtitle": "Source: hub, snapshot of 2025-06-01; Open Weights Observatory"}
    assert data["mark"] == {"type": "bar"}
    enc = data["encoding"]
    assert (enc["y"]["field"], enc["y"]["sort"], enc["x"]["field"], enc["color"]["field"]) == (
        "org_id", "-x", "likes", "country")
    # Only the chart's columns, the organisation without likes left out, likes as integers.
    assert drawn(data) == [
        {"org_id": "deepseek", "country": "CN", "model_id": "deepseek-ai/DeepSeek-R1", "likes": 12000},
        {"org_id": "meta", "country": "US", "model_id": "meta-llama/Llama-3.1-8B", "likes": 5000},
        {"org_id": "mistral", "country": "FR", "model_id": "mistralai/Mistral-7B", "likes": 900}]
    pd.testing.assert_frame_equal(frame, likes_frame())


def test_likes_chart_draws_the_top_25() -> None:
    frame = pd.DataFrame({"org_id": [f"org{i:02d}" for i in range(30)], "country": ["US"] * 30,
                          "model_id": [f"org{i:02d}/m" for i in range(30)],
                          "likes": [float(1000 - i) for i in range(30)]})
    rows = drawn(spec(hub_charts.likes_chart(frame, "t"), validate=False))
    assert [r["org_id"] for r in rows] == [f"org{i:02d}" for i in range(25)]


def test_likes_chart_stringifies_objects() -> None:
    """Object cells that are not str/int/float (a Timestamp, a list) reach the spec as text."""
    frame = pd.DataFrame({"org_id": ["meta", "qwen"], "country": [None, "CN"],
                          "model_id": pd.Series([pd.Timestamp("2025-01-01"), ["a", "b"]], dtype=object),
                          "likes": [3.0, 2.0]})
    rows = drawn(spec(hub_charts.likes_chart(frame, "t")))
    assert [(r["country"], r["model_id"]) for r in rows] == [(None, "2025-01-01 00:00:00"),
                                                             ("CN", "['a', 'b']")]


def test_downloads_chart() -> None:
    data = check_golden("downloads", lambda: hub_charts.downloads_chart(downloads_frame(), "family",
                                                                          "Downloads by family"))
    assert data["title"] == {"text": "Downloads by family", "subtitle": SUBTITLE}
    assert data["mark"] == {"type": "line", "point": True}
    enc = data["encoding"]
    assert enc["x"]["field"] == "snapshot_date" and enc["x"]["type"] == "temporal"
    assert enc["y"]["field"] == "downloads_all_time"
    assert enc["color"]["field"] == "family"
    assert enc["color"]["scale"]["domain"] == ["qwen", "llama", "mistral"]  # the largest first
    rows = drawn(data)
    assert set(rows[0]) == {"snapshot_date", "family", "downloads_all_time"}
    assert rows[0] == {"snapshot_date": "2025-01-01T00:00:00", "family": "llama", "downloads_all_time": 900}


def test_downloads_chart_keeps_the_ten_largest_groups() -> None:
    frame = pd.DataFrame({"snapshot_date": [date(2025, 1, 1)] * 11, "org_id": [f"o{i}" for i in range(11)],
                          "downloads_all_time": [100 * (i + 1) for i in range(11)]})
    data = spec(hub_charts.downloads_chart(frame, "org_id", "By org"), validate=False)
    assert data["encoding"]["color"]["field"] == "org_id"
    assert sorted(r["org_id"] for r in drawn(data)) == sorted(f"o{i}" for i in range(1, 11))


def test_share_chart() -> None:
    data = check_golden("share", lambda: hub_charts.share_chart(share_frame(), "country",
                                                                  "Share of downloads"))
    assert data["title"] == {"text": "Share of downloads", "subtitle": SUBTITLE}
    assert data["mark"] == {"type": "bar"}
    enc = data["encoding"]
    assert (enc["y"]["field"], enc["y"]["sort"]) == ("country", "-x")
    assert enc["x"]["field"] == "share" and enc["x"]["axis"] == {"format": "%"}
    # The window's dates (Python dates) are not carried into the spec.
    assert drawn(data) == [{"country": "CN", "share": 0.6, "downloads": 600.0},
                           {"country": "US", "share": 0.3, "downloads": 300.0},
                           {"country": "(unknown)", "share": 0.1, "downloads": 100.0}]


def test_licences_chart() -> None:
    data = check_golden("licences", lambda: hub_charts.licences_chart(licences_frame(), "Licences: meta"))
    assert data["title"] == {"text": "Licences: meta", "subtitle": SUBTITLE}
    assert data["mark"] == {"type": "bar"}
    enc = data["encoding"]
    assert enc["x"]["field"] == "period"
    assert enc["y"]["field"] == "models" and enc["y"]["stack"] == "normalize"
    assert enc["color"]["field"] == "licence_class"
    assert len(drawn(data)) == 3


def test_architecture_chart() -> None:
    data = check_golden("architecture", lambda: hub_charts.architecture_chart(
        architecture_frame(), "country", "Mixture-of-experts share"))
    assert data["title"] == {"text": "Mixture-of-experts share",
                             "subtitle": [SUBTITLE, "faded: fewer than 5 models"]}
    assert data["mark"] == {"type": "line", "point": True}
    assert [r["small"] for r in drawn(data)] == [True, False, True]  # 4, 5 and 2 models
    enc = data["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == ("period", "moe_share", "country")
    assert enc["y"]["axis"] == {"format": "%"}
    assert [r["median_params_total"] for r in drawn(data)] == [7e9, 2.3e11, None]  # NaN as null
