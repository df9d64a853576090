"""Q14: whose base is a model? Its candidate bases (the base it declares; if it declares none,
the candidates its configuration and tokenizer fingerprint point to, from
``lineage.inference.candidates``), each with the organisation, country and family of its root."""

from __future__ import annotations

import ibis
import pandas as pd

from observatory.lineage.graph import LineageGraph
from observatory.registry.hub import root_attributes
from observatory.registry.loader import Registry


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


def whose_base(candidates: pd.DataFrame, graph: LineageGraph, registry: Registry) -> pd.DataFrame:
    """A model's bases (``lineage.inference.candidates``: declared, stored or computed, with
    their evidence), each with the organisation, country and family of its root."""
    return _attribute(candidates, graph, registry)
