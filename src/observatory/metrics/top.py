"""Q4: the top-N models on a board at a date, with their countries."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import BOARD_KEYS, as_of, open_only


def top(table: ir.Table, n: int = 10, when: date | None = None,
        open_weights_only: bool = True) -> pd.DataFrame:
    current = as_of(table, when)
    if open_weights_only:
        current = open_only(current)
    window = ibis.window(group_by=[current[k] for k in BOARD_KEYS],
                         order_by=[ibis.desc(current.rating), current.model_key])
    ranked = current.mutate(position=ibis.row_number().over(window) + 1)
    ranked = ranked.filter(ranked.position <= n)
    frame = ranked.order_by([*BOARD_KEYS, "position"]).to_pandas()
    if frame.empty:
        raise EmptyResultError("no models on the selected board and date")
    frame["method_version"] = METHOD_VERSION
    return frame[[*BOARD_KEYS, "snapshot_date", "position", "model_name", "model_key", "org_name",
                  "country", "rating", "ci_low", "ci_high", "votes", "is_estimated", "open_weights",
                  "licence_class", "attribution", "shown_rows", "dated_by", "source", "snapshot_id",
                  "method_version"]]


def top_by_country(top_frame: pd.DataFrame) -> pd.DataFrame:
    """How many of the top-N each country holds, and which models."""
    frame = top_frame.assign(country=top_frame["country"].fillna("(unknown)"))
    grouped = frame.groupby([*BOARD_KEYS, "snapshot_date", "country"], sort=False)
    summary = grouped.agg(models=("model_name", lambda s: ", ".join(s)),
                          count=("model_name", "size"), best_position=("position", "min"))
    summary = summary.reset_index()
    totals = summary.groupby(BOARD_KEYS)["count"].transform("sum")
    summary["share"] = summary["count"] / totals
    summary["method_version"] = METHOD_VERSION
    return summary.sort_values([*BOARD_KEYS, "count", "best_position"],
                               ascending=[True, True, True, False, True]).reset_index(drop=True)[
        [*BOARD_KEYS, "snapshot_date", "country", "count", "share", "best_position", "models",
         "method_version"]]
