"""Small hand-built Ibis tables for the metrics' unit tests: board rows, Hub rows, a lineage
graph and a registry of a few organisations, all in memory (no store on disk)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.lineage.graph import LineageGraph
from observatory.registry.hub import moe_evidence
from observatory.registry.loader import Registry

BOARD_SCHEMA = {
    "source": "string", "board": "string", "category": "string", "style_control": "boolean",
    "snapshot_date": "date", "model_key": "string", "model_name": "string", "rating": "float64",
    "ci_low": "float64", "ci_high": "float64", "votes": "int64", "org_id": "string",
    "org_name": "string", "country": "string", "open_weights": "boolean",
    "licence_class": "string", "hf_id": "string", "attribution": "string", "snapshot_id": "string",
    "index_version": "string", "is_estimated": "boolean", "shown_rows": "int64",
    "dated_by": "string",
}
HUB_SCHEMA = {
    "source": "string", "snapshot_date": "date", "model_id": "string", "author": "string",
    "created_at": "timestamp('UTC')", "likes": "int64", "downloads_30d": "int64",
    "downloads_all_time": "int64", "pipeline_tag": "string", "library_name": "string",
    "licence": "string", "params_total": "int64", "params_active": "int64",
    "architecture": "string", "num_experts": "int64", "experts_per_token": "int64",
    "tags": "array<string>", "base_models": "array<string>", "base_relation": "string",
    "extra": "string", "snapshot_id": "string", "org_id": "string", "org_name": "string",
    "country": "string", "family": "string", "licence_class": "string", "is_gguf": "boolean",
    "is_moe": "boolean", "namespace": "string",
}
MODEL_SCHEMA = {name: HUB_SCHEMA[name] for name in (
    "model_id", "author", "created_at", "downloads_30d", "downloads_all_time", "likes",
    "library_name", "pipeline_tag", "tags", "base_models", "base_relation", "params_total",
    "extra", "source", "snapshot_date", "snapshot_id")}
EDGE_SCHEMA = {"child_id": "string", "parent_id": "string", "relation": "string", "kind": "string",
               "score": "float64", "parent_present": "boolean"}
ROOT_SCHEMA = {"model_id": "string", "root_id": "string", "depth": "int64", "n_roots": "int64",
               "weight": "float64", "root_present": "boolean", "status": "string",
               "root_namespace": "string", "root_org_id": "string", "root_org": "string",
               "root_country": "string", "root_family": "string"}


def day(text: str) -> date:
    return date.fromisoformat(text)


def when(text: str | None) -> datetime | None:
    """A creation time (UTC midnight) from an ISO date."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def table(rows: list[dict[str, Any]], schema: dict[str, str], defaults: dict[str, Any]) -> ir.Table:
    """A memtable of ``rows``; a column a row leaves out takes its default, else null."""
    full = [{name: row.get(name, defaults.get(name)) for name in schema} for row in rows]
    return ibis.memtable(pd.DataFrame(full, columns=list(schema)), schema=schema)


def board(rows: list[dict[str, Any]]) -> ir.Table:
    """Board rows (the shape of ``registry.boards.entries``); the interval is ``rating +- half``
    when a row gives ``half`` instead of ``ci_low``/``ci_high``."""
    filled = []
    for row in rows:
        row = dict(row)
        half = row.pop("half", None)
        if half is not None:
            row.setdefault("ci_low", row["rating"] - half)
            row.setdefault("ci_high", row["rating"] + half)
        row.setdefault("model_key", row["model_name"].lower())
        row["snapshot_date"] = day(row["snapshot_date"])
        filled.append(row)
    return table(filled, BOARD_SCHEMA, {"source": "lmarena-csv", "board": "text", "category": "full",
                                        "style_control": False, "open_weights": True, "votes": 1000,
                                        "snapshot_id": "s"})


def hub(rows: list[dict[str, Any]]) -> ir.Table:
    """Hub rows (the shape of ``registry.hub.hub_entries``); dates as ISO strings."""
    filled = []
    for row in rows:
        row = dict(row)
        row["snapshot_date"] = day(row["snapshot_date"])
        row["created_at"] = when(row.get("created_at"))
        row.setdefault("author", row["model_id"].split("/")[0])
        row.setdefault("namespace", row["model_id"].split("/")[0])
        row.setdefault("tags", [])
        row.setdefault("base_models", [])
        row.setdefault("is_gguf", "gguf" in row["tags"])
        filled.append(row)
    entries = table(filled, HUB_SCHEMA, {"source": "hub-api", "pipeline_tag": "text-generation",
                                         "snapshot_id": "s", "licence_class": "unknown"})
    if all("is_moe" in row for row in rows):
        return entries
    return entries.mutate(is_moe=moe_evidence(entries))  # as registry.hub.hub_entries does


def registry() -> Registry:
    """A registry of four organisations and the namespaces and families they publish under."""
    organisations = pd.DataFrame([
        ("alibaba", "Alibaba", "CN"), ("meta", "Meta", "US"), ("nvidia", "NVIDIA", "US"),
        ("deepseek", "DeepSeek", "CN")], columns=["org_id", "name", "country"])
    aliases = pd.DataFrame([
        ("hf", "Qwen", "alibaba"), ("hf", "meta-llama", "meta"), ("hf", "nvidia", "nvidia"),
        ("hf", "deepseek-ai", "deepseek")], columns=["kind", "alias", "org_id"])
    families = pd.DataFrame([("qwen", "Qwen", "alibaba"), ("llama", "Llama", "meta"),
                             ("deepseek", "DeepSeek", "deepseek")],
                            columns=["pattern", "family", "org_id"])
    empty = pd.DataFrame()
    licences = pd.DataFrame(columns=["label_key", "licence_class"])
    return Registry(organisations=organisations, aliases=aliases, licences=licences,
                    arena_models=empty, model_facts=empty, families=families, sources=())


# root id -> (org_id, organisation, country, family), as registry() attributes them
ROOTS: dict[str, tuple[str | None, ...]] = {
    "Qwen/Q": ("alibaba", "Alibaba", "CN", "Qwen"), "meta-llama/L": ("meta", "Meta", "US", "Llama"),
    "x/mystery": (None, None, None, None)}


def graph(models: list[dict[str, Any]], edges: list[tuple[str, str, str]],
          roots: list[tuple[str, str, int, float]] | None = None, inferred: bool = False) -> LineageGraph:
    """A lineage graph: ``models`` (dates as ISO strings), declared ``edges`` (child, parent,
    relation) and ``roots`` (model, root, depth, weight), the root's organisation, country and
    family taken from ``ROOTS`` by the root's id."""
    model_rows = []
    for row in models:
        row = dict(row)
        row["created_at"] = when(row.get("created_at"))
        row["snapshot_date"] = day("2025-10-01")
        row.setdefault("author", row["model_id"].split("/")[0])
        row.setdefault("namespace", row["model_id"].split("/")[0])
        row.setdefault("tags", [])
        row.setdefault("base_models", [])
        model_rows.append(row)
    model_table = table(model_rows, MODEL_SCHEMA, {"source": "hub-api", "snapshot_id": "s",
                                                   "pipeline_tag": "text-generation"})
    present = {row["model_id"] for row in models}
    edge_rows = [{"child_id": child, "parent_id": parent, "relation": relation, "kind": "declared",
                  "parent_present": parent in present} for child, parent, relation in edges]
    root_rows = []
    for model_id, root_id, depth, weight in roots or []:
        org_id, org, country, family = ROOTS[root_id]
        root_rows.append({
            "model_id": model_id, "root_id": root_id, "depth": depth, "n_roots": round(1 / weight),
            "weight": weight, "root_present": root_id in present,
            "status": "base" if depth == 0 else "derived", "root_namespace": root_id.split("/")[0],
            "root_org_id": org_id, "root_org": org, "root_country": country, "root_family": family})
    return LineageGraph(model_table, table(edge_rows, EDGE_SCHEMA, {}),
                        table(root_rows, ROOT_SCHEMA, {}), inferred)


# A small family graph: Qwen/Q (CN) and meta-llama/L (US) bases; community fine-tunes (u*),
# a merge of a Qwen fine-tune with L, NVIDIA's fine-tune of Q, a GGUF build of u1's fine-tune,
# a fine-tune without a creation date, and x/mystery, which declares no base.
FAMILY_MODELS = [
    {"model_id": "Qwen/Q", "created_at": "2024-09-01", "downloads_30d": 1000},
    {"model_id": "meta-llama/L", "created_at": "2024-07-01", "downloads_30d": 900},
    {"model_id": "u1/qft", "created_at": "2025-01-05", "downloads_30d": 50},
    {"model_id": "u2/lft", "created_at": "2025-01-10", "downloads_30d": 40},
    {"model_id": "u3/merge", "created_at": "2025-01-20", "downloads_30d": 30, "downloads_all_time": 300},
    {"model_id": "u6/qft-b", "created_at": "2025-01-25", "downloads_30d": 20},
    {"model_id": "nvidia/qft2", "created_at": "2025-02-02", "downloads_30d": 60},
    {"model_id": "u4/qft-gguf", "created_at": "2025-02-10", "downloads_30d": 10, "downloads_all_time": 100,
     "tags": ["gguf"]},
    {"model_id": "u5/undated", "created_at": None, "downloads_30d": None},
    {"model_id": "x/mystery", "created_at": "2025-03-01", "downloads_30d": 5},
]
FAMILY_EDGES = [
    ("u1/qft", "Qwen/Q", "finetune"), ("u2/lft", "meta-llama/L", "finetune"),
    ("u3/merge", "u1/qft", "merge"), ("u3/merge", "meta-llama/L", "merge"),
    ("u6/qft-b", "Qwen/Q", "finetune"), ("nvidia/qft2", "Qwen/Q", "finetune"),
    ("u4/qft-gguf", "u1/qft", "quantized"), ("u5/undated", "Qwen/Q", "finetune"),
]
FAMILY_ROOTS = [
    ("Qwen/Q", "Qwen/Q", 0, 1.0), ("meta-llama/L", "meta-llama/L", 0, 1.0),
    ("x/mystery", "x/mystery", 0, 1.0),
    ("u1/qft", "Qwen/Q", 1, 1.0), ("u2/lft", "meta-llama/L", 1, 1.0),
    ("u3/merge", "Qwen/Q", 2, 0.5), ("u3/merge", "meta-llama/L", 1, 0.5),
    ("u6/qft-b", "Qwen/Q", 1, 1.0), ("nvidia/qft2", "Qwen/Q", 1, 1.0),
    ("u4/qft-gguf", "Qwen/Q", 2, 1.0), ("u5/undated", "Qwen/Q", 1, 1.0),
]


def family_graph() -> LineageGraph:
    return graph(FAMILY_MODELS, FAMILY_EDGES, FAMILY_ROOTS)
