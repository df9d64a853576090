"""Walking the graph from one model (``lineage.walk``) on a small edge table: each model once, at
the level it is first reached, with the edge that reached it; a cycle ends the walk."""

from __future__ import annotations

import ibis
import pandas as pd

from observatory.lineage.walk import COLUMNS, ancestors, descendants

# (child, parent, relation, kind): a -> b -> c -> e, a -> d -> e (e merges c and d), g merges b
# and d, f is inferred from a; x and y name each other.
EDGES = ibis.memtable(pd.DataFrame([
    ("b", "a", "finetune", "declared"), ("c", "b", "quantized", "declared"),
    ("d", "a", "adapter", "declared"), ("e", "c", "merge", "declared"), ("e", "d", "merge", "declared"),
    ("g", "b", "merge", "declared"), ("g", "d", "merge", "declared"), ("f", "a", "finetune", "inferred"),
    ("y", "x", "finetune", "declared"), ("x", "y", "finetune", "declared"),
], columns=["child_id", "parent_id", "relation", "kind"]))


def _rows(frame: pd.DataFrame) -> list[tuple]:
    assert list(frame.columns) == COLUMNS
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_descendants_level_by_level() -> None:
    assert _rows(descendants(EDGES, "a")) == [
        ("b", 1, "a", "finetune", "declared"),
        ("d", 1, "a", "adapter", "declared"),
        ("f", 1, "a", "finetune", "inferred"),
        ("c", 2, "b", "quantized", "declared"),
        ("e", 2, "d", "merge", "declared"),  # reached from d at level 2; c's edge comes a level later
        ("g", 2, "b", "merge", "declared"),  # reached from b and d on one level: the first by id
    ]


def test_ancestors_level_by_level() -> None:
    assert _rows(ancestors(EDGES, "e")) == [
        ("c", 1, "e", "merge", "declared"),
        ("d", 1, "e", "merge", "declared"),
        ("a", 2, "d", "adapter", "declared"),  # via is the child, relation that child's relation
        ("b", 2, "c", "quantized", "declared"),
    ]


def test_max_levels_cycles_and_leaves() -> None:
    assert [row[0] for row in _rows(descendants(EDGES, "a", max_levels=1))] == ["b", "d", "f"]
    assert _rows(descendants(EDGES, "x")) == [("y", 1, "x", "finetune", "declared")]
    assert _rows(ancestors(EDGES, "x")) == [("y", 1, "x", "finetune", "declared")]
    assert descendants(EDGES, "e").empty and list(descendants(EDGES, "e").columns) == COLUMNS
    assert ancestors(EDGES, "a").empty
    assert descendants(EDGES, "not-in-graph").empty
