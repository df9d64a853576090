"""Per-snapshot Hub aggregates, and the views that read them.

``aggregate`` sums one Hub snapshot's rows (entries with organisation, country, family and the
GGUF flag) by organisation, family and flag. An organisation is the registry's; a namespace the
registry does not attribute keeps its own name when it is among the ``TOP_UNATTRIBUTED`` most
downloaded of the snapshot, and the rest share one row, ``OTHER_NAMESPACES``: nothing is dropped,
so totals stay whole.

``downloads_from_aggregates`` gives what ``downloads.downloads_over_time`` (by family) and
``downloads.downloads_by_namespace`` (by organisation or country) give from the raw rows, with
the same numbers, reading a few thousand rows a snapshot.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.metrics.common import UNKNOWN
from observatory.metrics.downloads import GROUPS, NO_CRAWL, _by_date

TOP_UNATTRIBUTED = 200
OTHER_NAMESPACES = "(other unattributed namespaces)"


def aggregate(entries: ir.Table, top: int = TOP_UNATTRIBUTED) -> ir.Table:
    """One snapshot's entries (``registry.hub.with_family`` rows) summed by organisation key,
    family and GGUF flag."""
    unattributed = entries.filter(entries.org_id.isnull())
    ranked = (unattributed.group_by("namespace")
              .agg(_total=unattributed.downloads_all_time.sum())
              .order_by([ibis.desc("_total"), "namespace"]).limit(top)
              .select("namespace", _kept=ibis.literal(True)))
    rows = entries.left_join(ranked, "namespace").drop("namespace_right")
    org_key = ibis.cases((rows.org_id.notnull(), rows.org_id),
                         (rows._kept.fill_null(False), rows.namespace),
                         else_=ibis.literal(OTHER_NAMESPACES))
    rows = rows.mutate(org_key=org_key)
    return rows.group_by(["snapshot_date", "org_key", "org_id", "country", "family",
                          "is_gguf"]).agg(
        models=rows.count().cast("int64"),
        downloads_all_time=rows.downloads_all_time.sum().cast("int64"),
        downloads_30d=rows.downloads_30d.sum().cast("int64"),
        likes=rows.likes.sum().cast("int64"),
    )


def downloads_from_aggregates(aggregates: ir.Table, by: str = "family") -> pd.DataFrame:
    """Per snapshot date and group: all-time and 30-day downloads, models and GGUF models, from
    the aggregates of the chosen snapshots. By organisation or country nothing is dropped: an
    unattributed namespace is its own organisation (the least downloaded share one row), of
    country "unknown"; by family, models of no known family are left out (the notes say how
    much that is)."""
    group = GROUPS[by]
    if by == "org":
        aggregates = aggregates.mutate(org_id=aggregates.org_key)
    elif by == "country":
        aggregates = aggregates.mutate(country=aggregates.country.fill_null(UNKNOWN))
    table = aggregates.filter(aggregates[group].notnull())
    gguf = ibis.ifelse(table.is_gguf, table.models, 0)
    grouped = table.group_by(["snapshot_date", group]).agg(
        downloads_all_time=table.downloads_all_time.sum().cast("int64"),
        downloads_30d=table.downloads_30d.sum().cast("int64"),
        models=table.models.sum().cast("int64"), gguf_models=gguf.sum().cast("int64"))
    return _by_date(grouped, group, NO_CRAWL)


DUMPS = {"hub-weekly": "the public weekly dumps (hfmlsoc/hub_weekly_snapshots, ODbL-1.0)",
         "hub-stats": "the public daily dumps (cfahlgren1/hub-stats, Apache-2.0)"}


def download_notes(aggregates: ir.Table, by: str = "family") -> list[str]:
    """Lines above a downloads table: how many snapshots it rests on (one is not a history),
    where they come from, and what share of the newest snapshot's downloads it cannot show
    (models of no known family, namespaces the registry does not attribute)."""
    group = GROUPS[by]
    frame = (aggregates.group_by(["snapshot_date", "hub_source", aggregates[group].isnull()
                                  .name("unshown")])
             .agg(downloads=aggregates.downloads_all_time.sum()).to_pandas())
    if frame.empty:
        return []
    lines = []
    dates = sorted(frame["snapshot_date"].unique())
    newest = pd.Timestamp(dates[-1]).date()
    if len(dates) == 1:
        lines.append(f"single snapshot: the Hub as of {newest} only, not a history; load the "
                     "weekly history with `observatory backfill --source hub-weekly --since "
                     "2024-08-01`")
    for source in sorted(set(frame["hub_source"]) & set(DUMPS)):
        lines.append(f"history from {DUMPS[source]}")
    last = frame[frame["snapshot_date"] == dates[-1]]
    total = last["downloads"].sum()
    hidden = last.loc[last["unshown"], "downloads"].sum()
    if total and hidden and by == "family":
        lines.append(f"{hidden / total:.0%} of the all-time downloads on {newest} are in models "
                     "of no known family, not shown; add family rules in your registry "
                     "(`observatory registry files`)")
    elif total and hidden:
        lines.append(f"{hidden / total:.0%} of the all-time downloads on {newest} are in "
                     "namespaces the registry does not attribute: each stands as its own "
                     f"organisation, country unknown (the least downloaded as {OTHER_NAMESPACES});"
                     " name them in your registry (`observatory registry files`)")
    return lines


def share_notes(frame: pd.DataFrame, group: str) -> list[str]:
    """The share of a window that the registry could not attribute."""
    unknown = frame[frame[group] == "(unknown)"]
    if unknown.empty:
        return []
    return [f"{unknown['share'].iloc[0]:.0%} of the window's downloads are in namespaces the "
            "registry does not attribute, shown as (unknown)"]
