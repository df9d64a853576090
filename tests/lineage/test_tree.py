"""The tree around one model (``lineage.tree``) on a graph built from in-memory tables: ancestors
up to the root, derivatives nested under their parent (most downloaded first), models outside the
snapshot marked, and the model's roots."""

from __future__ import annotations

from datetime import UTC, datetime

import ibis
import pyarrow as pa
import pytest

from observatory.errors import EmptyResultError
from observatory.lineage.graph import LineageGraph
from observatory.lineage.tree import tree

MODELS = pa.table({
    "model_id": ["Org/Base", "u/FT", "u/ft-GGUF", "u/ft-lora"],
    "created_at": pa.array([datetime(2024, 1, 1, 9, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC),
                            datetime(2024, 3, 1, 23, tzinfo=UTC), None], pa.timestamp("s", tz="UTC")),
    "downloads_30d": pa.array([1000, 50, 500, None], pa.int64()),
    "downloads_all_time": pa.array([5000, 60, 900, None], pa.int64()),
    "likes": pa.array([10, 1, 0, None], pa.int64()),
    "tags": pa.array([[], [], ["gguf"], []], pa.list_(pa.string())),
    "library_name": ["transformers", "transformers", "gguf", "peft"],
    "params_total": pa.array([8, 8, 8, None], pa.int64()),
    "extra": pa.array([None] * 4, pa.string()),
})
EDGES = pa.table({
    "child_id": ["u/FT", "u/ft-GGUF", "u/ft-lora", "u/merged"],
    "parent_id": ["Org/Base", "u/FT", "u/FT", "u/ft-GGUF"],
    "relation": ["finetune", "quantized", "adapter", "merge"],
    "kind": ["declared", "declared", "declared", "inferred"],
    "score": [None, None, None, 0.8],
    "parent_present": [True, True, True, True],
})
ROOTS = pa.table({
    "model_id": ["Org/Base", "u/FT"], "root_id": ["Org/Base", "Org/Base"], "depth": [0, 1],
    "n_roots": [1, 1], "weight": [1.0, 1.0], "root_present": [True, True],
    "status": ["base", "derived"], "root_country": ["US", "US"],
})


def _graph() -> LineageGraph:
    return LineageGraph(ibis.memtable(MODELS), ibis.memtable(EDGES), ibis.memtable(ROOTS), True)


def _leaf(model_id: str, relation: str, kind: str, downloads: int | None, created: str | None,
          children: list[dict] | None = None, in_snapshot: bool = True) -> dict:
    return {"model_id": model_id, "relation": relation, "kind": kind, "in_snapshot": in_snapshot,
            "downloads_30d": downloads, "created_at": created, "children": children or []}


def test_tree_of_a_derivative() -> None:
    out = tree(_graph(), "U/ft")  # the Hub ignores case: the snapshot's spelling is used
    merged = _leaf("u/merged", "merge", "inferred", None, None, in_snapshot=False)
    assert out["model"] == {
        "model_id": "u/FT", "relation": None, "kind": None, "in_snapshot": True,
        "downloads_30d": 50, "created_at": "2024-02-01",
        "children": [  # the most downloaded first; no count counts as none
            _leaf("u/ft-GGUF", "quantized", "declared", 500, "2024-03-01", [merged]),
            _leaf("u/ft-lora", "adapter", "declared", None, None),
        ],
    }
    assert out["ancestors"] == [{
        "model_id": "Org/Base", "relation": None, "kind": "declared", "in_snapshot": True,
        "downloads_30d": 1000, "created_at": "2024-01-01", "children": [], "depth": 1,
        "child": "u/FT", "child_relation": "finetune"}]
    assert out["roots"] == [{"root_id": "Org/Base", "depth": 1, "n_roots": 1, "weight": 1.0,
                             "root_present": True, "status": "derived", "root_country": "US"}]
    assert out["descendants"] == 3
    assert out["lineage"] == "declared+inferred"


def test_tree_of_a_root_and_of_a_base_outside_the_snapshot() -> None:
    graph = _graph()
    top = tree(graph, "org/base")
    assert top["ancestors"] == [] and top["descendants"] == 4
    assert [c["model_id"] for c in top["model"]["children"]] == ["u/FT"]
    assert top["roots"][0]["status"] == "base"
    # a parent named only by an edge is still a tree (not in the snapshot, no roots row)
    outside = LineageGraph(ibis.memtable(MODELS.slice(1)), graph.edges, ibis.memtable(ROOTS.slice(1)),
                           False)
    base = tree(outside, "ORG/BASE")
    assert base["model"]["model_id"] == "Org/Base" and not base["model"]["in_snapshot"]
    assert base["roots"] == [] and base["lineage"] == "declared"


def test_unknown_model_is_an_empty_result() -> None:
    with pytest.raises(EmptyResultError, match="model 'nobody/x' is not in the Hub snapshots"):
        tree(_graph(), "nobody/x")
