"""Q1: the best open-weight model of each organisation / country on a board at a date.

"Statistically tied" means the two models' published 95% intervals overlap
(``leader.ci_low <= other.ci_high``); it is unknown (null) when either interval is missing.
``shown_rows`` is set when the board is partial (a page's top N): a group missing from the
result is then not in the published top N.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import BOARD_KEYS, as_of, best_per, open_only, overlap

GROUPS = {"org": "org_id", "country": "country"}


def leaders(table: ir.Table, by: str = "country", when: date | None = None) -> pd.DataFrame:
    """Best open model per organisation or country, on each board's latest date <= ``when``."""
    group = GROUPS[by]
    current = open_only(as_of(table, when))
    current = current.mutate(**{group: current[group].fill_null("(unknown)")})
    # A group's upper reach is the highest upper bound of any of its models, not only its best.
    reach = current.group_by([*BOARD_KEYS, group]).agg(group_ci_high=current.ci_high.max())
    best = best_per(current, [*BOARD_KEYS, group]).join(reach, [*BOARD_KEYS, group])
    window = ibis.window(group_by=[best[k] for k in BOARD_KEYS],
                         order_by=[ibis.desc(best.rating), best.model_key])
    result = best.mutate(
        position=ibis.row_number().over(window) + 1,
        next_group=best[group].lead().over(window),
        next_model=best.model_name.lead().over(window),
        next_ci_high=best.group_ci_high.lead().over(window),
    )
    result = result.mutate(tied_with_next=overlap(result.ci_low, result.next_ci_high))
    frame = result.order_by([*BOARD_KEYS, "position"]).to_pandas()
    if frame.empty:
        raise EmptyResultError("no open-weight models on the selected board and date")
    frame["method_version"] = METHOD_VERSION
    columns = [*BOARD_KEYS, "snapshot_date", "position", group,
               *(["org_name", "country"] if by == "org" else []), "model_name", "model_key",
               "rating", "ci_low", "ci_high", "votes", "is_estimated", "licence_class",
               "attribution", "tied_with_next", "next_group", "next_model", "shown_rows",
               "dated_by", "source", "snapshot_id", "method_version"]
    return frame[columns]
