"""Declared lineage edges from Hub model rows.

A model declares its bases in card data (``base_model``: a string or a list) or in
``base_model:[<relation>:]<id>`` tags; ``hub_records`` has already read both into ``base_models``
and ``base_relation``. Here each declared base becomes one edge ``child_id -> parent_id``:

* a base written as a URL (``https://huggingface.co/org/name``) is reduced to its id;
* ids are matched to the snapshot case-insensitively, as the Hub resolves them, so the parent is
  spelled as the snapshot spells it; a base absent from the snapshot keeps one declared spelling
  (the smallest of its case variants) and ``parent_present`` is false (it becomes a root outside
  the snapshot, not an error);
* a model naming itself is a self-loop: dropped from the graph and counted;
* a model that lists the same base twice gets one edge.

Everything is an Ibis expression: the same code runs on DuckDB or any other backend.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

RELATIONS = ("finetune", "adapter", "merge", "quantized", "unknown")
URL_PREFIX = r"^(?:https?://)?(?:www\.)?(?:hf\.co|huggingface\.co)/"
# Whitespace at either end, as a pattern: Ibis's ``strip`` writes its characters as a Spark
# literal in which "\v" and "\f" read as "v" and "f" (so "Llama-2-chat-hf" lost its "f").
SPACE_AT_ENDS = r"^[ \t\n\r\f\x0b]+|[ \t\n\r\f\x0b]+$"


def _clean_id(ref: ir.StringValue) -> ir.StringValue:
    cleaned = ref.re_replace(SPACE_AT_ENDS, "").re_replace(URL_PREFIX, "").re_replace(r"/+$", "")
    return cleaned.re_replace(r"/(?:tree|blob|resolve)/.*$", "")


def declared_refs(models: ir.Table) -> ir.Table:
    """One row per (model, declared base) as written: ``child_id, parent_ref, relation``."""
    declaring = models.filter(models.base_models.length() > 0)
    unnested = declaring.select(
        child_id=declaring.model_id,
        parent_ref=declaring.base_models.unnest(),
        relation=declaring.base_relation.fill_null("unknown"),
    )
    unnested = unnested.mutate(parent_ref=_clean_id(unnested.parent_ref))
    return unnested.filter(unnested.parent_ref != "").distinct()


def declared_edges(models: ir.Table) -> ir.Table:
    """``child_id, parent_id, relation, parent_present, self_loop`` for every declared base.

    ``models`` needs ``model_id``, ``base_models`` and ``base_relation`` with one row per model.
    Self-loops are kept here (flagged) so they can be counted; ``graph_edges`` drops them.
    """
    refs = declared_refs(models)
    refs = refs.mutate(parent_key=refs.parent_ref.lower())
    ids = models.select(parent_key=models.model_id.lower(), canonical=models.model_id)
    ids = ids.distinct(on="parent_key", keep="first")
    joined = refs.left_join(ids, "parent_key")
    # a base outside the snapshot gets one spelling however it is cased (the smallest)
    outside = joined.parent_ref.min().over(group_by=joined.parent_key)
    parent = joined.canonical.fill_null(outside)
    return joined.select(
        child_id=joined.child_id,
        parent_id=parent,
        relation=joined.relation,
        parent_present=joined.canonical.notnull(),
        self_loop=joined.child_id.lower() == parent.lower(),
    ).distinct(on=("child_id", "parent_id"), keep="first")


def graph_edges(edges: ir.Table) -> ir.Table:
    """The edges roots are resolved on: self-loops removed."""
    return edges.filter(~edges.self_loop)


def edge_counts(edges: ir.Table) -> dict[str, int]:
    """Counts for a report: edges by relation, self-loops, bases missing from the snapshot."""
    summary = edges.aggregate(
        edges=edges.count(),
        self_loops=edges.self_loop.sum(),
        missing_parents=(~edges.parent_present & ~edges.self_loop).sum(),
        children=edges.child_id.nunique(),
    ).to_pandas().iloc[0]
    by_relation = edges.filter(~edges.self_loop).group_by("relation").agg(n=ibis._.count()).to_pandas()
    counts = {key: int(summary[key] or 0) for key in ("edges", "self_loops", "missing_parents", "children")}
    counts.update({f"relation_{row.relation}": int(row.n) for row in by_relation.itertuples()})
    return counts
