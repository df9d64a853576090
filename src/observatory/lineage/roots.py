"""Root resolution: every model -> its root base model(s), by iterative joins.

The graph can hold the whole Hub (3,000,000 models), so resolution is a loop of set-based
joins rather than a recursive walk: ids become integer keys, and each round extends every
open path by one declared edge (``frontier JOIN edges ON frontier.ancestor = edges.child``).
A path stops at an ancestor with no parent; that ancestor is a root. Rounds = the deepest
chain (a handful on the real Hub), each round one hash join, and it runs on any Ibis backend.
Recursive SQL (``WITH RECURSIVE``) would also work on DuckDB but not on every engine, and a
Python walk would not scale.

* A merge has several parents, so a model can have several roots; each (model, root) pair is
  one row with ``weight = 1 / n_roots`` so shares can split the model between its roots.
* ``depth`` is the fewest declared edges from the model to that root (0 for a base).
* A parent missing from the snapshot is a root outside it (``root_present`` false): its id
  still names an organisation.
* Cycles are cut: a path that returns to a pair it has already visited stops. A model whose
  paths only go round a cycle gets the smallest id on that cycle (a model that reaches itself)
  as its root and status ``cycle``.
* A path still open after ``max_depth`` rounds ends where it is, with status ``truncated``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from observatory.store.catalog import cached

MAX_DEPTH = 64


def _keys(models: ir.Table, edges: ir.Table) -> ir.Table:
    """Integer keys for every node: the models, then parents outside the snapshot."""
    outside = edges.filter(~edges.parent_present).select(node_id=edges.parent_id)
    nodes = models.select(node_id=models.model_id).union(outside, distinct=True)
    # keys in id order, so "the smallest key" means the smallest id, on every engine and run
    return nodes.mutate(key=ibis.row_number().over(order_by=nodes.node_id)).pipe(cached)


def _keyed_edges(edges: ir.Table, keys: ir.Table) -> ir.Table:
    child = keys.select(child_id="node_id", c="key")
    parent = keys.select(parent_id="node_id", p="key")
    joined = edges.join(child, "child_id").join(parent, "parent_id")
    return joined.select("c", "p").distinct().pipe(cached)


def _min_depth(paths: ir.Table) -> ir.Table:
    return paths.group_by("node", "anc").agg(depth=paths.depth.min())


def _walk(edges: ir.Table, max_depth: int) -> tuple[ir.Table, ir.Table, ir.Table]:
    """(paths ending at roots, every visited open path, paths cut at max_depth)."""
    if max_depth < 1:
        raise ValueError("max_depth must be at least 1")
    has_parent = edges.select(c=edges.c).distinct().pipe(cached)
    frontier = edges.select(node=edges.c, anc=edges.p, depth=ibis.literal(1, "int64")).pipe(cached)
    finished: list[ir.Table] = []
    visited: ir.Table | None = None
    for level in range(1, max_depth + 1):
        ended = frontier.anti_join(has_parent, frontier.anc == has_parent.c)
        finished.append(ended.select("node", "anc", "depth").pipe(cached))
        going = frontier.semi_join(has_parent, frontier.anc == has_parent.c)
        if visited is not None:
            going = going.anti_join(visited, [going.node == visited.node, going.anc == visited.anc])
        going = going.select("node", "anc", "depth").pipe(cached)
        if going.count().execute() == 0:
            return _union(finished), _empty() if visited is None else visited, _empty()
        visited = going if visited is None else visited.union(going).pipe(cached)
        if level == max_depth:  # paths still open after max_depth edges end here
            return _union(finished), visited, going
        step = going.join(edges, going.anc == edges.c)
        frontier = _min_depth(step.select(node=step.node, anc=step.p, depth=step.depth + 1)).pipe(cached)
    raise AssertionError("unreachable: the loop returns at max_depth")


def _empty() -> ir.Table:
    return ibis.memtable({"node": [], "anc": [], "depth": []},
                         schema={"node": "int64", "anc": "int64", "depth": "int64"})


def _union(parts: list[ir.Table]) -> ir.Table:
    table = parts[0]
    for part in parts[1:]:
        table = table.union(part)
    return table


def resolve_roots(models: ir.Table, edges: ir.Table, max_depth: int = MAX_DEPTH) -> ir.Table:
    """One row per (model, root): ``model_id, root_id, depth, n_roots, weight, root_present,
    status`` (base | derived | cycle | truncated).

    ``models``: one row per model (``model_id``); ``edges``: ``child_id, parent_id,
    parent_present`` without self-loops (``edges.graph_edges``).
    """
    keys = _keys(models, edges)
    keyed = _keyed_edges(edges, keys)
    ended, visited, cut = _walk(keyed, max_depth)
    status = ibis.literal("derived")
    found = _min_depth(ended).mutate(status=status)
    truncated = _min_depth(cut).mutate(status=ibis.literal("truncated"))
    reached = found.union(truncated)
    has_parent = keyed.select(node=keyed.c).distinct()
    bases = keys.anti_join(has_parent, keys.key == has_parent.node).select(
        node="key", anc="key", depth=ibis.literal(0, "int64"), status=ibis.literal("base"))
    # models whose every path went round a cycle: the smallest key they reached on it
    stuck = has_parent.anti_join(reached, has_parent.node == reached.node)
    members = visited.filter(visited.node == visited.anc).select(member="node")
    on_cycle = visited.semi_join(stuck, visited.node == stuck.node)
    on_cycle = on_cycle.semi_join(members, on_cycle.anc == members.member)
    smallest = on_cycle.group_by("node").agg(anc=on_cycle.anc.min())
    cycle = _min_depth(on_cycle.semi_join(smallest, ["node", "anc"]))
    cycle = cycle.mutate(depth=ibis.ifelse(cycle.node == cycle.anc, 0, cycle.depth),
                         status=ibis.literal("cycle"))
    pairs = bases.union(reached).union(cycle.select("node", "anc", "depth", "status"))
    counted = pairs.mutate(n_roots=pairs.node.count().over(group_by=pairs.node))
    names = keys.select(node="key", model_id="node_id")
    roots = keys.select(anc="key", root_id="node_id")
    present = models.select(root_id="model_id", root_present=ibis.literal(True))
    out = counted.join(names, "node").join(roots, "anc").left_join(present, "root_id")
    out = out.semi_join(models, out.model_id == models.model_id)
    return out.select(
        "model_id", "root_id", "depth",
        n_roots=out.n_roots.cast("int64"),
        weight=1.0 / out.n_roots.cast("float64"),
        root_present=out.root_present.fill_null(False),
        status=out.status,
    )
