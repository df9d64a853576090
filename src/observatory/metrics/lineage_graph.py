"""The lineage graph of the store's Hub rows: one row per model, its edges, its roots.

Which rows make the graph: a full Hub crawl (``hub-api``) supersedes the earlier ones, so only
the latest crawl on or before the date is read; partial sources (model-tree files, the Open LLM
Leaderboard) add up, so all their snapshots on or before the date are read. A model in several
keeps its latest row. Roots get the organisation, country and family of the root's id (the id
names the organisation even when the root itself is missing from the snapshot).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.lineage.edges import declared_edges, graph_edges
from observatory.lineage.roots import resolve_roots
from observatory.metrics.hub_entries import family_expr, namespace_table
from observatory.registry.loader import Registry

FULL_CRAWL = "hub-api"
MODEL_COLUMNS = ("model_id", "author", "created_at", "downloads_30d", "downloads_all_time", "likes",
                 "library_name", "pipeline_tag", "tags", "base_models", "base_relation", "params_total",
                 "extra", "source", "snapshot_date", "snapshot_id")
DEFAULT_MIN_SCORE = 0.5


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
    crawl = pairs[pairs["source"] == FULL_CRAWL]["snapshot_date"]
    keep = models.source != FULL_CRAWL
    if len(crawl):
        keep = keep | ((models.source == FULL_CRAWL) & (models.snapshot_date == crawl.max()))
    if source is not None:
        keep = keep & (models.source == source)
    if as_of is not None:
        keep = keep & (models.snapshot_date <= as_of)
    chosen = models.filter(keep).select(*MODEL_COLUMNS)
    order = [ibis.desc(chosen.snapshot_date), ibis.desc(chosen.source == FULL_CRAWL), chosen.source]
    ranked = chosen.mutate(_row=ibis.row_number().over(group_by=chosen.model_id, order_by=order))
    return ranked.filter(ranked._row == 0).drop("_row")


def latest_inference(con: ibis.BaseBackend, as_of: date | None = None) -> str | None:
    """The id of the newest stored inferred-edges snapshot (on or before ``as_of``): one
    snapshot, never a mix of two runs of the same date."""
    snapshots = con.table("snapshots")
    chosen = snapshots.filter(snapshots.format == "inferred-edges")
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


def _namespaces(registry: Registry) -> ir.Table:
    """Hub namespace -> organisation and country, keyed in lower case (the Hub ignores case)."""
    frame = namespace_table(registry)[["namespace", "org_id", "org_name", "country"]]
    frame = frame.assign(ns_key=frame["namespace"].str.lower()).drop_duplicates("ns_key")
    return ibis.memtable(frame.drop(columns=["namespace"]))


def root_attributes(roots: ir.Table, registry: Registry) -> ir.Table:
    """Add ``root_namespace, root_org_id, root_org, root_country, root_family``."""
    namespaces = _namespaces(registry)
    with_ns = roots.mutate(root_namespace=roots.root_id.split("/")[0])
    joined = with_ns.left_join(namespaces, with_ns.root_namespace.lower() == namespaces.ns_key)
    joined = joined.drop("ns_key").rename(root_org_id="org_id", root_org="org_name",
                                          root_country="country")
    distinct = joined.select("root_id").distinct()
    families = distinct.mutate(root_family=family_expr(registry, distinct.root_id,
                                                       ibis.null("string")))
    return joined.left_join(families, "root_id").drop("root_id_right")


def uploader_attributes(table: ir.Table, registry: Registry, id_column: str = "model_id") -> ir.Table:
    """Add ``namespace, org_id, org_name, country`` of the model's own namespace."""
    namespaces = _namespaces(registry)
    with_ns = table.mutate(namespace=table[id_column].split("/")[0])
    return with_ns.left_join(namespaces, with_ns.namespace.lower() == namespaces.ns_key).drop("ns_key")


def _materialize(con: ibis.BaseBackend, table: ir.Table) -> ir.Table:
    """A temporary table on the connection. Unlike ``.cache()`` it has no finalizer, so a graph
    can outlive a closed connection without errors; it goes when the connection closes."""
    return con.create_table(f"_lineage_{uuid.uuid4().hex[:12]}", table, temp=True)


def build_graph(con: ibis.BaseBackend, registry: Registry, as_of: date | None = None,
                source: str | None = None, inferred: bool = False,
                min_score: float = DEFAULT_MIN_SCORE) -> LineageGraph:
    models = _materialize(con, graph_models(con, as_of, source))
    declared = graph_edges(declared_edges(models))
    edges = declared.select("child_id", "parent_id", "relation", kind=ibis.literal("declared"),
                            score=ibis.null("float64"), parent_present=declared.parent_present)
    if inferred:
        edges = edges.union(inferred_edges(con, models, as_of, min_score))
    edges = _materialize(con, edges)
    roots = _materialize(con, root_attributes(resolve_roots(models, edges), registry))
    return LineageGraph(models, edges, roots, inferred)
