"""Models the registry cannot attribute: counted and listed, never silently dropped."""

from __future__ import annotations

import ibis
import pandas as pd

from observatory.registry.attribute import attribute_arena, attribute_index
from observatory.registry.boards import published_labels, stated_index_facts
from observatory.registry.loader import Registry

COLUMNS = ["table", "source", "model_key", "model_name", "label", "missing", "rows",
           "first_date", "last_date"]


def _arena(con: ibis.BaseBackend, registry: Registry) -> pd.DataFrame:
    table = con.table("board_entries")
    models = (
        table.group_by(["source", "model_key", "model_name", "org_label", "licence_label"])
        .agg(rows=table.count(), first_date=table.snapshot_date.min(),
             last_date=table.snapshot_date.max(), url=table.url.max())
        .to_pandas()
    )
    if models.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = attribute_arena(models, registry, published_labels(con))
    out["table"] = "board_entries"
    out["label"] = out["org_label_used"].fillna("") + " | " + out["licence_label_used"].fillna("")
    return out


def _index(con: ibis.BaseBackend, registry: Registry) -> pd.DataFrame:
    table = con.table("index_scores")
    models = (
        table.group_by(["source", "model_key", "model_name", "creator", "creator_slug",
                        "creator_country", "open_weights", "licence_label", "hf_id"])
        .agg(rows=table.count(), first_date=table.snapshot_date.min(),
             last_date=table.snapshot_date.max())
        .to_pandas()
    )
    if models.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = attribute_index(models, registry, stated_index_facts(con))
    out["table"] = "index_scores"
    out["label"] = out["creator_slug"].fillna("") + " | " + out["licence_label"].fillna("")
    return out


def unknowns(con: ibis.BaseBackend, registry: Registry) -> pd.DataFrame:
    """One row per (source, model) lacking an organisation, a country or an open/closed status."""
    frames = []
    for frame in (_arena(con, registry), _index(con, registry)):
        if frame.empty:
            continue
        missing = []
        for _, row in frame.iterrows():
            gaps = [name for name, value in (("organisation", row["org_id"]),
                                             ("country", row["country"]),
                                             ("open_weights", row["open_weights"]))
                    if pd.isna(value)]
            missing.append(", ".join(gaps))
        frame = frame.assign(missing=missing)
        frames.append(frame[frame["missing"] != ""][COLUMNS])
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    result = pd.concat(frames, ignore_index=True)
    grouped = result.groupby(["table", "model_key", "model_name", "missing"], as_index=False).agg(
        source=("source", lambda s: ",".join(sorted(set(s)))), label=("label", "first"),
        rows=("rows", "sum"), first_date=("first_date", "min"), last_date=("last_date", "max"))
    return grouped[COLUMNS].sort_values(["table", "rows"], ascending=[True, False]).reset_index(
        drop=True)
