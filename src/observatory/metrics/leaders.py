"""Q1/Q2: the best open-weight model of each organisation / country, and the lead over time.

"Statistically tied" means the two models' published 95% intervals overlap
(``leader.ci_low <= other.ci_high``); it is unknown (null) when either interval is missing.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError

BOARD_KEYS = ["board", "category", "style_control"]
GROUPS = {"org": "org_id", "country": "country"}


def as_of(table: ir.Table, when: date | None) -> ir.Table:
    """Each board's latest snapshot on or before ``when`` (or the latest overall)."""
    if when is not None:
        table = table.filter(table.snapshot_date <= when)
    latest = table.snapshot_date.max().over(group_by=[table[k] for k in BOARD_KEYS])
    return table.filter(table.snapshot_date == latest)


def open_only(table: ir.Table) -> ir.Table:
    return table.filter(table.open_weights.fill_null(False))


def _overlap(low: ir.Value, high: ir.Value) -> ir.Value:
    return ibis.ifelse(low.isnull() | high.isnull(), ibis.null("boolean"), low <= high)


def _best_per(table: ir.Table, keys: list[str]) -> ir.Table:
    order = [ibis.desc("rating"), ibis.desc("ci_low"), "model_key"]
    rank = ibis.row_number().over(group_by=[table[k] for k in keys], order_by=order)
    return table.mutate(_rn=rank).filter(lambda t: t._rn == 0).drop("_rn")


def leaders(table: ir.Table, by: str = "country", when: date | None = None) -> pd.DataFrame:
    """Best open model per organisation or country, on each board's latest date <= ``when``."""
    group = GROUPS[by]
    current = open_only(as_of(table, when))
    current = current.mutate(**{group: current[group].fill_null("(unknown)")})
    # A group's upper reach is the highest upper bound of any of its models, not only its best.
    reach = current.group_by([*BOARD_KEYS, group]).agg(group_ci_high=current.ci_high.max())
    best = _best_per(current, [*BOARD_KEYS, group]).join(reach, [*BOARD_KEYS, group])
    window = ibis.window(group_by=[best[k] for k in BOARD_KEYS],
                         order_by=[ibis.desc(best.rating), best.model_key])
    result = best.mutate(
        position=ibis.row_number().over(window) + 1,
        next_group=best[group].lead().over(window),
        next_model=best.model_name.lead().over(window),
        next_ci_high=best.group_ci_high.lead().over(window),
    )
    result = result.mutate(tied_with_next=_overlap(result.ci_low, result.next_ci_high))
    frame = result.order_by([*BOARD_KEYS, "position"]).to_pandas()
    if frame.empty:
        raise EmptyResultError("no open-weight models on the selected board and date")
    frame["method_version"] = METHOD_VERSION
    columns = [*BOARD_KEYS, "snapshot_date", "position", group,
               *(["org_name", "country"] if by == "org" else []), "model_name", "model_key",
               "rating", "ci_low", "ci_high", "votes", "is_estimated", "licence_class",
               "tied_with_next",
               "next_group", "next_model", "source", "snapshot_id", "method_version"]
    return frame[columns]


def country_race(table: ir.Table) -> ir.Table:
    """Per board date: the best open model (leader), the best model of any other country, and
    whether the leader clears every model of every other country (``solid``)."""
    current = open_only(table)
    current = current.filter(current.country.notnull())
    date_keys = [*BOARD_KEYS, "snapshot_date"]
    per_country = _best_per(current, [*date_keys, "country"])
    window = ibis.window(group_by=[per_country[k] for k in date_keys],
                         order_by=[ibis.desc(per_country.rating), per_country.model_key])
    ranked = per_country.mutate(
        _pos=ibis.row_number().over(window),
        runner_up_country=per_country.country.lead().over(window),
        runner_up_model=per_country.model_name.lead().over(window),
        runner_up_rating=per_country.rating.lead().over(window),
    )
    top = ranked.filter(ranked._pos == 0).drop("_pos")
    reach = current.group_by([*date_keys, "country"]).agg(country_ci_high=current.ci_high.max())
    rivals = top.select(*date_keys, leader_country=top.country).join(reach, date_keys)
    rivals = rivals.filter(rivals.country != rivals.leader_country)
    rivals = rivals.group_by(date_keys).agg(rivals_ci_high=rivals.country_ci_high.max())
    top = top.left_join(rivals, date_keys).drop(*(f"{k}_right" for k in date_keys))
    return top.mutate(
        margin=top.rating - top.runner_up_rating,
        solid=~_overlap(top.ci_low, top.rivals_ci_high),
    )


def timeline(table: ir.Table) -> pd.DataFrame:
    """The country of the best open model on every board date."""
    race = country_race(table)
    frame = race.order_by([*BOARD_KEYS, "snapshot_date"]).to_pandas()
    if frame.empty:
        raise EmptyResultError("no open-weight models with a known country on the board")
    frame["method_version"] = METHOD_VERSION
    return frame[[*BOARD_KEYS, "snapshot_date", "country", "model_name", "org_name", "rating",
                  "ci_low", "ci_high", "runner_up_country", "runner_up_model",
                  "runner_up_rating", "margin", "rivals_ci_high", "solid", "source", "snapshot_id",
                  "method_version"]]


def lead_changes(timeline_frame: pd.DataFrame) -> pd.DataFrame:
    """Dates the lead changed country: the last date before and the first date after.

    ``solid_at_change``: the new leader's interval clears the best model of every other country
    on the first date; ``solid_from``: the first date from which it stays clear until the lead
    changes again (empty if it never does).
    """
    changes = []
    for _, board in timeline_frame.groupby(BOARD_KEYS, sort=False):
        rows = board.sort_values("snapshot_date").reset_index(drop=True)
        for i in range(1, len(rows)):
            before, after = rows.iloc[i - 1], rows.iloc[i]
            if after["country"] == before["country"]:
                continue
            reign = rows.iloc[i:]
            ended = reign.index[reign["country"] != after["country"]]
            reign = reign.loc[: ended[0] - 1] if len(ended) else reign
            solid = reign["solid"].fillna(False).astype(bool).tolist()
            # The first date from which the lead stays clear until the reign ends.
            stays_clear = None
            for date_, is_solid in zip(reversed(reign["snapshot_date"].tolist()),
                                       reversed(solid), strict=True):
                if not is_solid:
                    break
                stays_clear = date_
            changes.append(
                {
                    "board": after["board"], "category": after["category"],
                    "style_control": after["style_control"],
                    "last_date_before": before["snapshot_date"],
                    "first_date_after": after["snapshot_date"],
                    "from_country": before["country"], "from_model": before["model_name"],
                    "to_country": after["country"], "to_model": after["model_name"],
                    "margin": after["margin"], "solid_at_change": after["solid"],
                    "solid_from": stays_clear,
                    "method_version": METHOD_VERSION,
                }
            )
    return pd.DataFrame(changes, columns=[
        "board", "category", "style_control", "last_date_before", "first_date_after",
        "from_country", "from_model", "to_country", "to_model", "margin", "solid_at_change",
        "solid_from", "method_version"])
