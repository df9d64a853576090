"""The main job's one screen: who leads open-weight AI today, on which board, how old it is and
how sure we are. Pure: the leaders of the latest text board, the top of the latest Artificial
Analysis index and the store's snapshot listing in; sentences out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from observatory.metrics.freshness import board_age, source_freshness

# The sources `run` updates, and the snapshot formats of their publisher's boards (any of them
# counts as something the publisher published).
ARENA_FORMATS = ("arena-dataset", "arena-daily", "arena-catalog", "lmarena-csv", "hf-space-table")
SOURCE_FORMATS = {
    "arena": ARENA_FORMATS,
    "arena-catalog": ARENA_FORMATS,
    "aa": ("aa-api-json", "aa-llms-json", "aa-compact-csv"),
}


@dataclass
class Headline:
    leaders: pd.DataFrame | None = None  # per country, on the newest text board
    board: list[str] = field(default_factory=list)  # the best open model, its lead, the board
    index: list[str] = field(default_factory=list)  # the best open model on the AA index
    stale: list[str] = field(default_factory=list)  # a line per stale source
    missing: str | None = None  # why there is no text-board headline


def _rating(value: object) -> str:
    return "?" if pd.isna(value) else f"{float(value):.1f}".removesuffix(".0")


def _interval(row: pd.Series) -> str:
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]):
        return " (no interval published)"
    return f" (95% interval {_rating(row['ci_low'])} to {_rating(row['ci_high'])})"


def _place(country: object) -> str:
    return "country unknown" if pd.isna(country) or country == "(unknown)" else str(country)


def _board_name(row: pd.Series) -> str:
    style = " (style control)" if bool(row["style_control"]) else ""
    return f"{row['board']}{style}"


def text_headline(leaders: pd.DataFrame, today: date) -> list[str]:
    """The best open model overall and whether its lead over the next country is solid; the
    board's date and age; a partial board said so."""
    first = leaders.sort_values("position").iloc[0]
    lines = [f"Best open model today: {first['model_name']} ({_place(first['country'])}), "
             f"rating {_rating(first['rating'])}{_interval(first)}"]
    tied = first["tied_with_next"]
    rival = f"{first['next_model']} ({_place(first['next_group'])})"
    if pd.isna(first["next_model"]):
        lines.append("  no other country has an open model on this board")
    elif pd.isna(tied):
        lines.append(f"  whether its lead over {rival} is solid cannot be judged: an interval "
                     "is missing")
    elif bool(tied):
        lines.append(f"  its lead over {rival} is not statistically solid: their 95% "
                     "intervals overlap")
    else:
        lines.append(f"  its lead over {rival} is statistically solid: their 95% intervals "
                     "do not overlap")
    where = board_age(_board_name(first), first["snapshot_date"], first.get("dated_by"), today)
    if pd.notna(first.get("shown_rows")):
        where += f"; partial: the publisher showed its top {int(first['shown_rows'])} only"
    lines.append(f"  on the {where}")
    return lines


def index_headline(top: pd.DataFrame, index: str, today: date) -> list[str]:
    """The best open model on the latest Artificial Analysis index, with its date and age."""
    first = top.sort_values("position").iloc[0]
    who = ", ".join(str(v) for v in (first.get("org_name"), first["country"]) if pd.notna(v))
    age = board_age("Artificial Analysis", first["snapshot_date"], first.get("dated_by"), today)
    return [f"Best open model on the Artificial Analysis {index} index: {first['model_name']}"
            f" ({who}), {_rating(first['rating'])}",
            f"  on the {age.replace(' board ', ' index ', 1)}"]


def stale_lines(snapshots: pd.DataFrame, sources: list[str], today: date) -> list[str]:
    """A line per source that has published nothing new for more than 30 days."""
    lines = []
    for source in sources:
        formats = SOURCE_FORMATS.get(source)
        if not formats:
            continue
        mine = snapshots[snapshots["format"].isin(formats)]
        fresh = source_freshness(mine.assign(format=source), today)
        for row in fresh.itertuples():
            if row.stale:
                verb = "published" if row.dated_by == "publisher" else "fetched"
                lines.append(f"stale: {source}: nothing new {verb} since {row.latest} "
                             f"({row.age_days:,} days)")
    return lines
