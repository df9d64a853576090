"""Altair charts for the board metrics, saved as PNG/SVG (vl-convert) or self-contained HTML."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from observatory.errors import InputError, OutputError
from observatory.store.exports import check_writable

SUFFIXES = (".png", ".svg", ".html", ".json")
SOURCE_NOTE = "Sources: LMArena / Artificial Analysis via the Open Weights Observatory"


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def leaders_chart(timeline: pd.DataFrame, title: str) -> alt.Chart:
    """The best open model's rating over time, coloured by its country, with its interval."""
    frame = _dates(timeline, "snapshot_date")
    base = alt.Chart(frame).encode(x=alt.X("snapshot_date:T", title="snapshot date"))
    band = base.mark_area(opacity=0.2).encode(y=alt.Y("ci_low:Q", title="rating"),
                                              y2="ci_high:Q")
    points = base.mark_circle(size=45).encode(
        y=alt.Y("rating:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("country:N", title="country of best open model"),
        tooltip=["snapshot_date:T", "model_name:N", "org_name:N", "country:N", "rating:Q",
                 "runner_up_model:N", "runner_up_country:N", "solid:N"],
    )
    line = base.mark_line(color="#999", strokeWidth=1).encode(y="rating:Q")
    return (band + line + points).properties(
        title={"text": title, "subtitle": SOURCE_NOTE}, width=720, height=360)


def gap_chart(gap: pd.DataFrame, title: str) -> alt.Chart:
    frame = _dates(gap, "snapshot_date")
    long = pd.concat([
        frame.assign(kind="best closed", rating=frame["closed_rating"],
                     model=frame["closed_model"]),
        frame.assign(kind="best open", rating=frame["open_rating"], model=frame["open_model"]),
    ])
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("snapshot_date:T", title="snapshot date"),
        y=alt.Y("rating:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("kind:N", title=None),
        tooltip=["snapshot_date:T", "kind:N", "model:N", "rating:Q"],
    ).properties(width=720, height=280)
    gap_band = alt.Chart(frame).encode(x=alt.X("snapshot_date:T", title="snapshot date"))
    gap_plot = (gap_band.mark_area(opacity=0.25).encode(y=alt.Y("gap_low:Q", title="gap"),
                                                        y2="gap_high:Q")
                + gap_band.mark_line().encode(y="gap:Q")).properties(width=720, height=160)
    return alt.vconcat(lines, gap_plot).properties(
        title={"text": title, "subtitle": SOURCE_NOTE})


def top_chart(top: pd.DataFrame, title: str) -> alt.Chart:
    frame = top.copy()
    frame["country"] = frame["country"].fillna("(unknown)")
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("model_name:N", sort=alt.EncodingSortField("rating", order="descending"),
                title=None),
        x=alt.X("rating:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("country:N"),
        tooltip=["position:Q", "model_name:N", "org_name:N", "country:N", "rating:Q"],
    )
    errors = alt.Chart(frame).mark_rule().encode(
        y=alt.Y("model_name:N", sort=alt.EncodingSortField("rating", order="descending")),
        x="ci_low:Q", x2="ci_high:Q")
    return (bars + errors).properties(title={"text": title, "subtitle": SOURCE_NOTE},
                                      width=600, height=alt.Step(22))


def check_output(out: Path) -> str:
    """The chart type asked for (from the suffix); refused before any drawing when it is unknown
    or the path cannot be written."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(out, f"unsupported chart type '{suffix}'; use {', '.join(SUFFIXES)}")
    check_writable(out)
    return suffix


def save(chart: alt.TopLevelMixin, out: Path) -> Path:
    """Write PNG/SVG/HTML/JSON; HTML carries Vega inline so it opens offline."""
    suffix = check_output(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".html":
            chart.save(str(out), format="html", inline=True)
        elif suffix == ".png":
            chart.save(str(out), format="png", scale_factor=2)
        else:
            chart.save(str(out), format=suffix.lstrip("."))
    except OSError as exc:
        raise OutputError(out, exc.strerror or str(exc)) from exc
    return out
