"""Q14 (``metrics.whose_base``): the bases a model declares; if none, the candidates stored by
``infer-bases``, else candidates computed now; each with its root's organisation, country and
family."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.lineage.inference import candidates
from observatory.metrics.whose_base import whose_base
from observatory.schema import HUB_CONFIGS
from tests.cli_runner import run_cli
from tests.metrics import tables
from tests.metrics.synth_lineage import synthetic_store, true_roots

# --- unit: a hand-built lineage graph (tables.FAMILY_*) and an in-memory store ---------------


def _stored_edges(inferences: bool = True) -> ibis.BaseBackend:
    """An in-memory store: two stored inferences (2025-09-01 and 2025-10-01) naming bases of
    x/mystery, and a newer snapshot of another format that is not an inference."""
    con = ibis.duckdb.connect()
    snapshots = pd.DataFrame({
        "snapshot_id": ["inf1", "inf2", "hub1"], "format": ["inferred-edges", "inferred-edges", "hub-api"],
        "snapshot_date": [date(2025, 9, 1), date(2025, 10, 1), date(2025, 12, 1)],
        "imported_at": ["2025-09-01T00:00:00", "2025-10-01T00:00:00", "2025-12-01T00:00:00"]})
    con.create_table("snapshots", snapshots if inferences else snapshots.iloc[2:])
    con.create_table("hub_edges", pd.DataFrame({
        "snapshot_date": [date(2025, 9, 1), date(2025, 10, 1), date(2025, 10, 1)],
        "child_id": ["x/mystery"] * 3, "parent_id": ["meta-llama/L", "u1/qft", "Qwen/Q"],
        "relation": ["finetune"] * 3, "kind": ["inferred"] * 3, "score": [0.9, 0.2, 0.7],
        "candidate_rank": [1, 2, 1], "method_version": ["m"] * 3,
        "snapshot_id": ["inf1", "inf2", "inf2"]}))
    return con


def _whose_base(con: ibis.BaseBackend, model_id: str, as_of: date | None = None) -> pd.DataFrame:
    """As the facade composes it: the candidates (lineage.inference), then their roots."""
    graph = tables.family_graph()
    return whose_base(candidates(con, graph, model_id, as_of), graph, tables.registry())


def test_unit_declared_bases_with_their_roots() -> None:
    frame = _whose_base(ibis.duckdb.connect(), "U3/MERGE")
    frame = frame.sort_values("parent_id").reset_index(drop=True)
    assert list(frame["model_id"]) == ["u3/merge", "u3/merge"]
    assert set(frame["evidence"]) == {"declared"}
    assert list(frame["parent_id"]) == ["meta-llama/L", "u1/qft"]
    assert list(frame["relation"]) == ["merge", "merge"]
    # u1/qft's root is Qwen/Q (CN, Alibaba, Qwen); meta-llama/L is its own root
    assert list(frame["root_id"]) == ["meta-llama/L", "Qwen/Q"]
    assert list(frame["root_country"]) == ["US", "CN"]
    assert list(frame["root_org"]) == ["Meta", "Alibaba"]
    assert list(frame["root_family"]) == ["Llama", "Qwen"]
    assert frame["score"].isna().all() and frame["candidate_rank"].isna().all()


def test_unit_stored_candidates_of_the_newest_inference() -> None:
    frame = _whose_base(_stored_edges(), "X/Mystery")
    assert set(frame["evidence"]) == {"inferred (stored 2025-10-01, snapshot inf2)"}
    assert list(frame["candidate_rank"]) == [1, 2]
    assert list(frame["parent_id"]) == ["Qwen/Q", "u1/qft"]
    assert list(frame["score"]) == [0.7, 0.2]
    assert list(frame["root_id"]) == ["Qwen/Q", "Qwen/Q"]
    assert list(frame["root_country"]) == ["CN", "CN"]


def test_unit_stored_candidates_as_of_a_date() -> None:
    frame = _whose_base(_stored_edges(), "x/mystery", as_of=date(2025, 9, 15))
    assert list(frame["evidence"]) == ["inferred (stored 2025-09-01, snapshot inf1)"]
    assert list(frame["parent_id"]) == ["meta-llama/L"]
    assert list(frame["root_country"]) == ["US"]


def test_unit_candidates_computed_now() -> None:
    """Nothing stored: the fingerprint names the one base of the same shape (Qwen/Q, older)."""
    con = _stored_edges(inferences=False)
    shape = {"architecture": "Qwen2ForCausalLM", "model_type": "qwen2", "vocab_size": 152064,
             "num_layers": 28, "num_heads": 28, "num_kv_heads": 4, "intermediate_size": 18944}
    rows = [{"model_id": "Qwen/Q", "hidden_size": 3584, **shape},
            {"model_id": "meta-llama/L", "hidden_size": 4096, **shape},
            {"model_id": "x/mystery", "hidden_size": 3584, **shape}]
    configs = pd.DataFrame([{name: row.get(name) for name in HUB_CONFIGS.names} for row in rows])
    configs["snapshot_date"] = date(2025, 10, 1)
    con.create_table("hub_configs", ibis.memtable(configs, schema=ibis.Schema.from_pyarrow(HUB_CONFIGS)))
    frame = _whose_base(con, "x/mystery")
    assert set(frame["evidence"]) == {"inferred (computed now)"}
    assert list(frame["parent_id"]) == ["Qwen/Q"]
    assert list(frame["candidate_rank"]) == [1]
    assert 0 < frame["score"].iloc[0] < 1
    assert list(frame["root_country"]) == ["CN"]


# --- a synthetic Hub with inferred edges stored ----------------------------------------------

@pytest.fixture(scope="module")
def truth() -> dict[str, str]:
    return true_roots()


@pytest.fixture
def synthetic(obs: Observatory, tmp_path: Path) -> Observatory:
    return synthetic_store(obs, tmp_path)


def test_whose_base_declared_stored_and_computed(synthetic: Observatory, truth: dict[str, str],
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    hidden = next(iter(truth))
    computed = synthetic.whose_base(hidden)
    assert set(computed["evidence"]) <= {"inferred (computed now)"}
    synthetic.infer_bases()
    stored = Observatory(synthetic.store.home).whose_base(hidden)
    assert stored["evidence"].iloc[0].startswith("inferred (stored")
    assert list(stored["candidate_rank"]) == sorted(stored["candidate_rank"])
    assert list(stored["parent_id"]) == list(computed["parent_id"])
    assert list(stored["score"]) == pytest.approx(list(computed["score"]), abs=1e-9)
    graph = synthetic.lineage_graph()
    declared = graph.edges.filter(graph.edges.kind == "declared").to_pandas()
    child = declared["child_id"].min()  # a merge has several parents: compare them all
    result = run_cli(capsys, monkeypatch, "whose-base", child, "--format", "json")
    rows = json.loads(result.out)
    assert {row["evidence"] for row in rows} == {"declared"}
    assert sorted(row["parent_id"] for row in rows) == sorted(declared[declared.child_id == child].parent_id)
