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
    the aggregates of the chosen snapshots (attributed groups only, as from the raw rows)."""
    group = GROUPS[by]
    table = aggregates.filter(aggregates[group].notnull())
    gguf = ibis.ifelse(table.is_gguf, table.models, 0)
    grouped = table.group_by(["snapshot_date", group]).agg(
        downloads_all_time=table.downloads_all_time.sum().cast("int64"),
        downloads_30d=table.downloads_30d.sum().cast("int64"),
        models=table.models.sum().cast("int64"), gguf_models=gguf.sum().cast("int64"))
    return _by_date(grouped, group, NO_CRAWL)
