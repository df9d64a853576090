"""Q3: the best open model against the best closed model, per board date.

The gap's interval assumes the two ratings' errors are independent and roughly normal:
half-width = sqrt(h_closed^2 + h_open^2), each h half the published 95% interval's width.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import BOARD_KEYS

DATE_KEYS = [*BOARD_KEYS, "snapshot_date"]


def _best(table: ir.Table, prefix: str) -> ir.Table:
    rank = ibis.row_number().over(group_by=[table[k] for k in DATE_KEYS],
                                  order_by=[ibis.desc("rating"), "model_key"])
    best = table.mutate(_rn=rank).filter(lambda t: t._rn == 0)
    return best.select(
        *DATE_KEYS,
        **{f"{prefix}_model": best.model_name, f"{prefix}_country": best.country,
           f"{prefix}_rating": best.rating, f"{prefix}_ci_low": best.ci_low,
           f"{prefix}_ci_high": best.ci_high, f"{prefix}_source": best.source,
           f"{prefix}_snapshot_id": best.snapshot_id},
    )


def gap(table: ir.Table) -> pd.DataFrame:
    open_best = _best(table.filter(table.open_weights == True), "open")  # noqa: E712
    closed_best = _best(table.filter(table.open_weights == False), "closed")  # noqa: E712
    joined = open_best.join(closed_best, DATE_KEYS)
    half_open = (joined.open_ci_high - joined.open_ci_low) / 2
    half_closed = (joined.closed_ci_high - joined.closed_ci_low) / 2
    half = (half_open**2 + half_closed**2).sqrt()
    # provenance: both rows come from the date's one snapshot of the board
    joined = joined.mutate(source=joined.open_source, snapshot_id=joined.open_snapshot_id).drop(
        "open_source", "closed_source", "open_snapshot_id", "closed_snapshot_id")
    result = joined.mutate(gap=joined.closed_rating - joined.open_rating)
    result = result.mutate(gap_low=result.gap - half, gap_high=result.gap + half)
    frame = result.order_by(DATE_KEYS).to_pandas()
    if frame.empty:
        raise EmptyResultError("no date has both an open and a closed model on this board")
    frame["method_version"] = METHOD_VERSION
    return frame
