"""What several questions share: the latest board rows at a date, open-weight rows, the best row
per group, each Hub source's latest snapshot, creation periods, and the Wilson interval."""

from __future__ import annotations

import math
from datetime import date

import ibis
import ibis.expr.types as ir

BOARD_KEYS = ["board", "category", "style_control"]
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
UNKNOWN = "unknown"
Z95 = 1.959963984540054


def as_of(table: ir.Table, when: date | None) -> ir.Table:
    """Each board's latest snapshot on or before ``when`` (or the latest overall): the latest
    dates are found by aggregation and joined back (no window over every row)."""
    if when is not None:
        table = table.filter(table.snapshot_date <= when)
    latest = table.group_by(BOARD_KEYS).agg(snapshot_date=table.snapshot_date.max())
    # null-safe equality: a board key left missing by a source still has a latest date
    return table.semi_join(latest, [table[k].identical_to(latest[k])
                                    for k in [*BOARD_KEYS, "snapshot_date"]])


def open_only(table: ir.Table) -> ir.Table:
    return table.filter(table.open_weights.fill_null(False))


def overlap(low: ir.Value, high: ir.Value) -> ir.Value:
    """Whether two 95% intervals touch (``low <= high``); unknown when either is missing."""
    return ibis.ifelse(low.isnull() | high.isnull(), ibis.null("boolean"), low <= high)


def best_per(table: ir.Table, keys: list[str]) -> ir.Table:
    """The best-rated row per group (ties: the higher lower bound, then the key)."""
    order = [ibis.desc("rating"), ibis.desc("ci_low"), "model_key"]
    rank = ibis.row_number().over(group_by=[table[k] for k in keys], order_by=order)
    return table.mutate(_rn=rank).filter(lambda t: t._rn == 0).drop("_rn")


def latest_rows(entries: ir.Table) -> ir.Table:
    """Each source's latest snapshot (a constant filter, so older snapshot files are skipped)."""
    latest = entries.group_by("source").agg(latest=entries.snapshot_date.max()).to_pandas()
    if latest.empty:
        return entries.filter(ibis.literal(False))
    keep = [(entries.source == row.source) & (entries.snapshot_date == row.latest)
            for row in latest.itertuples()]
    condition = keep[0]
    for clause in keep[1:]:
        condition = condition | clause
    return entries.filter(condition)


def wilson(successes: float, total: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (fractional counts allowed)."""
    if total <= 0:
        return math.nan, math.nan
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)
