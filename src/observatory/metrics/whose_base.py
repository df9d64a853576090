"""Q14: whose base is a model? The base it declares; if it declares none, the candidates its
configuration and tokenizer fingerprint point to (stored by ``infer-bases``, else computed now),
each with the organisation, country and family of its root."""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd

from observatory.lineage.graph import LineageGraph, canonical_id
from observatory.lineage.inference import infer, stored_candidates
from observatory.registry.hub import root_attributes
from observatory.registry.loader import Registry

COLUMNS = ["model_id", "evidence", "parent_id", "relation", "score", "candidate_rank"]


def _attribute(frame: pd.DataFrame, graph: LineageGraph, registry: Registry) -> pd.DataFrame:
    """Add the organisation, country and family of each candidate's root."""
    if frame.empty:
        return frame
    ids = ibis.memtable(pd.DataFrame({"model_id": frame["parent_id"].astype(str),
                                      "root_id": frame["parent_id"].astype(str)}))
    roots = graph.roots.select("model_id", "root_id")
    known = roots.semi_join(ids, "model_id").to_pandas()
    pairs = frame[["parent_id"]].drop_duplicates().merge(
        known.rename(columns={"model_id": "parent_id"}), on="parent_id", how="left")
    pairs["root_id"] = pairs["root_id"].fillna(pairs["parent_id"])
    attributed = root_attributes(ibis.memtable(pairs), registry).to_pandas()
    columns = ["parent_id", "root_id", "root_org", "root_country", "root_family"]
    return frame.merge(attributed[columns].drop_duplicates(["parent_id", "root_id"]), on="parent_id",
                       how="left")


def whose_base(con: ibis.BaseBackend, graph: LineageGraph, registry: Registry,
               model_id: str, as_of: date | None = None) -> pd.DataFrame:
    """The declared bases of a model; if it declares none, its stored inferred candidates; if
    none are stored, candidates computed now. ``evidence`` says which."""
    model_id = canonical_id(graph, model_id)
    edges = graph.edges
    declared = edges.filter((edges.child_id == model_id) & (edges.kind == "declared")).to_pandas()
    if not declared.empty:
        frame = declared.assign(score=None, candidate_rank=None, evidence="declared")
    else:
        stored, snapshot = stored_candidates(con, model_id, as_of)
        if not stored.empty:
            day = pd.Timestamp(stored["snapshot_date"].iloc[0]).date()
            frame = stored.assign(evidence=f"inferred (stored {day}, snapshot {snapshot})")
        else:
            frame = infer(con, graph, [model_id]).assign(evidence="inferred (computed now)")
    frame = frame.assign(model_id=model_id).sort_values("candidate_rank", na_position="first")
    return _attribute(frame[COLUMNS].reset_index(drop=True), graph, registry)
