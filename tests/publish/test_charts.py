"""The board charts (leaders, gap, top) against golden Vega-Lite specs, and ``save`` to each format.

Frames are hand-built in the shapes ``metrics.lead_changes.timeline``, ``metrics.gap.gap`` and
``metrics.top.top`` return (dates as the ``datetime64`` columns Ibis hands back)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from observatory.errors import InputError, OutputError
from observatory.publish import charts
from tests.publish.golden import check_golden, dumps, spec

BOARD = {"board": "text", "category": "full", "style_control": False}
DATES = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])


def timeline() -> pd.DataFrame:
    return pd.DataFrame({
        **{k: [v] * 3 for k, v in BOARD.items()},
        "snapshot_date": DATES,
        "country": ["US", "CN", "CN"],
        "model_name": ["llama-3.1-405b", "deepseek-v3", "deepseek-r1"],
        "org_name": ["Meta", "DeepSeek", "DeepSeek"],
        "rating": [1300.0, 1318.5, 1340.25],
        "ci_low": [1295.0, 1312.0, 1334.0],
        "ci_high": [1305.0, 1325.0, 1346.5],
        "runner_up_country": ["FR", "US", "US"],
        "runner_up_model": ["mistral-large", "llama-3.1-405b", "llama-3.1-405b"],
        "runner_up_rating": [1280.0, 1300.0, 1300.0],
        "margin": [20.0, 18.5, 40.25],
        "rivals_ci_high": [1286.0, 1305.0, 1305.0],
        "solid": [True, True, None],
        "source": ["lmarena-csv"] * 3,
        "snapshot_id": ["s1", "s2", "s3"],
        "method_version": ["1"] * 3,
    })


def gap_frame() -> pd.DataFrame:
    return pd.DataFrame({
        **{k: [v] * 2 for k, v in BOARD.items()},
        "snapshot_date": DATES[:2],
        "open_model": ["llama-3.1-405b", "deepseek-v3"], "open_country": ["US", "CN"],
        "open_rating": [1300.0, 1318.5], "open_ci_low": [1295.0, 1312.0],
        "open_ci_high": [1305.0, 1325.0],
        "closed_model": ["gpt-4o", "gemini-2"], "closed_country": ["US", "US"],
        "closed_rating": [1360.0, 1370.0], "closed_ci_low": [1357.0, 1366.0],
        "closed_ci_high": [1363.0, 1374.0],
        "gap": [60.0, 51.5], "gap_low": [54.2, 44.0], "gap_high": [65.8, 59.0],
        "method_version": ["1", "1"],
    })


def top_frame() -> pd.DataFrame:
    return pd.DataFrame({
        **{k: [v] * 3 for k, v in BOARD.items()},
        "snapshot_date": [DATES[-1]] * 3,
        "position": [1, 2, 3],
        "model_name": ["deepseek-r1", "qwen-max", "mystery-7b"],
        "model_key": ["deepseek-r1", "qwen-max", "mystery-7b"],
        "org_name": ["DeepSeek", "Alibaba", None],
        "country": ["CN", "CN", None],
        "rating": [1340.25, 1330.0, 1200.5],
        "ci_low": [1334.0, 1325.0, 1190.0], "ci_high": [1346.5, 1335.0, 1211.0],
        "votes": [5000, 4000, 300], "is_estimated": [False, False, True],
        "open_weights": [True, True, True], "licence_class": ["permissive", "restricted", None],
        "source": ["lmarena-csv"] * 3, "snapshot_id": ["s3"] * 3, "method_version": ["1"] * 3,
    })


def rows(data: dict[str, Any], view: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline rows a (sub)view reads, found through its named dataset."""
    return data["datasets"][view["data"]["name"]]


def marks(views: list[dict[str, Any]]) -> list[str]:
    return [v["mark"]["type"] if isinstance(v["mark"], dict) else v["mark"] for v in views]


def test_leaders_chart() -> None:
    frame = timeline()
    data = check_golden("leaders", lambda: charts.leaders_chart(timeline(), "Best open model"))
    assert data["title"] == {"text": "Best open model", "subtitle": [
        "Source: LMArena, snapshots 2025-01-01 to 2025-03-01; Open Weights Observatory",
        f"no line across gaps of more than {charts.GAP_DAYS} days"]}
    assert marks(data["layer"]) == ["area", "line", "circle"]
    band, line, points = (view["encoding"] for view in data["layer"])
    assert all(e["x"] == {"field": "snapshot_date", "type": "temporal", "title": "snapshot date"}
               for e in (band, line, points))
    assert (band["y"]["field"], band["y2"]["field"]) == ("ci_low", "ci_high")
    assert band["detail"]["field"] == line["detail"]["field"] == "segment"
    assert line["y"]["field"] == points["y"]["field"] == "rating"
    assert points["y"]["scale"] == {"zero": False}
    assert points["color"]["field"] == "country"
    assert {"model_name", "runner_up_model", "solid"} <= {t["field"] for t in points["tooltip"]}
    drawn = rows(data, data)
    assert [r["snapshot_date"] for r in drawn] == ["2025-01-01T00:00:00", "2025-02-01T00:00:00",
                                                    "2025-03-01T00:00:00"]
    assert [r["solid"] for r in drawn] == [True, True, None]
    # The chart converts a copy: the caller's frame is left alone.
    pd.testing.assert_frame_equal(frame, timeline())


def test_a_gap_in_the_data_is_drawn_as_a_gap() -> None:
    """Six months without a board (2023-12-20 to 2024-06-19 in the real history) are not
    bridged: the line and band are drawn per segment."""
    frame = timeline().assign(snapshot_date=pd.to_datetime(["2023-11-20", "2023-12-20",
                                                            "2024-06-19"]))
    data = spec(charts.leaders_chart(frame, "t"))
    assert [r["segment"] for r in rows(data, data)] == [0, 0, 1]


def test_unknown_countries_are_grey_and_last() -> None:
    scale = charts.colours(pd.Series(["(unknown)", "(unknown)", "(unknown)", "CN", "US", "CN"]))
    assert scale.domain == ["CN", "US", "(unknown)"]
    assert scale.range[-1] == charts.UNKNOWN_COLOUR and charts.UNKNOWN_COLOUR not in scale.range[:-1]


def test_leaders_chart_accepts_plain_dates() -> None:
    frame = timeline().assign(snapshot_date=[d.date() for d in DATES])
    data = spec(charts.leaders_chart(frame, "t"))
    assert rows(data, data)[0]["snapshot_date"] == "2025-01-01T00:00:00"


def test_gap_chart() -> None:
    data = check_golden("gap", lambda: charts.gap_chart(gap_frame(), "Open vs closed"))
    assert data["title"]["text"] == "Open vs closed"
    assert data["title"]["subtitle"][0] == ("Source: the stored boards, snapshots 2025-01-01 to "
                                            "2025-02-01; Open Weights Observatory")
    lines, gap_plot = data["vconcat"]
    assert lines["mark"] == {"type": "line", "point": True}
    assert lines["encoding"]["color"]["field"] == "kind"
    assert lines["encoding"]["y"]["field"] == "rating"
    long = rows(data, lines)
    assert [(r["kind"], r["model"], r["rating"]) for r in long] == [
        ("best closed", "gpt-4o", 1360.0), ("best closed", "gemini-2", 1370.0),
        ("best open", "llama-3.1-405b", 1300.0), ("best open", "deepseek-v3", 1318.5)]
    assert marks(gap_plot["layer"]) == ["area", "line"]
    area, line = (view["encoding"] for view in gap_plot["layer"])
    assert (area["y"]["field"], area["y2"]["field"], line["y"]["field"]) == ("gap_low", "gap_high", "gap")
    assert [r["gap"] for r in rows(data, gap_plot)] == [60.0, 51.5]


def test_top_chart() -> None:
    frame = top_frame()
    data = check_golden("top", lambda: charts.top_chart(top_frame(), "Top open models"))
    assert data["title"]["text"] == "Top open models, 2025-03-01"  # the board's date
    assert data["title"]["subtitle"] == ("Source: LMArena, snapshot of 2025-03-01; Open Weights "
                                         "Observatory")
    assert data["height"] == {"step": 22}
    assert marks(data["layer"]) == ["rule", "point"]
    errors, bars = (view["encoding"] for view in data["layer"])
    assert bars["x"]["scale"] == {"zero": False}  # not from zero: 1,350 vs 1,430 must show
    assert bars["x"]["title"] == "rating (dot) and 95% interval"
    assert bars["y"]["field"] == errors["y"]["field"] == "model_name"
    assert bars["y"]["sort"] == {"field": "rating", "order": "descending"}
    assert (bars["x"]["field"], bars["color"]["field"]) == ("rating", "country")
    assert (errors["x"]["field"], errors["x2"]["field"]) == ("ci_low", "ci_high")
    assert [r["country"] for r in rows(data, data["layer"][1])] == ["CN", "CN", "(unknown)"]
    assert frame["country"].isna().iloc[-1]  # filled on a copy only
    pd.testing.assert_frame_equal(frame, top_frame())


def test_top_chart_without_intervals_draws_dots_only() -> None:
    """The Artificial Analysis index publishes no intervals: no empty rules (whose infinite
    extent Vega warns about), and the axis says so."""
    frame = top_frame().assign(ci_low=None, ci_high=None)
    data = spec(charts.top_chart(frame, "Index"))
    assert data["mark"]["type"] == "point" and "layer" not in data
    assert data["encoding"]["x"]["title"] == "score (no interval published)"


# --- check_output / save ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_chart() -> Any:
    return charts.top_chart(top_frame().head(2), "Saved chart")


@pytest.mark.parametrize("name", ["chart.pdf", "chart", "chart.jpeg", "chart.json.gz"])
def test_unsupported_suffix_names_the_file(tmp_path: Path, small_chart: Any, name: str) -> None:
    out = tmp_path / name
    with pytest.raises(InputError, match="unsupported chart type") as caught:
        charts.save(small_chart, out)
    assert str(out) in str(caught.value) and caught.value.path == str(out)
    assert not out.exists()


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert charts.check_output(tmp_path / "Chart.HTML") == ".html"
    assert charts.check_output(tmp_path / "chart.Json") == ".json"


def test_unwritable_parent_is_an_output_error(tmp_path: Path, small_chart: Any) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker / "sub" / "chart.json"
    with pytest.raises(OutputError, match="a-file is a file, not a folder") as caught:
        charts.save(small_chart, out)
    assert caught.value.path == str(out) and str(out) in str(caught.value)


def test_a_missing_folder_is_an_output_error_and_is_not_created(tmp_path: Path, small_chart: Any) -> None:
    out = tmp_path / "nested" / "dir" / "chart.json"
    with pytest.raises(OutputError, match=r"the folder .*nested/dir does not exist") as caught:
        charts.save(small_chart, out)
    assert caught.value.exit_code == 2 and not (tmp_path / "nested").exists()


def test_save_json_is_the_spec(tmp_path: Path, small_chart: Any) -> None:
    out = tmp_path / "nested" / "dir" / "chart.json"
    out.parent.mkdir(parents=True)
    assert charts.save(small_chart, out) == out
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    written.pop("$schema")
    assert written == spec(small_chart)


def test_save_html_inlines_vega(tmp_path: Path, small_chart: Any) -> None:
    """Opens offline. The slowest test here (vl-convert bundles Vega on its first call, ~5-10 s)."""
    out = charts.save(small_chart, tmp_path / "chart.html")
    html = out.read_text(encoding="utf-8")
    assert "https://cdn" not in html and not re.search(r"<script[^>]*\bsrc=", html)
    assert "vega-embed.js bundle with Vega-Lite version" in html and "vegaEmbed('#vis'" in html
    assert len(html) > 100_000  # vega, vega-lite and vega-embed are in the file itself
    assert '"text": "Saved chart, 2025-03-01"' in html and '"model_name": "qwen-max"' in html


def test_save_svg(tmp_path: Path, small_chart: Any) -> None:
    out = charts.save(small_chart, tmp_path / "chart.svg")
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg") and text.rstrip().endswith("</svg>")
    assert "Saved chart" in text


def test_save_png(tmp_path: Path, small_chart: Any) -> None:
    out = charts.save(small_chart, tmp_path / "chart.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the golden helper itself ------------------------------------------------------------------

def test_golden_update_writes_then_compares(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            small_chart: Any) -> None:
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    data = check_golden("small", lambda: small_chart, folder=tmp_path)
    path = tmp_path / "small.json"
    assert "$schema" not in data and path.read_text(encoding="utf-8") == dumps(data)
    monkeypatch.delenv("UPDATE_GOLDEN")
    assert check_golden("small", lambda: small_chart, folder=tmp_path) == data
    path.write_text(dumps({**data, "width": 1}), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"differs from small\.json"):
        check_golden("small", lambda: small_chart, folder=tmp_path)
    with pytest.raises(AssertionError, match="no golden file"):
        check_golden("missing", lambda: small_chart, folder=tmp_path)


def test_a_country_keeps_its_colour_from_chart_to_chart() -> None:
    """CN leads one chart and trails in another: its colour does not follow its rank."""
    one = charts.colours(pd.Series(["CN", "CN", "US", "FR"]))
    two = charts.colours(pd.Series(["US", "US", "FR", "CN", "DE"]))
    colour_one = dict(zip(one.domain, one.range, strict=True))
    colour_two = dict(zip(two.domain, two.range, strict=True))
    for country in ("CN", "US", "FR"):
        assert colour_one[country] == colour_two[country] == charts.PINNED[country]
    assert colour_two["DE"] not in charts.PINNED.values()


def test_org_rank_chart_draws_a_line_per_organisation_with_gaps() -> None:
    frame = pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-09-01",
                                         "2024-01-01", "2024-01-08"]),
        "org_id": ["meta", "meta", "meta", "deepseek", "deepseek"],
        "org_name": ["Meta", "Meta", "Meta", "DeepSeek", "DeepSeek"],
        "country": ["US", "US", "US", "CN", "CN"], "model_name": ["a", "b", "c", "d", "e"],
        "rank": [3, 2, 5, 7, 1], "open_rank": [1, 1, 1, 2, 1], "rating": [1.0] * 5,
        "source": ["lmarena-csv"] * 5})
    data = spec(charts.org_rank_chart(frame, "t"))
    drawn = rows(data, data)
    assert {r["line"] for r in drawn} == {"meta/0", "meta/1", "deepseek/0"}  # 8 months apart
    y = data["layer"][0]["encoding"]["y"]
    assert y["scale"]["reverse"] is True and y["field"] == "rank"
    assert "LMArena" in data["title"]["subtitle"][0]
