"""Q5: the most-liked model of each organisation at a date, beside the same table earlier."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError


def _latest_on_or_before(table: ir.Table, when: date | None) -> ir.Table:
    table = table.filter(table.likes.notnull())
    if when is not None:
        table = table.filter(table.snapshot_date <= when)
    # A constant date, so the query reads only that snapshot's files.
    latest = table.snapshot_date.max().to_pandas()
    if latest is None or pd.isna(latest):
        return table.filter(ibis.literal(False))
    return table.filter(table.snapshot_date == pd.Timestamp(latest).date())


def most_liked(entries: ir.Table, when: date | None = None,
               pipeline_tag: str | None = "text-generation") -> pd.DataFrame:
    """Per organisation (registry-attributed namespaces only) its most-liked model."""
    table = entries.filter(entries.org_id.notnull())
    if pipeline_tag:
        table = table.filter(table.pipeline_tag == pipeline_tag)
    table = _latest_on_or_before(table, when)
    rank = ibis.row_number().over(group_by=table.org_id,
                                  order_by=[ibis.desc(table.likes), table.model_id])
    best = table.mutate(_rn=rank).filter(lambda t: t._rn == 0)
    frame = best.select("snapshot_date", "org_id", "org_name", "country", "model_id", "likes",
                        "source", "snapshot_id").order_by(ibis.desc("likes")).to_pandas()
    if frame.empty:
        raise EmptyResultError("no Hub likes on or before that date; collect with "
                               "`observatory update --source hub` or import Hub-shaped files")
    frame["method_version"] = METHOD_VERSION
    return frame


def likes_then_and_now(entries: ir.Table, when: date | None, earlier: date,
                       pipeline_tag: str | None = "text-generation") -> pd.DataFrame:
    """The table at ``when`` with the same organisations' table at ``earlier`` beside it."""
    now = most_liked(entries, when, pipeline_tag)
    try:
        then = most_liked(entries, earlier, pipeline_tag)
    except EmptyResultError:
        then = pd.DataFrame(columns=["org_id", "snapshot_date", "model_id", "likes"])
    then = then[["org_id", "snapshot_date", "model_id", "likes"]].rename(columns={
        "snapshot_date": "earlier_date", "model_id": "earlier_model_id",
        "likes": "earlier_likes"})
    merged = now.merge(then, on="org_id", how="outer")
    merged["rank"] = merged["likes"].rank(ascending=False, method="min")
    return merged.sort_values(["likes", "earlier_likes"], ascending=False,
                              na_position="last").reset_index(drop=True)


def likes(entries: ir.Table, when: date | None = None, earlier: date | None = None,
          pipeline_tag: str | None = "text-generation") -> pd.DataFrame:
    """The most-liked table at ``when``; with ``earlier``, that date's table beside it."""
    if earlier is None:
        return most_liked(entries, when, pipeline_tag)
    return likes_then_and_now(entries, when, earlier, pipeline_tag)
