"""Q5: the most-liked model of each organisation at a date, beside the same table earlier."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import UNKNOWN


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
    """Per organisation its most-liked model. A namespace the registry does not attribute stands
    as its own organisation with country "unknown" (``attributed`` false): nothing is dropped."""
    table = entries.mutate(attributed=entries.org_id.notnull(),
                           org_id=entries.org_id.fill_null(entries.namespace),
                           org_name=entries.org_name.fill_null(entries.namespace),
                           country=entries.country.fill_null(UNKNOWN))
    if pipeline_tag:
        table = table.filter(table.pipeline_tag == pipeline_tag)
    table = _latest_on_or_before(table, when)
    # The most likes per organisation first (a hash aggregate), then the few rows that reach
    # it, ranked by id for ties: a window over every model would sort millions of rows.
    top = table.group_by("org_id").agg(_top=table.likes.max())
    reach = table.join(top, [table.org_id == top.org_id, table.likes == top._top]).drop("_top")
    rank = ibis.row_number().over(group_by=reach.org_id, order_by=reach.model_id)
    best = reach.mutate(_rn=rank).filter(lambda t: t._rn == 0)
    frame = best.select("snapshot_date", "org_id", "org_name", "country", "attributed",
                        "model_id", "likes", "source", "snapshot_id").order_by(
        [ibis.desc("likes"), "org_id"]).to_pandas()
    if frame.empty:
        raise EmptyResultError("no Hub likes on or before that date; load the weekly history "
                               "(`observatory backfill --source hub-weekly --since 2024-08-01`), "
                               "collect today's with `observatory update --source hub`, or "
                               "import a saved listing "
                               "(`observatory import ../shared/data/hub-trending-daily`)")
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
    for column in ("likes", "earlier_likes"):  # counts stay whole beside a missing one
        merged[column] = merged[column].astype("Int64")
    merged["rank"] = merged["likes"].rank(ascending=False, method="min")
    return merged.sort_values(["likes", "earlier_likes"], ascending=False,
                              na_position="last").reset_index(drop=True)


def likes(entries: ir.Table, when: date | None = None, earlier: date | None = None,
          pipeline_tag: str | None = "text-generation") -> pd.DataFrame:
    """The most-liked table at ``when``; with ``earlier``, that date's table beside it."""
    if earlier is None:
        return most_liked(entries, when, pipeline_tag)
    return likes_then_and_now(entries, when, earlier, pipeline_tag)


PARTIAL_SOURCES = {"hub-listing": "a saved Hub listing (the top models of one or two sorts)",
                   "hf-model-tree": "model-tree files (the models around a few roots)",
                   **{fmt: "the Open LLM Leaderboard's models (evaluated ones only)"
                      for fmt in ("open-llm-v1", "open-llm-v2", "open-llm-v2-flat")}}


def scope_lines(pairs: list[tuple[str, str]]) -> list[str]:
    """For each (source, date) a Hub view read: a line when it is not the whole Hub."""
    return [f"partial: the Hub as of {day} from {PARTIAL_SOURCES[source]}, not the whole Hub; "
            "an organisation missing here may have no model in that set"
            for source, day in sorted(set(pairs)) if source in PARTIAL_SOURCES]


def spans_lines(pairs: list[tuple[str, str]], what: str) -> list[str]:
    """One line per partial source among (source, date) pairs, with its date range: for a view
    built from many snapshots of one source (the lineage graph)."""
    spans: dict[str, list[str]] = {}  # by description: the Open LLM layouts are one source
    for source, day in pairs:
        if source in PARTIAL_SOURCES:
            spans.setdefault(PARTIAL_SOURCES[source], []).append(day)
    lines = []
    for described, days in sorted(spans.items(), key=lambda item: min(item[1])):
        first, last = min(days), max(days)
        when = f"as of {first}" if first == last else f"from {first} to {last}"
        lines.append(f"partial: {what} includes {described} {when}, not the whole Hub")
    return lines


def likes_notes(frame: pd.DataFrame, earlier: date | None = None) -> list[str]:
    """Lines above the table: what the snapshot covers when it is not the whole Hub, how much
    of the table the registry could not attribute, and an ``earlier`` date no snapshot reaches."""
    # an organisation found only at the earlier date has no row now (no source, no date)
    lines = scope_lines([(s, str(d)[:10]) for s, d in zip(frame["source"], frame["snapshot_date"],
                                                           strict=True) if isinstance(s, str)])
    if "attributed" in frame and len(frame):
        unattributed = frame[~frame["attributed"].fillna(False).astype(bool)]
        if len(unattributed):
            share = unattributed["likes"].sum() / frame["likes"].sum()
            lines.append(f"{len(unattributed)} of {len(frame)} organisations are namespaces the "
                         f"registry does not attribute (country unknown), {share:.0%} of the likes "
                         "shown; name them in your registry's org_aliases.csv "
                         "(`observatory registry files`)")
    if earlier is not None and "earlier_date" in frame and frame["earlier_date"].isna().all():
        lines.append(f"no Hub likes on or before {earlier}: the earlier columns are empty")
    return lines
