"""Small lineage tables for the lineage tests: Hub rows declaring their bases, as a DuckDB table,
a hand-built graph with merges, cycles, a self-loop, a missing parent and odd spellings, and a
small in-memory store of Hub snapshots and inference runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import ibis
import pyarrow as pa


def declaring_models(rows: list[tuple[str, list[str], str | None]]) -> ibis.Table:
    """(model_id, base_models, base_relation) rows as an in-memory DuckDB table."""
    table = pa.table({"model_id": [r[0] for r in rows], "base_models": [r[1] for r in rows],
                      "base_relation": [r[2] for r in rows]},
                     schema=pa.schema([("model_id", pa.string()), ("base_models", pa.list_(pa.string())),
                                       ("base_relation", pa.string())]))
    return ibis.duckdb.connect().create_table("models", table)


# the fingerprint facts of Llama 3.1 8B (hub_configs columns)
LLAMA_FACTS = {"architecture": "LlamaForCausalLM", "model_type": "llama", "vocab_size": 128256,
               "hidden_size": 4096, "num_layers": 32, "num_heads": 32, "num_kv_heads": 8,
               "intermediate_size": 14336, "max_positions": 131072, "rope_theta": 500000.0,
               "torch_dtype": "bfloat16", "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>",
               "chat_template_hash": "aaaa", "params_total": 8_030_261_248}

GRAPH = [
    ("org/base", [], None),
    ("org/other-base", [], None),
    ("u/ft", ["org/base"], "finetune"),
    ("u/ft-gguf", ["https://huggingface.co/U/FT"], "quantized"),  # URL, other case
    ("u/merge", ["u/ft", "org/other-base"], "merge"),
    ("u/diamond", ["u/ft", "org/base"], "merge"),  # two paths to one root
    ("u/orphan", ["gone/deleted-model"], "finetune"),
    ("u/self", ["u/self"], "finetune"),
    ("u/cyc-a", ["u/cyc-b"], "finetune"),
    ("u/cyc-b", ["u/cyc-a"], "finetune"),
    ("u/below-cycle", ["u/cyc-a"], "adapter"),
]


# --- a small store: Hub rows of two crawls and three model-tree files, two inference runs ------
def _hub(source: str, day: date, model_id: str, bases: list[str] | None = None,
         relation: str | None = None, downloads: int | None = None, created: str | None = None) -> dict:
    return {"source": source, "snapshot_date": day, "model_id": model_id, "base_models": bases or [],
            "base_relation": relation, "downloads_30d": downloads, "tags": [],
            "created_at": None if created is None else datetime.fromisoformat(created).replace(tzinfo=UTC),
            "snapshot_id": f"{source}-{day}"}


CRAWL, TREE = "hub-api", "hf-model-tree"
LLAMA = "meta-llama/Llama-3-8B"
QWEN = "Qwen/Qwen2-7B"  # declared by u/merge, absent from every snapshot
HUB_ROWS = [
    # an older full crawl: superseded by the newer one
    _hub(CRAWL, date(2025, 1, 1), LLAMA, downloads=10, created="2024-04-18"),
    _hub(CRAWL, date(2025, 1, 1), "old/gone", created="2024-01-01"),
    # the latest full crawl
    _hub(CRAWL, date(2025, 2, 1), LLAMA, downloads=100, created="2024-04-18"),
    _hub(CRAWL, date(2025, 2, 1), "u/ft", ["meta-llama/llama-3-8b"], "finetune", 40, "2024-05-01"),
    _hub(CRAWL, date(2025, 2, 1), "u/q", ["u/ft"], "quantized", 5, "2024-06-01"),
    _hub(CRAWL, date(2025, 2, 1), "u/merge", ["u/ft", QWEN], "merge", None, "2024-07-01"),
    _hub(CRAWL, date(2025, 2, 1), "u/plain", downloads=3, created="2024-08-01"),
    # partial sources add up; a model keeps its latest row (the crawl's on the same date)
    _hub(TREE, date(2025, 1, 15), "tree/only", [LLAMA], "finetune", 2, "2024-05-15"),
    _hub(TREE, date(2025, 1, 15), "u/ft", [LLAMA], "finetune", 1, "2024-05-01"),
    _hub(TREE, date(2025, 2, 1), "u/merge", ["u/ft"], "merge", 999, "2024-07-01"),
    _hub(TREE, date(2025, 3, 1), "u/q", ["u/ft"], "quantized", 7, "2024-06-01"),
]


def _edge(snapshot_id: str, child: str, parent: str, score: float, rank: int) -> dict:
    return {"snapshot_date": date(2025, 2, 5), "child_id": child, "parent_id": parent,
            "relation": "finetune", "kind": "inferred", "score": score, "candidate_rank": rank,
            "method_version": "test", "snapshot_id": snapshot_id}


EDGE_ROWS = [
    _edge("inf-new", "u/plain", LLAMA, 0.9, 1),
    _edge("inf-new", "u/plain", QWEN, 0.05, 2),
    _edge("inf-new", "u/ft", QWEN, 0.95, 1),  # u/ft declares its base: not read
    _edge("inf-new", LLAMA, "old/gone", 0.4, 1),  # below the default minimum score
    _edge("inf-old", "u/plain", "old/gone", 0.99, 1),  # an older inference run
]
SNAPSHOT_ROWS = [
    {"snapshot_id": "inf-old", "format": "inferred-edges", "snapshot_date": date(2025, 1, 5),
     "imported_at": "2025-01-05T00:00:00"},
    {"snapshot_id": "inf-new", "format": "inferred-edges", "snapshot_date": date(2025, 2, 5),
     "imported_at": "2025-02-05T00:00:00"},
    {"snapshot_id": "hub-api-2025-02-01", "format": "hub-api", "snapshot_date": date(2025, 2, 6),
     "imported_at": "2025-02-06T00:00:00"},
]


def hub_connection(configs: list[dict] | None = None) -> ibis.BaseBackend:
    """An in-memory DuckDB store with ``hub_models``, ``hub_edges``, ``hub_configs`` and
    ``snapshots`` tables (the columns of ``schema`` and the catalog)."""
    from observatory.schema import HUB_CONFIGS, HUB_EDGES, HUB_MODELS
    from observatory.store.tables import SNAPSHOTS

    con = ibis.duckdb.connect()
    con.create_table("hub_models", pa.Table.from_pylist(HUB_ROWS, schema=HUB_MODELS))
    con.create_table("hub_edges", pa.Table.from_pylist(EDGE_ROWS, schema=HUB_EDGES))
    con.create_table("hub_configs", pa.Table.from_pylist(configs or [], schema=HUB_CONFIGS))
    con.create_table("snapshots", pa.Table.from_pylist(SNAPSHOT_ROWS, schema=SNAPSHOTS))
    return con
