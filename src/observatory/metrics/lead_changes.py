"""Q2: who held the lead (the country, or the organisation, of the best open model) on every
board date, when it changed hands, and whether each change is statistically solid.

A leader is "solid" on a date when its 95% lower bound clears the upper bound of every model of
every other group (not only the other groups' best models).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import BOARD_KEYS, best_per, open_only, overlap
from observatory.metrics.leaders import GROUPS

DATE_KEYS = [*BOARD_KEYS, "snapshot_date"]


def race(table: ir.Table, by: str = "country") -> ir.Table:
    """Per board date: the best open model (leader), the best model of any other group, and
    whether the leader clears every model of every other group (``solid``)."""
    group = GROUPS[by]
    current = open_only(table)
    current = current.filter(current[group].notnull())
    per_group = best_per(current, [*DATE_KEYS, group])
    window = ibis.window(group_by=[per_group[k] for k in DATE_KEYS],
                         order_by=[ibis.desc(per_group.rating), per_group.model_key])
    ranked = per_group.mutate(
        _pos=ibis.row_number().over(window),
        **{f"runner_up_{group}": per_group[group].lead().over(window)},
        runner_up_model=per_group.model_name.lead().over(window),
        runner_up_rating=per_group.rating.lead().over(window),
    )
    top = ranked.filter(ranked._pos == 0).drop("_pos")
    reach = current.group_by([*DATE_KEYS, group]).agg(group_ci_high=current.ci_high.max())
    rivals = top.select(*DATE_KEYS, _leader=top[group]).join(reach, DATE_KEYS)
    rivals = rivals.filter(rivals[group] != rivals._leader)
    rivals = rivals.group_by(DATE_KEYS).agg(rivals_ci_high=rivals.group_ci_high.max())
    top = top.left_join(rivals, DATE_KEYS).drop(*(f"{k}_right" for k in DATE_KEYS))
    return top.mutate(
        margin=top.rating - top.runner_up_rating,
        solid=~overlap(top.ci_low, top.rivals_ci_high),
    )


def timeline(table: ir.Table, by: str = "country") -> pd.DataFrame:
    """The country (or organisation) of the best open model on every board date."""
    group = GROUPS[by]
    frame = race(table, by).order_by(DATE_KEYS).to_pandas()
    if frame.empty:
        raise EmptyResultError(f"no open-weight models with a known {by} on the board")
    frame["method_version"] = METHOD_VERSION
    who = ["country", "model_name", "org_name"] if by == "country" else \
        ["org_id", "org_name", "country", "model_name"]
    return frame[[*DATE_KEYS, *who, "rating", "ci_low", "ci_high", f"runner_up_{group}",
                  "runner_up_model", "runner_up_rating", "margin", "rivals_ci_high", "solid",
                  "shown_rows", "dated_by", "source", "snapshot_id", "method_version"]]


def until(timeline_frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The timeline up to ``as_of``: its rows dated on or before it (each date's row reads only
    that date's board, so the cut is the timeline as it stood then)."""
    kept = timeline_frame[pd.to_datetime(timeline_frame["snapshot_date"]) <= pd.Timestamp(as_of)]
    if kept.empty:
        raise EmptyResultError(f"no board date on or before {as_of}")
    return kept.reset_index(drop=True)


def _solid_from(reign: pd.DataFrame) -> object:
    """The first date from which the lead stays clear until the reign ends (None if never)."""
    stays_clear = None
    solid = reign["solid"].fillna(False).astype(bool).tolist()
    for day, is_solid in zip(reversed(reign["snapshot_date"].tolist()), reversed(solid), strict=True):
        if not is_solid:
            break
        stays_clear = day
    return stays_clear


def lead_changes(timeline_frame: pd.DataFrame, by: str = "country") -> pd.DataFrame:
    """Dates the lead changed hands: the last date before and the first date after.

    ``solid_at_change``: the new leader's interval clears the best model of every other group
    on the first date; ``solid_from``: the first date from which it stays clear until the lead
    changes again (empty if it never does).
    """
    group = GROUPS[by]
    changes = []
    for _, board in timeline_frame.groupby(BOARD_KEYS, sort=False):
        rows = board.sort_values("snapshot_date").reset_index(drop=True)
        for i in range(1, len(rows)):
            before, after = rows.iloc[i - 1], rows.iloc[i]
            if after[group] == before[group]:
                continue
            reign = rows.iloc[i:]
            ended = reign.index[reign[group] != after[group]]
            reign = reign.loc[: ended[0] - 1] if len(ended) else reign
            changes.append({
                "board": after["board"], "category": after["category"],
                "style_control": after["style_control"],
                "last_date_before": before["snapshot_date"],
                "first_date_after": after["snapshot_date"],
                f"from_{group}": before[group], "from_model": before["model_name"],
                f"to_{group}": after[group], "to_model": after["model_name"],
                "margin": after["margin"], "solid_at_change": after["solid"],
                "solid_from": _solid_from(reign), "method_version": METHOD_VERSION,
            })
    return pd.DataFrame(changes, columns=[
        *BOARD_KEYS, "last_date_before", "first_date_after", f"from_{group}", "from_model",
        f"to_{group}", "to_model", "margin", "solid_at_change", "solid_from", "method_version"])
