"""Q9: the burst of derivatives after a release: derivatives (at any depth) created within N
days of a model's creation, and their downloads, by relation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd

from observatory.errors import EmptyResultError
from observatory.lineage.graph import LineageGraph, canonical_id, model_details
from observatory.lineage.walk import descendants


def burst(graph: LineageGraph, model_id: str, days: int = 30) -> tuple[dict[str, Any], pd.DataFrame]:
    """Derivatives (at any depth) created within ``days`` of the model's creation, by relation,
    with their downloads; and the daily cumulative count for a chart."""
    model_id = canonical_id(graph, model_id)
    base = model_details(graph, [model_id])
    if base.empty or pd.isna(base["created_at"].iloc[0]):
        raise EmptyResultError(f"{model_id}: no creation date in the Hub snapshots, so no burst "
                               "window can be set")
    released = pd.Timestamp(base["created_at"].iloc[0])
    down = descendants(graph.edges, model_id)
    rows = down.merge(model_details(graph, down["model_id"].tolist()), on="model_id", how="left")
    dated = rows.dropna(subset=["created_at"])
    window = dated[pd.to_datetime(dated["created_at"]) <= released + timedelta(days=days)]
    by_relation = window.groupby("relation", dropna=False).agg(
        derivatives=("model_id", "count"),
        downloads_30d=("downloads_30d", _total),
        downloads_all_time=("downloads_all_time", _total),
    ).reset_index()
    day = (pd.to_datetime(window["created_at"]) - released).dt.days.clip(lower=0)
    daily = day.value_counts().sort_index().cumsum().rename("derivatives").rename_axis("day").reset_index()
    summary = {"model_id": model_id, "released": released.date().isoformat(), "days": days,
               "derivatives": len(window), "all_derivatives": len(down),
               "undated": int(len(rows) - len(dated)),
               "downloads_30d": _total(window["downloads_30d"]),
               "downloads_all_time": _total(window["downloads_all_time"]),
               "by_relation": by_relation.to_dict("records"), "lineage": graph.lineage_label}
    return summary, daily


def _total(values: pd.Series) -> int | None:
    """A sum that stays unknown (None) when no value is known, rather than 0."""
    known = values.dropna()
    return int(known.sum()) if len(known) else None
