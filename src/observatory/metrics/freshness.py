"""How old the data is: a board's date and age as a sentence, and which sources have published
nothing new for a while. Pure: snapshot listings in, sentences and tables out."""

from __future__ import annotations

from datetime import date

import pandas as pd

from observatory.sources.base import FETCH_DATE

STALE_AFTER_DAYS = 30


def _day(value: object) -> date:
    return pd.Timestamp(value).date()


def age_days(day: object, today: date) -> int:
    return (today - _day(day)).days


def ago(days: int) -> str:
    return "today" if days == 0 else "1 day ago" if days == 1 else f"{days:,} days ago"


def board_age(board: str, day: object, dated_by: object, today: date) -> str:
    """``text board published 2026-09-08, 84 days ago``; a board dated by the day it was fetched
    says so."""
    days = ago(age_days(day, today))
    if dated_by == FETCH_DATE:
        return f"{board} board fetched {_day(day)}, {days} (its publisher gave no date)"
    return f"{board} board published {_day(day)}, {days}"


def board_notes(frame: pd.DataFrame, missing: str, today: date) -> list[str]:
    """Lines under a table of board rows: the date and age of each board it read (and whether
    its publisher dated it), and the boards that are partial (a page's top N), where ``missing``
    (e.g. "a model not listed") is not in that top N, not absent."""
    lines = []
    for (board, day), rows in frame.groupby(["board", "snapshot_date"], sort=True):
        dated_by = rows["dated_by"].iloc[0] if "dated_by" in rows else None
        lines.append(board_age(str(board), day, dated_by, today))
        if "shown_rows" in rows and rows["shown_rows"].notna().any():
            shown = int(rows["shown_rows"].max())
            lines.append(f"partial board: the {board} board of {str(day)[:10]} lists only the top "
                         f"{shown} models the publisher showed; {missing} is not in that top "
                         f"{shown}, not absent")
    return lines


def source_freshness(snapshots: pd.DataFrame, today: date,
                     stale_after: int = STALE_AFTER_DAYS) -> pd.DataFrame:
    """Per source (snapshot format): the latest date it published, its age, and whether it is
    stale (nothing new for more than ``stale_after`` days). ``snapshots`` has ``format``,
    ``snapshot_date`` and ``dated_by``; snapshots dated by their fetch say nothing about when the
    publisher last published, so they do not count when a publisher-dated one exists."""
    if snapshots.empty:
        return pd.DataFrame(columns=["source", "latest", "age_days", "stale", "dated_by"])
    frame = snapshots.assign(fetched=snapshots["dated_by"].eq(FETCH_DATE),
                             day=pd.to_datetime(snapshots["snapshot_date"]).dt.date)
    rows = []
    for source, part in frame.groupby("format", sort=True):
        dated = part[~part["fetched"]]
        use = dated if not dated.empty else part
        latest = max(use["day"])
        age = (today - latest).days
        rows.append({"source": source, "latest": latest, "age_days": age,
                     "stale": age > stale_after,
                     "dated_by": "publisher" if not dated.empty else FETCH_DATE})
    return pd.DataFrame(rows)
