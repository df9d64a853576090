"""Walk the graph from one model: everything above it (ancestors) or below it (descendants).

Breadth-first, one join per level against the edge table, so a family of 100,000 derivatives
costs a few joins, not a query per model. Each model is reported once, at the level it is
first reached, with the edge that reached it; a cycle ends the walk.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

MAX_LEVELS = 32
COLUMNS = ["model_id", "depth", "via", "relation", "kind"]


def _walk(edges: ir.Table, start: str, downward: bool, max_levels: int) -> pd.DataFrame:
    near, far = ("parent_id", "child_id") if downward else ("child_id", "parent_id")
    seen = {start}
    frontier = [start]
    found: list[pd.DataFrame] = []
    for depth in range(1, max_levels + 1):
        ids = ibis.memtable(pd.DataFrame({near: frontier}))
        step = edges.semi_join(ids, near).select(
            model_id=edges[far], via=edges[near], relation=edges.relation, kind=edges.kind)
        level = step.to_pandas().sort_values(["model_id", "via"])
        level = level[~level["model_id"].isin(seen)].drop_duplicates("model_id")
        if level.empty:
            break
        level.insert(1, "depth", depth)
        found.append(level)
        seen.update(level["model_id"])
        frontier = level["model_id"].tolist()
    if not found:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(found, ignore_index=True)[COLUMNS]


def descendants(edges: ir.Table, model_id: str, max_levels: int = MAX_LEVELS) -> pd.DataFrame:
    """``model_id, depth, via, relation, kind``: every model built on ``model_id``; ``via`` is
    the parent it was reached from."""
    return _walk(edges, model_id, True, max_levels)


def ancestors(edges: ir.Table, model_id: str, max_levels: int = MAX_LEVELS) -> pd.DataFrame:
    """``model_id, depth, via, relation, kind``: every model ``model_id`` is built on; ``via``
    is the child it was reached from, ``relation`` that child's relation to it."""
    return _walk(edges, model_id, False, max_levels)
