"""Altair charts for the Hub adoption metrics (Q5, Q6, Q7, Q10, Q11)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from observatory.errors import EmptyResultError
from observatory.publish.charts import colours, credit

SOURCE_NOTE = "Source: Hugging Face Hub snapshots via the Open Weights Observatory"
SMALL_GROUP = 5  # a share over fewer models is drawn faded: it says little


def _title(text: str, frame: pd.DataFrame | None = None) -> dict:
    """The title, and the credit of the snapshots drawn when the frame says them."""
    if frame is not None and {"source", "snapshot_date"} <= set(frame.columns):
        return {"text": text, "subtitle": credit(frame)}
    return {"text": text, "subtitle": SOURCE_NOTE}


def _plain(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Only JSON-friendly columns go into a chart spec."""
    data = frame[[c for c in columns if c in frame.columns]].copy()
    for column in data.columns:
        if data[column].dtype == object:
            data[column] = data[column].map(lambda v: v if v is None or isinstance(v, str | int |
                                                                                     float) else str(v))
    return data


def likes_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    data = _plain(frame.dropna(subset=["likes"]).head(25), ["org_id", "country", "model_id",
                                                             "likes"])
    data["likes"] = data["likes"].astype("int64")
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("org_id:N", sort="-x", title=None), x=alt.X("likes:Q"),
        color=alt.Color("country:N", scale=colours(data["country"].fillna("(unknown)"))),
        tooltip=["org_id", "model_id", "likes"],
    ).properties(title=_title(title, frame), width=560, height=alt.Step(20))


def downloads_chart(frame: pd.DataFrame, group: str, title: str) -> alt.Chart:
    # a snapshot from the Hub API has 30-day counts only: no point on the all-time lines
    data = _plain(frame.dropna(subset=["downloads_all_time"]),
                  ["snapshot_date", group, "downloads_all_time"])
    if data.empty:
        raise EmptyResultError("no all-time download counts in the Hub snapshots (the Hub API "
                               "gives 30-day counts; the weekly dumps all-time ones: `observatory "
                               "backfill --source hub-weekly`)")
    data["snapshot_date"] = pd.to_datetime(data["snapshot_date"])
    data["downloads_all_time"] = data["downloads_all_time"].astype("int64")
    top = data.groupby(group)["downloads_all_time"].max().nlargest(10).index
    data = data[data[group].isin(top)]
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("snapshot_date:T", title="snapshot date"),
        y=alt.Y("downloads_all_time:Q", title="all-time downloads"),
        color=alt.Color(f"{group}:N", scale=colours(data[group], list(top))),
        tooltip=[group, "snapshot_date:T", "downloads_all_time:Q"],
    ).properties(title=_title(title, frame), width=720, height=360)


def share_chart(frame: pd.DataFrame, group: str, title: str) -> alt.Chart:
    data = _plain(frame.head(15), [group, "share", "downloads"])
    data["downloads"] = data["downloads"].astype("float64")
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{group}:N", sort="-x", title=None), x=alt.X("share:Q", axis=alt.Axis(format="%")),
        tooltip=[group, alt.Tooltip("share:Q", format=".1%"), "downloads:Q"],
    ).properties(title=_title(title), width=560, height=alt.Step(20))


def licences_chart(frame: pd.DataFrame, title: str, sources: pd.DataFrame | None = None) -> alt.Chart:
    """Shares of licence classes per period, over every organisation of the frame; unknown in
    grey on top."""
    data = frame.groupby(["period", "licence_class"], as_index=False)["models"].sum()
    order = [c for c in colours(data["licence_class"]).domain]
    data["stack_order"] = data["licence_class"].map({c: i for i, c in enumerate(order)})
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("period:N", title=None), y=alt.Y("models:Q", stack="normalize", title="share"),
        color=alt.Color("licence_class:N", sort=order, scale=colours(data["licence_class"])),
        order=alt.Order("stack_order:Q"),
        tooltip=["period", "licence_class", "models"],
    ).properties(title=_title(title, sources), width=640, height=300)


def architecture_chart(frame: pd.DataFrame, group: str, title: str) -> alt.Chart:
    """The MoE share per period and group; a share over fewer than ``SMALL_GROUP`` models (those
    known MoE or dense, when the frame says) is drawn faded and said in the tooltip."""
    counted = frame["moe_known"] if "moe_known" in frame else frame["models"]
    data = frame.assign(small=counted < SMALL_GROUP)
    heading = _title(title)
    heading["subtitle"] = [heading["subtitle"], f"faded: fewer than {SMALL_GROUP} models"]
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("period:N", title=None), y=alt.Y("moe_share:Q", axis=alt.Axis(format="%")),
        color=alt.Color(f"{group}:N", scale=colours(data[group])),
        opacity=alt.condition(alt.datum.small, alt.value(0.35), alt.value(1.0)),
        tooltip=[group, "period", "moe_share", "models",
                 alt.Tooltip("small:N", title=f"fewer than {SMALL_GROUP}")],
    ).properties(title=heading, width=640, height=300)
