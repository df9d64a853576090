"""The lineage charts against golden Vega-Lite specs, and the icicle layout of the tree chart.

Frames are hand-built in the shapes ``metrics.derivatives.monthly`` and ``lineage.tree.tree``
return (months as Python dates; the tree as nested dicts, children sorted by downloads)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from observatory.publish import lineage_charts
from observatory.publish.lineage_charts import TOP_GROUPS, TREE_CHILDREN, TREE_LEVELS
from tests.publish.golden import check_golden, spec

BASE = "meta-llama/Llama-3.1-8B"


def monthly(groups: dict[str, tuple[float, float]] | None = None, lineage: str = "declared") -> pd.DataFrame:
    """``monthly()``: per month and group, derivatives (fractional for merges) and their share."""
    groups = groups or {"US": (6.0, 4.0), "CN": (3.5, 5.0), "FR": (0.5, 1.0)}
    records = []
    for index, month in enumerate([date(2025, 1, 1), date(2025, 2, 1)]):
        total = int(sum(counts[index] for counts in groups.values()))
        for group, counts in groups.items():
            share = counts[index] / total
            records.append({"month": month, "group": group, "derivatives": counts[index], "share": share,
                            "ci_low": max(0.0, share - 0.1), "ci_high": min(1.0, share + 0.1),
                            "month_total": total, "lineage": lineage})
    return pd.DataFrame(records)


def node(model_id: str, relation: str | None = "finetune", downloads: int | None = None,
         children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"model_id": model_id, "relation": relation, "kind": None if relation is None else "declared",
            "in_snapshot": downloads is not None, "downloads_30d": downloads,
            "created_at": "2025-01-01" if downloads is not None else None, "children": children or []}


def tree(model: dict[str, Any], lineage: str = "declared") -> dict[str, Any]:
    return {"model": model, "ancestors": [], "roots": [], "descendants": 0, "lineage": lineage}


def small_tree() -> dict[str, Any]:
    """A base with a fine-tune that has three derivatives of its own, and a quantisation."""
    finetune = node("acme/llama-ft", "finetune", 500, [
        node("acme/llama-ft-GGUF", "quantized", 300), node("bob/llama-ft-merge", "merge", 20),
        node("carol/llama-ft-lora", "adapter", None)])
    return tree(node(BASE, None, 10_000, [finetune, node("dave/llama-AWQ", "quantized", 100)]))


def drawn_rows(chart: Any) -> list[tuple[str, str, int, float, float]]:
    """The rectangles the icicle draws: (model, relation, depth, y0, y1) in layout order."""
    data = chart.layer[0].data
    return list(zip(data["model_id"], data["relation"], data["depth"], data["y0"], data["y1"], strict=True))


def test_derivatives_chart() -> None:
    frame = monthly()
    data = check_golden("derivatives", lambda: lineage_charts.derivatives_chart(monthly(), "New derivatives"))
    assert data["title"] == {"text": "New derivatives", "subtitle": [
        f"{lineage_charts.SOURCE_NOTE}; declared lineage",
        f"faded: months with fewer than {lineage_charts.SMALL_MONTH} new derivatives"]}
    assert data["mark"] == {"type": "bar"}
    enc = data["encoding"]
    assert enc["x"]["field"] == "month" and enc["x"]["timeUnit"] == "yearmonth"
    assert enc["y"]["field"] == "share" and enc["y"]["stack"] == "normalize"
    assert enc["color"]["field"] == "group"
    assert enc["color"]["sort"] == ["US", "CN", "FR"]  # the largest groups first
    assert enc["opacity"]["condition"]["test"] == "datum.small"  # small months faded
    rows = data["datasets"][data["data"]["name"]]
    assert {r["month"] for r in rows} == {"2025-01-01T00:00:00", "2025-02-01T00:00:00"}
    assert "lineage" not in rows[0]
    pd.testing.assert_frame_equal(frame, monthly())


def test_derivatives_chart_folds_small_groups_into_other() -> None:
    groups = {f"g{i}": (float(20 - i), 1.0) for i in range(TOP_GROUPS + 2)}
    chart = lineage_charts.derivatives_chart(monthly(groups, "declared+inferred"), "t")
    data = chart.data
    assert set(data["group"]) == {*(f"g{i}" for i in range(TOP_GROUPS)), "other"}
    other = data[(data["group"] == "other") & (data["month"] == pd.Timestamp("2025-01-01"))].iloc[0]
    source = monthly(groups)
    folded = source[source["group"].isin(["g8", "g9"]) & (source["month"] == date(2025, 1, 1))]
    assert other["derivatives"] == folded["derivatives"].sum() == 12 + 11
    assert other["share"] == folded["share"].sum()
    assert (other["ci_low"], other["ci_high"]) == (folded["ci_low"].min(), folded["ci_high"].max())
    assert other["month_total"] == folded["month_total"].iloc[0]
    assert spec(chart, validate=False)["title"]["subtitle"][0].endswith("; declared+inferred lineage")


def test_unknown_is_grey_and_stacked_last() -> None:
    groups = {"unknown": (60.0, 40.0), "CN": (30.0, 40.0), "US": (10.0, 20.0)}
    data = spec(lineage_charts.derivatives_chart(monthly(groups), "t"), validate=False)
    assert data["encoding"]["color"]["sort"] == ["CN", "US", "unknown"]
    scale = data["encoding"]["color"]["scale"]
    assert scale["range"][scale["domain"].index("unknown")] == "#9e9e9e"
    rows = data["datasets"][data["data"]["name"]]
    assert max(r["stack_order"] for r in rows if r["group"] == "unknown") == 2


def test_tree_chart() -> None:
    data = check_golden("tree", lambda: lineage_charts.tree_chart(small_tree(), f"Derivatives of {BASE}"))
    assert data["title"] == {"text": f"Derivatives of {BASE}",
                             "subtitle": f"{lineage_charts.SOURCE_NOTE}; declared lineage"}
    assert data["height"] == 240 and data["width"] == 760
    rects, labels = data["layer"]
    assert rects["mark"] == {"type": "rect", "stroke": "white"}
    enc = rects["encoding"]
    assert (enc["x"]["field"], enc["x2"]["field"], enc["y"]["field"], enc["y2"]["field"]) == (
        "x0", "x1", "y0", "y1")
    assert enc["y"]["scale"] == {"reverse": True} and enc["color"]["field"] == "relation"
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "model_id"
    assert labels["transform"] == [{"calculate": "(datum.y0 + datum.y1) / 2", "as": "ymid"}]


def test_tree_layout_of_a_small_tree() -> None:
    """Each model is as tall as its subtree's leaves, children stacked in the given order."""
    chart = lineage_charts.tree_chart(small_tree(), "t")
    assert drawn_rows(chart) == [
        ("acme/llama-ft-GGUF", "quantized", 2, 0.0, 1.0),
        ("bob/llama-ft-merge", "merge", 2, 1.0, 2.0),
        ("carol/llama-ft-lora", "adapter", 2, 2.0, 3.0),
        ("acme/llama-ft", "finetune", 1, 0.0, 3.0),
        ("dave/llama-AWQ", "quantized", 1, 3.0, 4.0),
        (BASE, "base", 0, 0.0, 4.0)]
    data = chart.layer[0].data
    assert (data["x1"] - data["x0"]).round(6).eq(0.97).all()
    assert data["downloads_30d"].isna().tolist() == [False, False, True, False, False, False]


def test_tree_caps_children_and_levels() -> None:
    """Beyond TREE_CHILDREN children, and below TREE_LEVELS, the rest is one '... n more' block."""
    chain = node("x/level-5", "finetune", 1)
    for depth in (4, 3, 2):
        chain = node(f"x/level-{depth}", "finetune", depth, [chain])
    extra = 3
    children = [node(f"ft/{i:02d}", "finetune", 1000 - i) for i in range(1, TREE_CHILDREN + extra)]
    model = node(BASE, None, 10_000, [node("x/level-1", "finetune", 2000, [chain]), *children])
    rows = drawn_rows(lineage_charts.tree_chart(tree(model), "t"))
    assert TREE_LEVELS == 4
    assert rows[:5] == [
        ("... 1 more", "(not shown)", 5, 0.0, 1.0),  # level 5 sits below the deepest drawn level
        ("x/level-4", "finetune", 4, 0.0, 1.0),
        ("x/level-3", "finetune", 3, 0.0, 1.0),
        ("x/level-2", "finetune", 2, 0.0, 1.0),
        ("x/level-1", "finetune", 1, 0.0, 1.0)]
    shown = rows[5:-2]
    assert [r[0] for r in shown] == [f"ft/{i:02d}" for i in range(1, TREE_CHILDREN)]
    assert [(r[3], r[4]) for r in shown] == [(float(i), float(i + 1)) for i in range(1, TREE_CHILDREN)]
    assert rows[-2] == (f"... {extra} more", "(not shown)", 1, float(TREE_CHILDREN), TREE_CHILDREN + 1.0)
    assert rows[-1] == (BASE, "base", 0, 0.0, TREE_CHILDREN + 1.0)
    assert "x/level-5" not in {r[0] for r in rows}


def test_tree_chart_height_is_bounded() -> None:
    lone = lineage_charts.tree_chart(tree(node(BASE, None, None)), "t")
    assert drawn_rows(lone) == [(BASE, "base", 0, 0.0, 1.0)]
    assert lone.height == 240
    wide = [node(f"a/{i}", "finetune", 1, [node(f"b/{i}-{j}", "finetune", 1, [
        node(f"c/{i}-{j}-{k}", "finetune", 1) for k in range(TREE_CHILDREN)]) for j in range(TREE_CHILDREN)])
        for i in range(TREE_CHILDREN)]
    big = lineage_charts.tree_chart(tree(node(BASE, None, 1, wide)), "t")
    assert big.layer[0].data["y1"].max() == TREE_CHILDREN**3
    assert big.height == 1600
