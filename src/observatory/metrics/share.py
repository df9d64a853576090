"""Q7: the share of Hub downloads by developer country (organisation, family) over a window,
with the EOI-style first-year variant and concentration (HHI).

Downloader country is not public: "share by country" is the share of downloads OF models made
BY developers in each country.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.downloads import GROUPS


def _snapshot_at(entries: ir.Table, when: date) -> date:
    dates = entries.filter(entries.snapshot_date <= when).snapshot_date.max().to_pandas()
    if dates is None or pd.isna(dates):
        raise EmptyResultError(f"no whole-Hub snapshot on or before {when}: a share needs one "
                               "at both ends of the window; run `observatory backfill --source "
                               f"hub-weekly --since {when}` (or `observatory update --source "
                               "hub` once a day)")
    return pd.Timestamp(dates).date()


def download_share(entries: ir.Table, start: date, end: date, by: str = "country",
                   first_year_only: bool = False) -> pd.DataFrame:
    """Share of downloads in [start, end] by group, from all-time counts at both ends.

    A model's downloads in the window are its all-time count at the last snapshot on or before
    ``end`` minus that at the last snapshot on or before ``start`` (0 if it did not exist).
    ``first_year_only`` (the EOI-style variant) keeps only the part of the window within a year
    of the model's creation, assuming its window downloads were spread evenly over the days it
    existed in the window.
    """
    group = GROUPS[by]
    first, last = _snapshot_at(entries, start), _snapshot_at(entries, end)
    if first == last:
        raise EmptyResultError(f"one snapshot covers both ends of {start}..{end}; need two")
    at_start = entries.filter(entries.snapshot_date == first).select(
        "model_id", start_count=entries.downloads_all_time)
    at_end = entries.filter(entries.snapshot_date == last)
    joined = at_end.left_join(at_start, "model_id").drop("model_id_right")
    window = (joined.downloads_all_time.fill_null(0) - joined.start_count.fill_null(0)).clip(lower=0)
    table = joined.mutate(window_downloads=window, group=joined[group].fill_null("(unknown)"))
    if first_year_only:
        created = table.created_at.cast("date").fill_null(first)
        begin = ibis.greatest(created, ibis.literal(first))
        span = ibis.literal(last).delta(begin, unit="day")
        year_end = ibis.least(created + ibis.interval(days=365), ibis.literal(last))
        young = year_end.delta(begin, unit="day")
        fraction = ibis.ifelse(span > 0, young.clip(lower=0) / span, 0.0)
        table = table.mutate(window_downloads=table.window_downloads * fraction)
    grouped = table.group_by("group").agg(downloads=table.window_downloads.sum(),
                                          models=table.count()).to_pandas()
    total = grouped["downloads"].sum()
    if total <= 0:
        raise EmptyResultError(f"no downloads between {first} and {last}")
    grouped["share"] = grouped["downloads"] / total
    grouped = grouped.sort_values("share", ascending=False).rename(columns={"group": group})
    grouped["hhi"] = float((grouped["share"] ** 2).sum())
    grouped["window_start"], grouped["window_end"] = first, last
    grouped["variant"] = "first-year (EOI)" if first_year_only else "all downloads"
    grouped["method_version"] = METHOD_VERSION
    return grouped.reset_index(drop=True)
