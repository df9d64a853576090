"""Hub rows attributed (``registry.hub``) on small in-memory tables: the namespace map (matched
case-insensitively; an unknown namespace gives no organisation), the family rules, and the
licence, GGUF and mixture-of-experts columns of ``hub_entries``."""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd
import pyarrow as pa

from observatory.registry.hub import (
    hub_dates,
    hub_entries,
    latest_on_or_before,
    namespace_table,
    namespaces,
    root_attributes,
    uploader_attributes,
    with_family,
)
from observatory.schema import HUB_MODELS
from tests.registry.helpers import small_registry


def _records(frame: pd.DataFrame, key: str) -> list[dict]:
    frame = frame.sort_values(key, ignore_index=True).astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def test_namespace_table_maps_hub_namespaces_only() -> None:
    table = namespace_table(small_registry())
    assert _records(table.assign(order=range(len(table))), "order") == [
        {"namespace": "meta-llama", "org_id": "meta", "org_name": "Meta", "country": "US", "order": 0},
        {"namespace": "Qwen", "org_id": "alibaba", "org_name": "Alibaba", "country": "CN", "order": 1},
        # ZZ (country not known) is reported as unknown
        {"namespace": "ghost-lab", "org_id": "ghost", "org_name": "Ghost Lab", "country": None,
         "order": 2},
    ]
    keyed = namespaces(small_registry()).to_pandas()
    assert sorted(keyed["ns_key"]) == ["ghost-lab", "meta-llama", "qwen"]
    assert "namespace" not in keyed.columns


def test_root_attributes_name_the_root_organisation() -> None:
    roots = ibis.memtable(pd.DataFrame({
        "model_id": ["u/a", "u/b", "u/c", "u/d", "u/e", "u/f"],
        "root_id": ["meta-llama/Llama-3.1-8B", "META-LLAMA/Other-Model", "qwen/QwQ-32B",
                    "nobody/base-x", "ghost-lab/thing", "gpt2"]}))
    out = _records(root_attributes(roots, small_registry()).to_pandas(), "model_id")
    columns = ["root_namespace", "root_org_id", "root_org", "root_country", "root_family"]
    assert [[row[c] for c in columns] for row in out] == [
        ["meta-llama", "meta", "Meta", "US", "Llama"],
        ["META-LLAMA", "meta", "Meta", "US", "Llama"],  # the Hub ignores case
        ["qwen", "alibaba", "Alibaba", "CN", "Qwen"],
        ["nobody", None, None, None, None],  # unknown namespace: no organisation, not a guess
        ["ghost-lab", "ghost", "Ghost Lab", None, None],
        ["gpt2", None, None, None, None],  # an id without a namespace
    ]
    assert out[0]["root_id"] == "meta-llama/Llama-3.1-8B" and out[0]["model_id"] == "u/a"


def test_uploader_attributes_of_any_id_column() -> None:
    table = ibis.memtable(pd.DataFrame({"child_id": ["QWEN/y", "meta-llama/x", "Unknown/z"],
                                        "n": [1, 2, 3]}))
    out = _records(uploader_attributes(table, small_registry(), "child_id").to_pandas(), "n")
    assert [(r["child_id"], r["namespace"], r["org_id"], r["org_name"], r["country"]) for r in out] == [
        ("QWEN/y", "QWEN", "alibaba", "Alibaba", "CN"),
        ("meta-llama/x", "meta-llama", "meta", "Meta", "US"),
        ("Unknown/z", "Unknown", None, None, None),
    ]


def test_family_from_the_model_id_then_its_first_base() -> None:
    entries = ibis.memtable(pd.DataFrame({
        "model_id": ["u/my-llama-tune", "u/finetune-7b", "u/QWQ-tune", "u/plain", "u/x", "u/x"],
        "first_base": ["Qwen/Qwen2-7B", "Qwen/Qwen2-7B", None, None, "meta-llama/Llama-3", "other"],
        "row": [0, 1, 2, 3, 4, 5]}))
    out = _records(with_family(entries, small_registry()).to_pandas(), "row")
    assert [r["family"] for r in out] == [
        "Llama",  # the model id's own rule wins over its base's
        "Qwen",  # no rule matches the id: the first base's family
        "Qwen",  # rules ignore case
        None,
        "Llama", "Llama",  # one family per model (undated rows: the smallest base), on every row
    ]
    assert [r["model_id"] for r in out] == ["u/my-llama-tune", "u/finetune-7b", "u/QWQ-tune",
                                            "u/plain", "u/x", "u/x"]


def _hub_connection() -> ibis.BaseBackend:
    rows = [
        {"source": "hub-api", "snapshot_date": date(2025, 1, 1), "model_id": "meta-llama/Llama-3-8B",
         "licence": "LLAMA3", "tags": ["gguf", "text"], "library_name": "transformers",
         "pipeline_tag": "text-generation", "base_models": []},
        {"source": "open-llm-v2", "snapshot_date": date(2025, 1, 1), "model_id": "Qwen/Qwen2-57B",
         "licence": "apache-2.0", "tags": [], "library_name": "gguf", "num_experts": 8,
         "base_models": ["Qwen/Qwen2-7B"]},
        {"source": "hub-api", "snapshot_date": date(2025, 1, 1), "model_id": "nobody/x",
         "licence": "mit", "tags": [], "num_experts": 1, "base_models": []},
        {"source": "hub-api", "snapshot_date": date(2025, 2, 1), "model_id": "nobody/x",
         "licence": None, "tags": None, "base_models": []},
    ]
    con = ibis.duckdb.connect()
    con.create_table("hub_models", pa.Table.from_pylist(rows, schema=HUB_MODELS))
    return con


def test_hub_entries_attribute_each_row() -> None:
    con = _hub_connection()
    entries = hub_entries(con, small_registry(), dates=[date(2025, 1, 1)]).to_pandas()
    out = _records(entries, "model_id")
    assert [r["model_id"] for r in out] == ["Qwen/Qwen2-57B", "meta-llama/Llama-3-8B", "nobody/x"]
    assert [(r["namespace"], r["org_id"], r["country"]) for r in out] == [
        ("Qwen", "alibaba", "CN"), ("meta-llama", "meta", "US"), ("nobody", None, None)]
    # licences match case-insensitively; a licence the registry does not know is "unknown"
    assert [r["licence_class"] for r in out] == ["permissive", "open-with-restrictions", "unknown"]
    # library gguf, or a gguf tag; never null (nobody/x states no library)
    assert [r["is_gguf"] for r in out] == [True, True, False]
    # experts say MoE (8) or dense (1); nothing known is unknown, not dense
    assert [r["is_moe"] for r in out] == [True, None, False]
    # the Open LLM Leaderboard lists text-generation models only and states no pipeline
    assert [r["pipeline_tag"] for r in out] == ["text-generation", "text-generation", None]
    assert [r["first_base"] for r in out] == ["Qwen/Qwen2-7B", None, None]
    assert hub_entries(con, small_registry(), dates=[]).count().execute() == 0
    assert hub_entries(con, small_registry(), source="hub-api").count().execute() == 3
    assert hub_entries(con, small_registry()).count().execute() == 4


def test_hub_dates_and_the_latest_on_or_before() -> None:
    con = _hub_connection()
    assert hub_dates(con) == [date(2025, 1, 1), date(2025, 2, 1)]
    assert hub_dates(con, "open-llm-v2") == [date(2025, 1, 1)]
    days = hub_dates(con)
    assert latest_on_or_before(days, date(2025, 1, 31)) == date(2025, 1, 1)
    assert latest_on_or_before(days, date(2025, 2, 1)) == date(2025, 2, 1)
    assert latest_on_or_before(days, None) == date(2025, 2, 1)
    assert latest_on_or_before(days, date(2024, 12, 31)) is None
