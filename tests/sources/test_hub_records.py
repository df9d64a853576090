"""``hub_records.to_row`` on the real Hub records in ../shared/data/hf-model-tree.

Expected values are read from the records with the json module here, not through the product.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from observatory.sources.hub_records import Issues, MalformedRecord, to_row
from tests.conftest import SHARED, need_shared

TREES = SHARED / "hf-model-tree"
DEEPSEEK = TREES / "deepseek-r1_tree_2025-04-16.csv"
MISTRAL = TREES / "mistral-small-24b-base-2501_tree_2025-04-05.csv"
EXAONE = TREES / "exaone-deep-32b_tree_2025-04-07.csv"
DAY = date(2025, 4, 7)


@cache
def _records(path: Path) -> dict[str, dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["model_id"]: json.loads(row["metadata"]) for row in csv.DictReader(handle)}


def record(path: Path, model_id: str) -> dict[str, Any]:
    need_shared(path)
    return json.loads(json.dumps(_records(path)[model_id]))  # a fresh copy to modify


def row_of(rec: Any, issues: Issues | None = None) -> dict[str, Any]:
    return to_row(rec, DAY, "test", issues if issues is not None else Issues())


def test_snake_case_model_info_record() -> None:
    rec = record(EXAONE, "LGAI-EXAONE/EXAONE-Deep-32B")
    issues = Issues()
    row = row_of(rec, issues)
    assert issues.counts == {}
    assert row["model_id"] == rec["id"] == "LGAI-EXAONE/EXAONE-Deep-32B"
    assert row["author"] == rec["author"]
    assert rec["created_at"] == "2025-03-12 04:44:03+00:00"
    assert row["created_at"] == datetime(2025, 3, 12, 4, 44, 3, tzinfo=UTC)
    assert row["last_modified"] == datetime.fromisoformat(rec["last_modified"])
    assert row["likes"] == rec["likes"] == 283
    assert row["downloads_30d"] == rec["downloads"] == 23952
    assert row["params_total"] == rec["safetensors"]["total"] == 32_003_200_000
    assert row["architecture"] == rec["config"]["architectures"][0] == "ExaoneForCausalLM"
    assert row["model_type"] == rec["config"]["model_type"]
    assert row["num_experts"] is None and row["experts_per_token"] is None
    assert row["gated"] == "false" and rec["gated"] is False
    assert row["tags"] == rec["tags"]
    assert row["licence"] == "other"  # card data: license: other
    # The card data (YAML text) declares the base and the relation.
    assert row["base_models"] == ["LGAI-EXAONE/EXAONE-3.5-32B-Instruct"]
    assert row["base_relation"] == "finetune"
    # every other field is read or deliberately dropped; the repository size is kept (the
    # ``runnable`` view reports it)
    assert json.loads(row["extra"]) == {"used_storage": rec["usedStorage"]}


def test_minimal_api_record_licence_from_tag() -> None:
    """The DeepSeek-R1 tree holds only modelId, sha, tags, downloads and pipeline_tag."""
    rec = record(DEEPSEEK, "nvidia/DeepSeek-R1-FP4")
    assert "card_data" not in rec and "cardData" not in rec
    licence_tags = [t.split(":", 1)[1] for t in rec["tags"] if t.startswith("license:")]
    row = row_of(rec)
    assert row["model_id"] == rec["modelId"]
    assert row["licence"] == licence_tags[0] == "mit"
    assert row["author"] == "nvidia"  # from the id when the record has no author
    assert row["downloads_30d"] == rec["downloads"] == 53106
    assert row["likes"] is None and row["created_at"] is None and row["params_total"] is None
    assert row["base_models"] == ["deepseek-ai/DeepSeek-R1"]
    assert row["base_relation"] == "finetune"  # from the base_model:finetune: tag


def _bases_from_tags(tags: list[str]) -> list[str]:
    bases: list[str] = []
    for tag in tags:
        if tag.startswith("base_model:"):
            base = tag.split(":")[-1]
            if base not in bases:
                bases.append(base)
    return bases


def test_declared_bases_from_tags_for_a_whole_tree() -> None:
    need_shared(DEEPSEEK)
    issues = Issues()
    for model_id, rec in _records(DEEPSEEK).items():
        row = row_of(rec, issues)
        assert row["model_id"] == model_id
        assert row["base_models"] == _bases_from_tags(rec["tags"]), model_id
    assert issues.counts == {}


def test_every_real_record_reads_cleanly() -> None:
    need_shared(TREES)
    for path in (DEEPSEEK, MISTRAL, EXAONE):
        issues = Issues()
        rows = [row_of(rec, issues) for rec in _records(path).values()]
        assert issues.counts == {}, path.name
        assert len({r["model_id"] for r in rows}) == len(rows)


def test_unknown_fields_are_kept_and_known_bulky_ones_dropped() -> None:
    rec = record(MISTRAL, "mistralai/Mistral-Small-24B-Base-2501")
    rec["brandNewField"] = {"nested": [1, 2]}
    row = row_of(rec)
    extra = json.loads(row["extra"])
    assert extra == {"brandNewField": {"nested": [1, 2]}, "used_storage": rec["usedStorage"]}
    assert "siblings" not in extra and "widget_data" not in extra


def test_camel_case_api_record_reads_the_same() -> None:
    rec = record(EXAONE, "LGAI-EXAONE/EXAONE-Deep-32B")
    camel = {key: value for key, value in rec.items()
             if key not in ("created_at", "last_modified", "card_data", "model_id")}
    camel["createdAt"] = "2025-03-12T04:44:03.000Z"
    camel["lastModified"] = "2025-03-19T07:58:51.000Z"
    camel["cardData"] = {"license": "other", "base_model": "LGAI-EXAONE/EXAONE-3.5-32B-Instruct",
                         "base_model_relation": "finetune"}
    snake, api = row_of(rec), row_of(camel)
    for name in ("model_id", "created_at", "last_modified", "likes", "licence", "params_total",
                 "architecture", "base_models", "base_relation"):
        assert api[name] == snake[name], name


def test_wrong_types_become_null_and_are_reported() -> None:
    rec = record(MISTRAL, "mistralai/Mistral-Small-24B-Base-2501")
    rec.update({"likes": "many", "downloads": 2**70, "created_at": 12, "tags": "text-generation",
                "config": ["not", "an", "object"], "safetensors": "big", "gated": 3})
    issues = Issues()
    row = row_of(rec, issues)
    assert row["likes"] is None and row["downloads_30d"] is None and row["created_at"] is None
    assert row["tags"] == [] and row["architecture"] is None and row["params_total"] is None
    assert row["gated"] is None
    assert row["licence"] == "apache-2.0"  # still read from the card data
    assert set(issues.counts) == {"likes: not a number", "downloads: out of range",
                                  "created_at: not a date", "tags: not a list",
                                  "config: not an object", "safetensors: not an object",
                                  "gated: not a string"}
    assert issues.examples["likes: not a number"] == "mistralai/Mistral-Small-24B-Base-2501"


def test_missing_fields_are_null() -> None:
    row = row_of({"id": "org/bare"})
    assert row["model_id"] == "org/bare" and row["author"] == "org"
    assert row["likes"] is None and row["tags"] == [] and row["base_models"] == []
    assert row["base_relation"] is None and row["extra"] is None


@pytest.mark.parametrize("bad", [
    {"author": "x", "likes": 3}, {"id": ""}, {"id": 17}, ["org/name"], "org/name", None,
])
def test_a_record_without_a_usable_id_is_malformed(bad: Any) -> None:
    with pytest.raises(MalformedRecord):
        row_of(bad)


def test_real_record_without_id_is_malformed() -> None:
    rec = record(EXAONE, "LGAI-EXAONE/EXAONE-Deep-32B")
    for key in ("id", "modelId", "_id"):
        rec.pop(key)
    with pytest.raises(MalformedRecord, match="no model id"):
        row_of(rec)


def test_expert_counts_and_top_k() -> None:
    moe = row_of({"id": "a/moe", "config": {"num_local_experts": 8, "num_experts_per_tok": 2}})
    assert (moe["num_experts"], moe["experts_per_token"]) == (8, 2)
    # ``top_k`` alone is a sampling setting in older configs, not an expert count.
    dense = row_of({"id": "a/dense", "config": {"top_k": 50}})
    assert (dense["num_experts"], dense["experts_per_token"]) == (None, None)


def test_empty_base_model_tag_is_ignored() -> None:
    row = row_of({"id": "a/b", "tags": ["base_model:", "base_model:adapter:org/base"]})
    assert row["base_models"] == ["org/base"] and row["base_relation"] == "adapter"
