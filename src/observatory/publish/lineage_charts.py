"""Altair charts for lineage: monthly derivative shares (Q8) and a model's derivative tree."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from observatory.publish.charts import OTHER, UNKNOWN_LABELS, colours, credit

SOURCE_NOTE = "Source: Hugging Face Hub snapshots (declared base models) via the Open Weights Observatory"
TOP_GROUPS = 8
SMALL_MONTH = 30  # a month with fewer new derivatives is drawn faded: its shares say little
TREE_CHILDREN = 12  # per node; the rest are drawn as one "... n more" block
TREE_LEVELS = 4


def _title(text: str, lineage: str, sources: pd.DataFrame | None = None) -> dict:
    """The title; the credit names the Hub snapshots the graph was built from when given
    (``source``, ``snapshot_date``)."""
    note = credit(sources).removesuffix("; Open Weights Observatory") if sources is not None \
        and len(sources) else SOURCE_NOTE
    return {"text": text, "subtitle": f"{note}; {lineage} lineage"}


def derivatives_chart(frame: pd.DataFrame, title: str,
                      sources: pd.DataFrame | None = None) -> alt.Chart:
    """Stacked monthly shares of new derivatives; groups beyond the largest few are 'other'."""
    data = frame[["month", "group", "derivatives", "share", "ci_low", "ci_high", "month_total"]].copy()
    top = data.groupby("group")["derivatives"].sum().nlargest(TOP_GROUPS).index
    data["group"] = data["group"].where(data["group"].isin(top), "other")
    data = data.groupby(["month", "group"], as_index=False).agg(
        derivatives=("derivatives", "sum"), share=("share", "sum"), month_total=("month_total", "first"),
        ci_low=("ci_low", "min"), ci_high=("ci_high", "max"))
    data["month"] = pd.to_datetime(data["month"])
    data["small"] = data["month_total"] < SMALL_MONTH
    lineage = str(frame["lineage"].iloc[0]) if "lineage" in frame and len(frame) else "declared"
    # Known groups by size, then "other", then unknowns in grey, stacked last: the known groups
    # carry the colour.
    present = set(data["group"])
    order = [g for g in top if g not in UNKNOWN_LABELS and g in present]
    order += [g for g in (OTHER, *UNKNOWN_LABELS) if g in present]
    data["stack_order"] = data["group"].map({g: i for i, g in enumerate(order)})
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title="month created"),
        y=alt.Y("share:Q", stack="normalize", axis=alt.Axis(format="%"), title="share of new derivatives"),
        color=alt.Color("group:N", sort=order, title=None, scale=colours(data["group"], order)),
        order=alt.Order("stack_order:Q"),
        opacity=alt.condition(alt.datum.small, alt.value(0.35), alt.value(1.0)),
        tooltip=["group", alt.Tooltip("yearmonth(month):T", title="month"),
                 alt.Tooltip("share:Q", format=".1%"), alt.Tooltip("derivatives:Q", format=",.1f"),
                 "month_total:Q", alt.Tooltip("small:N", title=f"fewer than {SMALL_MONTH}")],
    )
    title = _title(title, lineage, sources)
    title["subtitle"] = [title["subtitle"],
                         f"faded: months with fewer than {SMALL_MONTH} new derivatives"]
    return chart.properties(title=title, width=720, height=360)


def burst_chart(daily: pd.DataFrame, title: str) -> alt.Chart:
    """The cumulative count of derivatives by day after the base's creation."""
    return alt.Chart(daily).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("day:Q", title="days after the base was created"),
        y=alt.Y("derivatives:Q", title="derivatives (cumulative)"),
        tooltip=["day:Q", "derivatives:Q"],
    ).properties(title=_title(title, "declared"), width=640, height=300)


def _icicle(node: dict[str, Any], depth: int, y0: float, rows: list[dict[str, Any]]) -> float:
    """Lay out ``node`` from ``y0``; returns its height (its leaf count, capped children)."""
    children = node["children"][:TREE_CHILDREN] if depth < TREE_LEVELS else []
    hidden = len(node["children"]) - len(children)
    height, cursor = 0.0, y0
    for child in children:
        used = _icicle(child, depth + 1, cursor, rows)
        cursor += used
        height += used
    if hidden:
        rows.append({"model_id": f"... {hidden} more", "relation": "(not shown)", "depth": depth + 1,
                     "y0": cursor, "y1": cursor + 1, "downloads_30d": None})
        height += 1
    height = max(height, 1.0)
    rows.append({"model_id": node["model_id"], "relation": node.get("relation") or "base",
                 "depth": depth, "y0": y0, "y1": y0 + height, "downloads_30d": node.get("downloads_30d")})
    return height


def tree_chart(tree: dict[str, Any], title: str) -> alt.LayerChart:
    """An icicle of the derivative tree: depth left to right, each model as tall as its subtree."""
    rows: list[dict[str, Any]] = []
    _icicle(tree["model"], 0, 0.0, rows)
    data = pd.DataFrame(rows)
    data["x0"], data["x1"] = data["depth"], data["depth"] + 0.97
    base = alt.Chart(data).encode(
        x=alt.X("x0:Q", axis=alt.Axis(title="depth below the model", tickMinStep=1)), x2="x1:Q",
        y=alt.Y("y0:Q", axis=None, scale=alt.Scale(reverse=True)), y2="y1:Q")
    rects = base.mark_rect(stroke="white").encode(
        color=alt.Color("relation:N", title="relation"),
        tooltip=["model_id", "relation", "depth", alt.Tooltip("downloads_30d:Q", format=",")])
    labels = alt.Chart(data[data["y1"] - data["y0"] >= 1]).mark_text(
        align="left", baseline="middle", dx=3, fontSize=9, limit=150).encode(
        x="x0:Q", y=alt.Y("ymid:Q", scale=alt.Scale(reverse=True)), text="model_id:N"
    ).transform_calculate(ymid="(datum.y0 + datum.y1) / 2")
    height = max(240, min(1600, int(data["y1"].max() * 14)))
    return (rects + labels).properties(title=_title(title, tree.get("lineage", "declared")),
                                       width=760, height=height)
