"""Altair charts for the board metrics, saved as PNG/SVG (vl-convert) or self-contained HTML."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from observatory.errors import InputError, OutputError
from observatory.store.exports import check_writable

SUFFIXES = (".png", ".svg", ".html", ".json")
# The publisher behind each snapshot format, for the credit line under a chart.
PUBLISHERS = {"lmarena-csv": "LMArena", "arena-catalog": "LMArena (arena-catalog)",
              "arena-scatterplot": "LMArena", "hf-space-table": "LMArena (Hugging Face Space)",
              "hf-space-elo-max": "LMArena (Hugging Face Space)",
              "arena-dataset": "Arena (lmarena-ai/leaderboard-dataset, CC-BY-4.0)",
              "arena-daily": "Arena (daily pages)", "aa-llms-json": "Artificial Analysis",
              "aa-compact-csv": "Artificial Analysis", "aa-api-json": "Artificial Analysis",
              "observatory-bt": "the Observatory's own Bradley-Terry fit",
              "hub-api": "Hugging Face Hub API", "hub-listing": "Hugging Face Hub (saved listing)",
              "hub-weekly": "Hugging Face Hub weekly dumps (hfmlsoc/hub_weekly_snapshots)",
              "hub-stats": "Hugging Face Hub daily dumps (cfahlgren1/hub-stats)",
              "hf-model-tree": "Hugging Face Hub model trees",
              "open-llm-v1": "Open LLM Leaderboard", "open-llm-v2": "Open LLM Leaderboard",
              "open-llm-v2-flat": "Open LLM Leaderboard"}
GAP_DAYS = 60  # consecutive snapshots further apart than this are drawn with a gap between
UNKNOWN_COLOUR = "#9e9e9e"
OTHER_COLOUR = "#d4d4d4"  # the small groups folded into one
# Okabe-Ito, then Paul Tol's "muted" set: distinguishable with the common colour-vision
# deficiencies (more than a dozen groups are folded into "other" by the charts that have many).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#332288", "#44AA99", "#882255", "#999933", "#88CCEE", "#AA4499", "#DDCC77"]
# The countries behind most open models, each with its own colour of the palette.
PINNED = {"US": PALETTE[0], "CN": PALETTE[1], "FR": PALETTE[2], "CA": PALETTE[3]}
UNKNOWN_LABELS = ("unknown", "(unknown)")
OTHER = "other"


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def credit(frame: pd.DataFrame, date_column: str = "snapshot_date") -> str:
    """The credit line: the publishers of the snapshots actually drawn, and their dates."""
    names = (sorted({PUBLISHERS.get(str(s), str(s)) for s in frame["source"].dropna()})
             if "source" in frame else [])
    dates = pd.to_datetime(frame[date_column]).dropna() if date_column in frame else pd.Series()
    when = ""
    if len(dates):
        first, last = dates.min().date(), dates.max().date()
        when = f", snapshot of {last}" if first == last else f", snapshots {first} to {last}"
    return f"Source: {', '.join(names) or 'the stored boards'}{when}; Open Weights Observatory"


def segments(frame: pd.DataFrame, column: str = "snapshot_date", days: int = GAP_DAYS) -> pd.Series:
    """A number per run of snapshots without a gap longer than ``days``: lines drawn per
    segment stop at a gap instead of bridging months without data."""
    order = pd.to_datetime(frame[column]).sort_values()
    breaks = (order.diff() > pd.Timedelta(days=days)).cumsum()
    return breaks.reindex(frame.index)


def legend_order(values: pd.Series) -> list[str]:
    """Groups most frequent first, then the folded small groups, then unknowns."""
    counts = values.fillna("(unknown)").value_counts()
    known = [v for v in counts.index if v not in UNKNOWN_LABELS and v != OTHER]
    return [*known, *[v for v in counts.index if v == OTHER],
            *[v for v in counts.index if v in UNKNOWN_LABELS]]


def colours(values: pd.Series, order: list[str] | None = None) -> alt.Scale:
    """Colour-blind-safe colours in ``order`` (default ``legend_order``); the folded small
    groups light grey, unknowns grey. The countries that lead are pinned (the US always blue,
    China always vermillion, ...) so a country keeps its colour from chart to chart."""
    domain = order or legend_order(values)
    free = iter([c for c in PALETTE if c not in PINNED.values()] * (len(domain) // 10 + 1))
    colour = {v: UNKNOWN_COLOUR if v in UNKNOWN_LABELS else OTHER_COLOUR if v == OTHER
              else PINNED.get(v) or next(free) for v in domain}
    return alt.Scale(domain=domain, range=[colour[v] for v in domain])


def leaders_chart(timeline: pd.DataFrame, title: str) -> alt.Chart:
    """The best open model's rating over time, coloured by its country, with its interval."""
    frame = _dates(timeline, "snapshot_date")
    frame["country"] = frame["country"].fillna("(unknown)")
    frame["segment"] = segments(frame)
    base = alt.Chart(frame).encode(x=alt.X("snapshot_date:T", title="snapshot date"))
    band = base.mark_area(opacity=0.2).encode(y=alt.Y("ci_low:Q", title="rating (95% interval)"),
                                              y2="ci_high:Q", detail="segment:N")
    points = base.mark_circle(size=45).encode(
        y=alt.Y("rating:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("country:N", title="country of best open model",
                        scale=colours(frame["country"])),
        tooltip=["snapshot_date:T", "model_name:N", "org_name:N", "country:N", "rating:Q",
                 "runner_up_model:N", "runner_up_country:N", "solid:N"],
    )
    line = base.mark_line(color="#999", strokeWidth=1).encode(y="rating:Q", detail="segment:N")
    return (band + line + points).properties(
        title={"text": title, "subtitle": [credit(frame),
                                           f"no line across gaps of more than {GAP_DAYS} days"]},
        width=720, height=360)


def gap_chart(gap: pd.DataFrame, title: str) -> alt.Chart:
    frame = _dates(gap, "snapshot_date")
    frame["segment"] = segments(frame)
    long = pd.concat([
        frame.assign(kind="best closed", rating=frame["closed_rating"],
                     model=frame["closed_model"]),
        frame.assign(kind="best open", rating=frame["open_rating"], model=frame["open_model"]),
    ])
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("snapshot_date:T", title="snapshot date"),
        y=alt.Y("rating:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("kind:N", title=None,
                        scale=alt.Scale(domain=["best closed", "best open"],
                                        range=[PALETTE[1], PALETTE[0]])),
        detail="segment:N",
        tooltip=["snapshot_date:T", "kind:N", "model:N", "rating:Q"],
    ).properties(width=720, height=280)
    gap_band = alt.Chart(frame).encode(x=alt.X("snapshot_date:T", title="snapshot date"))
    gap_plot = (gap_band.mark_area(opacity=0.25).encode(
        y=alt.Y("gap_low:Q", title="gap (95% interval)"), y2="gap_high:Q", detail="segment:N")
        + gap_band.mark_line().encode(y="gap:Q", detail="segment:N")).properties(
        width=720, height=160)
    return alt.vconcat(lines, gap_plot).properties(
        title={"text": title, "subtitle": [credit(frame),
                                           f"no line across gaps of more than {GAP_DAYS} days"]})


def top_chart(top: pd.DataFrame, title: str) -> alt.Chart:
    """Each model's rating as a dot on its 95% interval: ratings near 1,400 differ by tens of
    points, which bars from zero would flatten (the axis does not start at zero). A board that
    publishes no intervals (the Artificial Analysis index) is drawn as dots only."""
    frame = top.copy()
    frame["country"] = frame["country"].fillna("(unknown)")
    order = alt.EncodingSortField("rating", order="descending")
    scale = colours(frame["country"])
    intervals = frame.dropna(subset=["ci_low", "ci_high"])
    axis = "rating (dot) and 95% interval" if len(intervals) else "score (no interval published)"
    dots = alt.Chart(frame).mark_point(filled=True, size=70).encode(
        y=alt.Y("model_name:N", sort=order, title=None),
        x=alt.X("rating:Q", scale=alt.Scale(zero=False), title=axis),
        color=alt.Color("country:N", scale=scale),
        tooltip=["position:Q", "model_name:N", "org_name:N", "country:N", "rating:Q",
                 "ci_low:Q", "ci_high:Q"],
    )
    when = pd.to_datetime(frame["snapshot_date"]).max().date() if len(frame) else None
    heading = {"text": f"{title}, {when}" if when else title, "subtitle": credit(frame)}
    if intervals.empty:
        return dots.properties(title=heading, width=600, height=alt.Step(22))
    errors = alt.Chart(intervals).mark_rule().encode(
        y=alt.Y("model_name:N", sort=order), x="ci_low:Q", x2="ci_high:Q",
        color=alt.Color("country:N", scale=scale, legend=None))
    return (errors + dots).properties(title=heading, width=600, height=alt.Step(22))


def org_rank_chart(ranks: pd.DataFrame, title: str) -> alt.LayerChart:
    """The rank of each organisation's best open-weight model over time, one line per
    organisation coloured by its country (the seed analyses' chart). Rank 1 is at the top, on a
    log scale: the places near the top matter most. Each line stops at gaps in its data."""
    frame = _dates(ranks, "snapshot_date")
    frame["country"] = frame["country"].fillna("(unknown)")
    frame["segment"] = frame.groupby("org_id", group_keys=False)[["snapshot_date"]].apply(
        lambda rows: segments(rows)).astype(str)
    frame["line"] = frame["org_id"] + "/" + frame["segment"]
    colour = alt.Color("country:N", title="country", scale=colours(frame["country"]))
    base = alt.Chart(frame).encode(
        x=alt.X("snapshot_date:T", title="snapshot date"),
        y=alt.Y("rank:Q", title="rank on the board (1 = top)",
                scale=alt.Scale(type="log", reverse=True, domainMin=1)),
        color=colour)
    lines = base.mark_line(strokeWidth=1.5, opacity=0.8).encode(detail="line:N")
    points = base.mark_circle(size=18).encode(
        tooltip=["snapshot_date:T", "org_name:N", "country:N", "model_name:N", "rank:Q",
                 "open_rank:Q", "rating:Q"])
    last = frame.sort_values("snapshot_date").groupby("org_id").tail(1)
    labels = alt.Chart(last).mark_text(align="left", dx=5, fontSize=10, limit=110).encode(
        x="snapshot_date:T", y=alt.Y("rank:Q", scale=alt.Scale(type="log", reverse=True)),
        text="org_name:N", color=colour)
    return (lines + points + labels).properties(
        title={"text": title, "subtitle": [credit(frame),
                                           f"no line across gaps of more than {GAP_DAYS} days"]},
        width=720, height=380)


def check_output(out: Path) -> str:
    """The chart type asked for (from the suffix); refused before any drawing when it is unknown
    or the path cannot be written. The folder must exist: a chart never creates folders (a
    mistyped path would leave them anywhere, up to the file system's root)."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(out, f"unsupported chart type '{suffix}'; use {', '.join(SUFFIXES)}")
    check_writable(out)
    if not out.absolute().parent.is_dir():
        raise OutputError(out, f"the folder {out.absolute().parent} does not exist")
    return suffix


def save(chart: alt.TopLevelMixin, out: Path) -> Path:
    """Write PNG/SVG/HTML/JSON; HTML carries Vega inline so it opens offline."""
    suffix = check_output(out)
    try:
        if suffix == ".html":
            chart.save(str(out), format="html", inline=True)
        elif suffix == ".png":
            chart.save(str(out), format="png", scale_factor=2)
        else:
            chart.save(str(out), format=suffix.lstrip("."))
    except OSError as exc:
        raise OutputError(out, exc.strerror or str(exc)) from exc
    return out
