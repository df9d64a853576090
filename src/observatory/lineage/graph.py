"""The lineage graph of the store's Hub rows: one row per model, its edges, its roots.

Which rows make the graph: a full Hub crawl (``hub-api``) supersedes the earlier ones, so only
the latest crawl on or before the date is read; partial sources (model-tree files, the Open LLM
Leaderboard) add up, so all their snapshots on or before the date are read. A model in several
keeps its latest row. Roots get the organisation, country and family of the root's id (the id
names the organisation even when the root itself is missing from the snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.errors import EmptyResultError
from observatory.lineage.edges import declared_edges, graph_edges
from observatory.lineage.roots import resolve_roots
from observatory.registry.hub import FULL_CRAWLS, root_attributes
from observatory.registry.loader import Registry
from observatory.store.catalog import temp_table

MODEL_COLUMNS = ("model_id", "author", "created_at", "downloads_30d", "downloads_all_time", "likes",
                 "library_name", "pipeline_tag", "tags", "base_models", "base_relation", "params_total",
                 "extra", "source", "snapshot_date", "snapshot_id")
DEFAULT_MIN_SCORE = 0.5
INFERRED_FORMAT = "inferred-edges"  # the derived snapshots infer-bases stores


@dataclass
class LineageGraph:
    models: ir.Table  # one row per model (MODEL_COLUMNS)
    edges: ir.Table  # child_id, parent_id, relation, kind, score, parent_present
    roots: ir.Table  # model_id, root_id, depth, n_roots, weight, root_present, status + root_* columns
    inferred: bool

    @property
    def lineage_label(self) -> str:
        return "declared+inferred" if self.inferred else "declared"


def _dates(con: ibis.BaseBackend, as_of: date | None, source: str | None) -> pd.DataFrame:
    models = con.table("hub_models")
    if source is not None:
        models = models.filter(models.source == source)
    if as_of is not None:
        models = models.filter(models.snapshot_date <= as_of)
    return models.select("source", "snapshot_date").distinct().to_pandas()


def graph_models(con: ibis.BaseBackend, as_of: date | None = None,
                 source: str | None = None) -> ir.Table:
    """One row per model: the latest full crawl plus every partial snapshot, latest row wins."""
    pairs = _dates(con, as_of, source)
    models = con.table("hub_models")
    crawl = pairs[pairs["source"].isin(FULL_CRAWLS)]["snapshot_date"]
    keep = ~models.source.isin(FULL_CRAWLS)
    if len(crawl):
        keep = keep | (models.source.isin(FULL_CRAWLS) & (models.snapshot_date == crawl.max()))
    if source is not None:
        keep = keep & (models.source == source)
    if as_of is not None:
        keep = keep & (models.snapshot_date <= as_of)
    chosen = models.filter(keep).select(*MODEL_COLUMNS)
    order = [ibis.desc(chosen.snapshot_date), ibis.desc(chosen.source.isin(FULL_CRAWLS)),
             chosen.source]
    ranked = chosen.mutate(_row=ibis.row_number().over(group_by=chosen.model_id, order_by=order))
    return ranked.filter(ranked._row == 0).drop("_row")


def latest_inference(con: ibis.BaseBackend, as_of: date | None = None) -> str | None:
    """The id of the newest stored inferred-edges snapshot (on or before ``as_of``): one
    snapshot, never a mix of two runs of the same date."""
    snapshots = con.table("snapshots")
    chosen = snapshots.filter(snapshots.format == INFERRED_FORMAT)
    if as_of is not None:
        chosen = chosen.filter(chosen.snapshot_date <= as_of)
    newest = chosen.order_by([ibis.desc("snapshot_date"), ibis.desc("imported_at")]).limit(1)
    found = newest.select("snapshot_id").to_pandas()
    return None if found.empty else str(found["snapshot_id"].iloc[0])


def inferred_edges(con: ibis.BaseBackend, models: ir.Table, as_of: date | None = None,
                   min_score: float = DEFAULT_MIN_SCORE) -> ir.Table:
    """The best inferred base (newest stored inference) of each model that declares none,
    above ``min_score``."""
    stored = con.table("hub_edges")
    snapshot = latest_inference(con, as_of)
    stored = stored.filter((stored.snapshot_id == (snapshot or "")) & (stored.kind == "inferred")
                           & (stored.candidate_rank == 1) & (stored.score >= min_score))
    undeclared = models.filter(models.base_models.length() == 0).select(child_id="model_id")
    stored = stored.semi_join(undeclared, "child_id")
    present = models.select(parent_id="model_id", parent_present=ibis.literal(True))
    joined = stored.left_join(present, "parent_id")
    return joined.select("child_id", "parent_id", "relation", kind=ibis.literal("inferred"),
                         score=joined.score,
                         parent_present=joined.parent_present.fill_null(False))


def build_graph(con: ibis.BaseBackend, registry: Registry, as_of: date | None = None,
                source: str | None = None, inferred: bool = False,
                min_score: float = DEFAULT_MIN_SCORE) -> LineageGraph:
    models = temp_table(con, graph_models(con, as_of, source), "lineage")
    declared = graph_edges(declared_edges(models))
    edges = declared.select("child_id", "parent_id", "relation", kind=ibis.literal("declared"),
                            score=ibis.null("float64"), parent_present=declared.parent_present)
    if inferred:
        edges = edges.union(inferred_edges(con, models, as_of, min_score))
    edges = temp_table(con, edges, "lineage")
    roots = temp_table(con, root_attributes(resolve_roots(models, edges), registry), "lineage")
    return LineageGraph(models, edges, roots, inferred)


def canonical_id(graph: LineageGraph, model_id: str) -> str:
    """The id as the snapshot spells it (the Hub compares ids case-insensitively)."""
    models = graph.models
    found = models.filter(models.model_id.lower() == model_id.lower()).select("model_id").to_pandas()
    if not found.empty:
        return str(found["model_id"].iloc[0])
    parents = graph.edges.filter(graph.edges.parent_id.lower() == model_id.lower())
    as_parent = parents.select("parent_id").limit(1).to_pandas()
    if not as_parent.empty:
        return str(as_parent["parent_id"].iloc[0])
    raise EmptyResultError(f"model {model_id!r} is not in the Hub snapshots (nor declared as a base); "
                           "import a Hub snapshot or a model-tree file that contains it")


def model_details(graph: LineageGraph, ids: list[str]) -> pd.DataFrame:
    """Dates, downloads, tags and sizes of the given models of the graph."""
    wanted = ibis.memtable(pd.DataFrame({"model_id": ids}, dtype="string"))
    models = graph.models.semi_join(wanted, "model_id")
    return models.select("model_id", "created_at", "downloads_30d", "downloads_all_time", "likes",
                         "tags", "library_name", "params_total", "extra").to_pandas()
