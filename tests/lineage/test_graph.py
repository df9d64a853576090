"""The lineage graph (``lineage.graph``): which Hub rows make it, ids as the snapshot spells them,
declared and inferred edges and their roots, on a small in-memory store; then on the real Hub
model trees in ../shared/data/hf-model-tree.

For the real trees, the expected values are computed here from the raw CSV: each row's declared
bases are read from its ``base_model:`` tags with plain string handling, and roots and depths by
walking those parent links in Python; the crawler's own ``depth`` column is checked too.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pytest
import yaml

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.lineage.graph import (
    LineageGraph,
    build_graph,
    canonical_id,
    graph_models,
    inferred_edges,
    latest_inference,
    model_details,
)
from observatory.lineage.walk import descendants
from tests.conftest import SHARED, need_shared, tree_rows
from tests.lineage.helpers import LLAMA, QWEN, hub_connection
from tests.registry.helpers import small_registry


@pytest.fixture(scope="module")
def con() -> ibis.BaseBackend:
    return hub_connection()


@pytest.fixture(scope="module")
def graph(con: ibis.BaseBackend) -> LineageGraph:
    """The declared graph of the small store."""
    return build_graph(con, small_registry())


def _models(table: ibis.Table) -> dict[str, tuple]:
    frame = table.to_pandas()
    return {row.model_id: (row.source, str(row.snapshot_date)[:10],
                           None if pd.isna(row.downloads_30d) else int(row.downloads_30d))
            for row in frame.itertuples()}


def test_graph_models_latest_crawl_plus_partial_sources(con: ibis.BaseBackend) -> None:
    assert _models(graph_models(con)) == {
        LLAMA: ("hub-api", "2025-02-01", 100),  # the older crawl is superseded
        "u/ft": ("hub-api", "2025-02-01", 40),  # a model-tree row of an earlier date loses
        "u/merge": ("hub-api", "2025-02-01", None),  # same date: the full crawl's row wins
        "u/plain": ("hub-api", "2025-02-01", 3),
        "u/q": ("hf-model-tree", "2025-03-01", 7),  # a later partial row wins
        "tree/only": ("hf-model-tree", "2025-01-15", 2),  # partial sources add up
    }
    assert _models(graph_models(con, as_of=date(2025, 1, 20))) == {
        LLAMA: ("hub-api", "2025-01-01", 10), "old/gone": ("hub-api", "2025-01-01", None),
        "u/ft": ("hf-model-tree", "2025-01-15", 1), "tree/only": ("hf-model-tree", "2025-01-15", 2)}
    assert _models(graph_models(con, source="hf-model-tree")) == {
        "tree/only": ("hf-model-tree", "2025-01-15", 2), "u/ft": ("hf-model-tree", "2025-01-15", 1),
        "u/merge": ("hf-model-tree", "2025-02-01", 999), "u/q": ("hf-model-tree", "2025-03-01", 7)}
    assert set(_models(graph_models(con, source="hub-api"))) == {LLAMA, "u/ft", "u/merge", "u/plain", "u/q"}


def _roots(graph: LineageGraph) -> dict[str, list[tuple]]:
    frame = graph.roots.to_pandas().sort_values(["model_id", "root_id"])
    out: dict[str, list[tuple]] = {}
    for row in frame.itertuples():
        out.setdefault(row.model_id, []).append(
            (row.root_id, int(row.depth), float(row.weight), bool(row.root_present), row.status,
             *(None if pd.isna(v) else v for v in (row.root_org, row.root_country, row.root_family))))
    return out


def test_build_graph_declared_edges_and_attributed_roots(graph: LineageGraph) -> None:
    assert not graph.inferred and graph.lineage_label == "declared"
    edges = graph.edges.to_pandas().sort_values(["child_id", "parent_id"])
    assert [tuple(r) for r in edges[["child_id", "parent_id", "relation", "kind", "parent_present"]]
            .itertuples(index=False)] == [
        ("tree/only", LLAMA, "finetune", "declared", True),
        ("u/ft", LLAMA, "finetune", "declared", True),  # spelled as the snapshot spells it
        ("u/merge", QWEN, "merge", "declared", False),
        ("u/merge", "u/ft", "merge", "declared", True),
        ("u/q", "u/ft", "quantized", "declared", True),
    ]
    assert edges["score"].isna().all()
    meta = ("Meta", "US", "Llama")
    assert _roots(graph) == {
        LLAMA: [(LLAMA, 0, 1.0, True, "base", *meta)],
        "tree/only": [(LLAMA, 1, 1.0, True, "derived", *meta)],
        "u/ft": [(LLAMA, 1, 1.0, True, "derived", *meta)],
        "u/merge": [(QWEN, 1, 0.5, False, "derived", "Alibaba", "CN", "Qwen"),
                    (LLAMA, 2, 0.5, True, "derived", *meta)],
        "u/plain": [("u/plain", 0, 1.0, True, "base", None, None, None)],
        "u/q": [(LLAMA, 2, 1.0, True, "derived", *meta)],
    }


def test_latest_inference_is_one_run(con: ibis.BaseBackend) -> None:
    assert latest_inference(con) == "inf-new"
    assert latest_inference(con, as_of=date(2025, 1, 31)) == "inf-old"
    assert latest_inference(con, as_of=date(2025, 1, 4)) is None


def test_build_graph_adds_the_best_inferred_base(con: ibis.BaseBackend) -> None:
    both = build_graph(con, small_registry(), inferred=True)
    assert both.lineage_label == "declared+inferred"
    inferred = both.edges.filter(both.edges.kind == "inferred").to_pandas()
    # only the best candidate of a model that declares none, at or above the minimum score
    assert inferred[["child_id", "parent_id", "score", "parent_present"]].values.tolist() == [
        ["u/plain", LLAMA, 0.9, True]]
    assert _roots(both)["u/plain"] == [(LLAMA, 1, 1.0, True, "derived", "Meta", "US", "Llama")]


def test_inferred_edges_by_minimum_score_and_date(con: ibis.BaseBackend) -> None:
    models = graph_models(con)
    lower = inferred_edges(con, models, min_score=0.3).to_pandas().sort_values("child_id")
    assert lower[["child_id", "parent_id", "parent_present"]].values.tolist() == [
        [LLAMA, "old/gone", False], ["u/plain", LLAMA, True]]
    older = inferred_edges(con, models, as_of=date(2025, 1, 31)).to_pandas()
    assert older[["child_id", "parent_id", "score"]].values.tolist() == [["u/plain", "old/gone", 0.99]]


def test_canonical_id_ignores_case_and_falls_back_to_parents(graph: LineageGraph) -> None:
    assert canonical_id(graph, "U/FT") == "u/ft"
    assert canonical_id(graph, "META-LLAMA/llama-3-8b") == LLAMA
    assert canonical_id(graph, "qwen/qwen2-7b") == QWEN  # declared as a base only
    with pytest.raises(EmptyResultError, match="model 'nobody/x' is not in the Hub snapshots"):
        canonical_id(graph, "nobody/x")


def test_model_details_of_given_ids(graph: LineageGraph) -> None:
    details = model_details(graph, ["u/q", "u/plain", QWEN]).sort_values("model_id")
    assert details["model_id"].tolist() == ["u/plain", "u/q"]  # the absent base has no row
    assert details["downloads_30d"].tolist() == [3, 7]
    assert [str(t)[:10] for t in details["created_at"]] == ["2024-08-01", "2024-06-01"]


# --- the real Hub model trees ------------------------------------------------------------------
TREES = SHARED / "hf-model-tree"
R1 = "deepseek-ai/DeepSeek-R1"
RELATIONS = {"finetune", "adapter", "merge", "quantized"}


def _declared(record: dict) -> tuple[list[str], str | None]:
    """Bases from the card's ``base_model`` (YAML text in these files) and the tags."""
    card = yaml.safe_load(record.get("card_data") or "") or {}
    listed = card.get("base_model") or []
    bases = [listed] if isinstance(listed, str) else list(listed)
    relation = card.get("base_model_relation")
    relation = relation if relation in RELATIONS else None
    for tag in record.get("tags") or []:
        if not tag.startswith("base_model:"):
            continue
        parts = tag.split(":")
        if len(parts) == 3 and parts[1] in RELATIONS:
            relation = relation or parts[1]
            base = parts[2]
        else:
            base = tag[len("base_model:"):]
        if base not in bases:
            bases.append(base)
    return bases, relation


@pytest.fixture(scope="module")
def r1_raw() -> dict[str, dict]:
    need_shared(TREES)
    rows = {}
    for row in tree_rows(TREES / "deepseek-r1_tree_2025-04-16.csv"):
        record = json.loads(row["metadata"])
        bases, relation = _declared(record)
        rows[row["model_id"]] = {"bases": bases, "relation": relation, "depth": int(row["depth"])}
    return rows


@pytest.fixture(scope="module")
def trees_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_shared(TREES)
    home = tmp_path_factory.mktemp("trees")
    Observatory(home).import_paths([TREES])
    return home


def _walk_up(rows: dict[str, dict], model: str) -> tuple[str, int]:
    depth, seen = 0, {model}
    while rows.get(model, {}).get("bases"):
        model = rows[model]["bases"][0]
        depth += 1
        assert model not in seen
        seen.add(model)
    return model, depth


def test_r1_derivatives_by_relation_depth_and_root(trees_home: Path, r1_raw: dict[str, dict]) -> None:
    expected_relations = Counter(r["relation"] or "unknown" for m, r in r1_raw.items() if m != R1)
    expected = {m: _walk_up(r1_raw, m) for m in r1_raw}
    assert {root for root, _ in expected.values()} == {R1}
    # the crawler's depth column agrees with the declared links
    assert all(depth == r1_raw[m]["depth"] for m, (_, depth) in expected.items())

    graph = Observatory(trees_home).lineage_graph()
    down = descendants(graph.edges, R1)
    assert len(down) == len(r1_raw) - 1 == 298
    assert Counter(down["relation"]) == expected_relations
    assert dict(Counter(down["depth"])) == dict(Counter(d for m, (_, d) in expected.items() if m != R1))

    roots = graph.roots.to_pandas()
    r1_rows = roots[roots["model_id"].isin(r1_raw)].set_index("model_id")
    assert len(r1_rows) == len(r1_raw)  # one root each: no merges in this tree
    for model, (root, depth) in expected.items():
        assert r1_rows.loc[model, "root_id"] == root
        assert r1_rows.loc[model, "depth"] == depth
    assert set(r1_rows["root_country"]) == {"CN"}
    assert set(r1_rows["root_org"]) == {"DeepSeek"}


def test_every_tree_resolves_and_missing_bases_are_outside_roots(trees_home: Path) -> None:
    need_shared(TREES)
    raw: dict[str, dict] = {}
    for path in sorted(TREES.glob("*.csv")):
        for row in tree_rows(path):
            bases, relation = _declared(json.loads(row["metadata"]))
            raw.setdefault(row["model_id"], {"bases": bases, "relation": relation})
    roots = Observatory(trees_home).lineage_graph().roots.to_pandas().set_index("model_id")
    assert set(roots.index) == set(raw)
    for model in raw:
        root, depth = _walk_up(raw, model)
        assert roots.loc[model, "root_id"] == root
        assert roots.loc[model, "depth"] == depth
        assert bool(roots.loc[model, "root_present"]) == (root in raw)
    # EXAONE-Deep declares EXAONE-3.5-32B-Instruct, which its tree file does not hold
    exaone = roots.loc["LGAI-EXAONE/EXAONE-Deep-32B"]
    assert exaone["root_id"] == "LGAI-EXAONE/EXAONE-3.5-32B-Instruct" and not exaone["root_present"]
    assert exaone["root_country"] == "KR"
