"""Fingerprint inference on a lineage graph (Q14 at scale): its inputs from the graph and the
store, its output as ``hub_edges`` rows, and the candidates stored by an earlier run.

Candidate bases are the graph's root models (present in the snapshot), with the number of
models declared to descend from them as their popularity prior. Targets are the models that
declare no base. Facts come from ``hub_configs`` (the latest row per model). Inferred edges are
stored apart from declared ones (``kind = 'inferred'``, with a score) and only enter a metric
when asked (``--inferred``).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from observatory.lineage.graph import LineageGraph, canonical_id, latest_inference
from observatory.lineage.infer import edges_table, infer_bases, learn_changes
from observatory.schema import HUB_CONFIGS

FACT_COLUMNS = [f.name for f in HUB_CONFIGS if f.name not in ("source", "snapshot_date", "snapshot_id")]


def graph_configs(con: ibis.BaseBackend, graph: LineageGraph) -> pd.DataFrame:
    """The latest fingerprint facts of the graph's models."""
    configs = con.table("hub_configs")
    configs = configs.semi_join(graph.models, "model_id")
    ranked = configs.mutate(_row=ibis.row_number().over(
        group_by=configs.model_id, order_by=ibis.desc(configs.snapshot_date)))
    return ranked.filter(ranked._row == 0).select(*FACT_COLUMNS).to_pandas()


def candidate_bases(graph: LineageGraph) -> ir.Table:
    """``model_id, created_at, derivatives``: root models with their declared descendants."""
    roots = graph.roots
    derived = roots.filter(roots.status != "base")
    below = derived.group_by("root_id").agg(derivatives=derived.count())
    bases = roots.filter((roots.status == "base") & roots.root_present).select("model_id")
    bases = bases.left_join(below, bases.model_id == below.root_id).drop("root_id")
    dated = bases.join(graph.models.select("model_id", "created_at"), "model_id")
    return dated.mutate(derivatives=dated.derivatives.fill_null(0))


def undeclared(graph: LineageGraph) -> ir.Table:
    """``model_id, created_at`` of the models that declare no base."""
    models = graph.models
    declared = graph.edges.filter(graph.edges.kind == "declared").select("child_id").distinct()
    plain = models.anti_join(declared, models.model_id == declared.child_id)
    return plain.select("model_id", "created_at")


def infer(con: ibis.BaseBackend, graph: LineageGraph, targets: list[str] | None = None,
          top: int = 3) -> pd.DataFrame:
    """Candidate bases (``child_id, parent_id, relation, score, candidate_rank``) of every model
    that declares none, or of ``targets`` only. How often a derivative changes each fact is
    learned from the graph's declared edges."""
    wanted = undeclared(graph)
    if targets is not None:
        wanted = wanted.filter(wanted.model_id.isin(targets))
    # sorted inputs: the engine returns rows in any order, and sums in another order differ in
    # the last bits, which would change the stored snapshot's hash
    wanted_frame = _sorted(wanted.to_pandas())
    bases = _sorted(candidate_bases(graph).to_pandas())
    configs = _sorted(graph_configs(con, graph))
    roots = graph.roots
    declared = roots.filter(roots.status == "derived").select("model_id", "root_id").to_pandas()
    declared = declared.sort_values(["model_id", "root_id"], ignore_index=True)
    changes = learn_changes(configs, declared.rename(columns={"model_id": "child_id"}))
    return infer_bases(configs, bases, wanted_frame, top=top, changes=changes,
                       lineage=declared.rename(columns={"model_id": "child_id"}))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("model_id", ignore_index=True)


def edge_table(predictions: pd.DataFrame, snapshot_date: date) -> pa.Table:
    """``hub_edges`` rows without ``snapshot_id`` (the store adds it from the content hash)."""
    frame = predictions.sort_values(["child_id", "candidate_rank"]).reset_index(drop=True)
    frame["score"] = frame["score"].round(9)
    return edges_table(frame, snapshot_date).drop_columns(["snapshot_id"])


def stored_candidates(con: ibis.BaseBackend, model_id: str,
                      as_of: date | None = None) -> tuple[pd.DataFrame, str | None]:
    """The inferred candidates of one model in the newest stored inference, and its id."""
    snapshot = latest_inference(con, as_of)
    stored = con.table("hub_edges")
    stored = stored.filter((stored.snapshot_id == (snapshot or "")) & (stored.child_id == model_id)
                           & (stored.kind == "inferred"))
    return stored.to_pandas(), snapshot


def score_summary(predictions: pd.DataFrame,
                  thresholds: tuple[float, ...] = (0.0, 0.5, 0.8, 0.9)) -> tuple[pd.DataFrame, int]:
    """How many models' best candidate scores at least each threshold; and how many models."""
    best = predictions[predictions["candidate_rank"] == 1]
    summary = pd.DataFrame({"score_at_least": list(thresholds),
                            "models": [int((best["score"] >= t).sum()) for t in thresholds]})
    return summary, int(best["child_id"].nunique())


CANDIDATE_COLUMNS = ["model_id", "evidence", "parent_id", "relation", "score", "candidate_rank"]


def candidates(con: ibis.BaseBackend, graph: LineageGraph, model_id: str,
               as_of: date | None = None) -> pd.DataFrame:
    """A model's bases and the evidence for them (Q14): the bases it declares; if it declares
    none, its candidates in the newest stored inference; if none are stored, candidates
    computed now."""
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
    return frame[CANDIDATE_COLUMNS].reset_index(drop=True)
