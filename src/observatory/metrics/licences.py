"""Q10: the licence class mix per organisation over time (by the models' creation period)."""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import PERIODS, latest_rows


def licence_mix(entries: ir.Table, by: str = "org", period: str = "quarter",
                org: str | None = None) -> pd.DataFrame:
    """Models created per period per organisation (or country) and licence class, with shares."""
    group = "org_id" if by == "org" else "country"
    table = latest_rows(entries)
    table = table.filter(table[group].notnull() & table.created_at.notnull())
    if org is not None:
        table = table.filter(table.org_id == org)
    frame = table.select(group, "created_at", "licence_class", "licence").to_pandas()
    if frame.empty:
        raise EmptyResultError("no attributed Hub models with a creation date")
    frame["period"] = pd.to_datetime(frame["created_at"]).dt.tz_localize(None).dt.to_period(
        PERIODS[period]).astype(str)
    counts = frame.groupby([group, "period", "licence_class"]).size().rename("models")
    result = counts.reset_index()
    result["share"] = result["models"] / result.groupby([group, "period"])["models"].transform("sum")
    result["method_version"] = METHOD_VERSION
    return result.sort_values([group, "period", "models"], ascending=[True, True, False])
