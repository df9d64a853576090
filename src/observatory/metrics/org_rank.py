"""Q1 as the seed analyses drew it (the Washington Post's "best open-weight model of each
organisation on LMArena"): on every snapshot of a board, the rank on the whole board (open and
closed models) of each organisation's best open-weight model."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import BOARD_KEYS, best_per, open_only

ORGS_SHOWN = 10  # lines on the chart: more would be unreadable


def org_ranks(table: ir.Table, orgs: int = ORGS_SHOWN) -> pd.DataFrame:
    """One row per snapshot and organisation: ``rank`` is the board position of the
    organisation's best open model (1 + the models of any kind rated strictly higher), and
    ``open_rank`` the organisation's place among organisations with open models on that date.

    The organisations kept are the ``orgs`` with the best ``open_rank`` ever reached (ties: the
    most snapshots at that place). Rows without an organisation are left out: an unknown
    organisation has no line to draw (they stay listed by `observatory unknowns`).
    """
    keys = [*BOARD_KEYS, "source", "snapshot_date"]
    rank = ibis.rank().over(group_by=[table[k] for k in keys], order_by=ibis.desc(table.rating))
    ranked = open_only(table.mutate(rank=rank + 1)).filter(lambda t: t.org_id.notnull())
    best = best_per(ranked, [*keys, "org_id"])
    frame = best.to_pandas()
    if frame.empty:
        raise EmptyResultError("no open-weight model with a known organisation on the selected board")
    frame["open_rank"] = frame.groupby(keys, dropna=False)["rank"].rank(method="min").astype("int64")
    reach = frame.groupby("org_id").agg(best=("open_rank", "min"))
    at_best = frame.merge(reach, left_on="org_id", right_index=True)
    at_best = at_best[at_best["open_rank"] == at_best["best"]].groupby("org_id").size()
    reach["times"] = at_best
    kept = reach.sort_values(["best", "times"], ascending=[True, False]).head(orgs).index
    frame = frame[frame["org_id"].isin(kept)].copy()
    frame["method_version"] = METHOD_VERSION
    return frame.sort_values(["snapshot_date", "rank", "org_id"]).reset_index(drop=True)[
        [*BOARD_KEYS, "snapshot_date", "org_id", "org_name", "country", "model_name", "rank",
         "open_rank", "rating", "ci_low", "ci_high", "shown_rows", "dated_by", "source",
         "snapshot_id", "method_version"]]
