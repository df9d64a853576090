"""Fingerprint inference on a lineage graph (``lineage.inference``): its inputs read from the
graph and the store, the run on a tiny graph, its output as ``hub_edges`` rows, the candidates an
earlier run stored, and the score summary."""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd
import pytest

from observatory.lineage.graph import LineageGraph, build_graph
from observatory.lineage.infer import infer_bases, learn_changes
from observatory.lineage.inference import (
    candidate_bases,
    edge_table,
    graph_configs,
    infer,
    score_summary,
    stored_candidates,
    undeclared,
)
from observatory.schema import HUB_EDGES
from tests.lineage.helpers import LLAMA, LLAMA_FACTS, QWEN, hub_connection
from tests.registry.helpers import small_registry


def _config(model_id: str, day: date, **changes) -> dict:
    return {"source": "hub-api", "snapshot_date": day, "model_id": model_id, **LLAMA_FACTS, **changes,
            "snapshot_id": f"configs-{day}"}


CONFIGS = [
    _config(LLAMA, date(2025, 2, 1)),
    _config("u/plain", date(2025, 1, 1), hidden_size=3072),  # an older row: superseded
    _config("u/plain", date(2025, 2, 1)),
    _config("u/ft", date(2025, 2, 1), chat_template_hash="bbbb"),
    _config("old/gone", date(2025, 2, 1)),  # not in the graph
]


@pytest.fixture(scope="module")
def con() -> ibis.BaseBackend:
    return hub_connection(CONFIGS)


@pytest.fixture(scope="module")
def graph(con: ibis.BaseBackend) -> LineageGraph:
    return build_graph(con, small_registry())


def test_inputs_read_from_the_graph(con: ibis.BaseBackend, graph: LineageGraph) -> None:
    configs = graph_configs(con, graph).sort_values("model_id", ignore_index=True)
    assert configs["model_id"].tolist() == [LLAMA, "u/ft", "u/plain"]
    assert configs["hidden_size"].tolist() == [4096, 4096, 4096]  # the latest row of each model
    assert configs["chat_template_hash"].tolist() == ["aaaa", "bbbb", "aaaa"]
    assert "snapshot_id" not in configs.columns and "source" not in configs.columns
    bases = candidate_bases(graph).to_pandas().sort_values("model_id", ignore_index=True)
    # roots present in the snapshot, with their declared descendants (u/ft, u/q, u/merge,
    # tree/only); the absent Qwen root is no candidate
    assert bases[["model_id", "derivatives"]].values.tolist() == [[LLAMA, 4], ["u/plain", 0]]
    assert [str(t)[:10] for t in bases["created_at"]] == ["2024-04-18", "2024-08-01"]
    assert sorted(undeclared(graph).to_pandas()["model_id"]) == [LLAMA, "u/plain"]
    assert QWEN not in set(bases["model_id"])


def test_infer_is_infer_bases_on_the_graph(con: ibis.BaseBackend, graph: LineageGraph) -> None:
    found = infer(con, graph)
    assert found[["child_id", "parent_id", "relation", "candidate_rank"]].values.tolist() == [
        ["u/plain", LLAMA, "finetune", 1]]  # the base itself has no older candidate
    assert 0 < found["score"].iloc[0] < 1
    # the same inputs, written out here by hand
    configs = pd.DataFrame([{k: v for k, v in row.items()
                             if k not in ("source", "snapshot_date", "snapshot_id")}
                            for row in CONFIGS if row["model_id"] != "old/gone"
                            and row["hidden_size"] == 4096]).sort_values("model_id", ignore_index=True)
    created = {LLAMA: "2024-04-18", "u/plain": "2024-08-01"}
    bases = pd.DataFrame({"model_id": [LLAMA, "u/plain"], "derivatives": [4, 0],
                          "created_at": [pd.Timestamp(created[m], tz="UTC") for m in (LLAMA, "u/plain")]})
    targets = bases[["model_id", "created_at"]]
    declared = pd.DataFrame({"child_id": ["tree/only", "u/ft", "u/merge", "u/merge", "u/q"],
                             "root_id": [LLAMA, LLAMA, QWEN, LLAMA, LLAMA]})
    expected = infer_bases(configs, bases, targets, top=3, changes=learn_changes(configs, declared),
                           lineage=declared)
    pd.testing.assert_frame_equal(found.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False)
    assert infer(con, graph, targets=[LLAMA]).empty


def test_edge_table_rows() -> None:
    predictions = pd.DataFrame({"child_id": ["b", "a", "a"], "parent_id": ["p", "q", "p"],
                                "relation": ["quantized", "finetune", "finetune"],
                                "score": [0.1234567891234, 0.3, 0.6], "candidate_rank": [1, 2, 1]})
    table = edge_table(predictions, date(2025, 2, 5))
    assert table.schema == HUB_EDGES.remove(HUB_EDGES.get_field_index("snapshot_id"))
    assert table.to_pydict() == {
        "snapshot_date": [date(2025, 2, 5)] * 3, "child_id": ["a", "a", "b"],
        "parent_id": ["p", "q", "p"], "relation": ["finetune", "finetune", "quantized"],
        "kind": ["inferred"] * 3, "score": [0.6, 0.3, 0.123456789], "candidate_rank": [1, 2, 1],
        "method_version": ["fingerprint-2"] * 3}


def test_stored_candidates_of_the_newest_run(con: ibis.BaseBackend) -> None:
    stored, snapshot = stored_candidates(con, "u/plain")
    assert snapshot == "inf-new"
    stored = stored.sort_values("candidate_rank")
    assert stored[["parent_id", "score", "candidate_rank"]].values.tolist() == [
        [LLAMA, 0.9, 1], [QWEN, 0.05, 2]]
    older, snapshot = stored_candidates(con, "u/plain", as_of=date(2025, 1, 31))
    assert snapshot == "inf-old" and older["parent_id"].tolist() == ["old/gone"]
    none, snapshot = stored_candidates(con, "u/plain", as_of=date(2025, 1, 1))
    assert snapshot is None and none.empty
    assert stored_candidates(con, "nobody/x")[0].empty


def test_score_summary() -> None:
    predictions = pd.DataFrame({"child_id": ["c1", "c1", "c2", "c3", "c4"],
                                "score": [0.95, 0.03, 0.6, 0.2, 0.85],
                                "candidate_rank": [1, 2, 1, 1, 1]})
    summary, models = score_summary(predictions)
    assert models == 4
    assert summary.values.tolist() == [[0.0, 4], [0.5, 3], [0.8, 2], [0.9, 1]]
    assert score_summary(predictions, (0.6,))[0]["models"].tolist() == [3]  # at least: 0.6 counts
    empty, none = score_summary(predictions.iloc[:0])
    assert none == 0 and empty["models"].tolist() == [0, 0, 0, 0]
