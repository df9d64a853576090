"""Lineage on the real Hub model trees in ../shared/data/hf-model-tree.

The expected values are computed here from the raw CSV: each row's declared bases are read from
its ``base_model:`` tags with plain string handling, and roots and depths by walking those
parent links in Python; the crawler's own ``depth`` column is checked too.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from observatory.api import Observatory
from observatory.lineage.walk import descendants
from tests.conftest import SHARED, need_shared, tree_rows

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
