"""The normalized tables every stage agrees on (see DESIGN.md, "Data model").

Importers produce rows in these shapes; the store writes them to Parquet with these exact
types, so a table read back from any snapshot has the same columns.
"""

from __future__ import annotations

import pyarrow as pa

BOARD_ENTRIES = pa.schema(
    [
        ("source", pa.string()),  # format that produced the row, e.g. "lmarena-csv"
        ("board", pa.string()),  # text | vision | image | ...
        ("category", pa.string()),  # full | coding | chinese | ...
        ("style_control", pa.bool_()),
        ("snapshot_date", pa.date32()),
        ("model_key", pa.string()),
        ("model_name", pa.string()),
        ("rating", pa.float64()),
        ("ci_low", pa.float64()),
        ("ci_high", pa.float64()),
        ("votes", pa.int64()),
        ("rank", pa.int64()),
        ("rank_style", pa.int64()),
        ("org_label", pa.string()),
        ("licence_label", pa.string()),
        ("url", pa.string()),
        ("snapshot_id", pa.string()),
    ]
)

# Model metadata published beside a board (organisation, licence, link), without ratings.
BOARD_MODELS = pa.schema(
    [
        ("source", pa.string()),
        ("snapshot_date", pa.date32()),
        ("model_key", pa.string()),
        ("model_name", pa.string()),
        ("org_label", pa.string()),
        ("licence_label", pa.string()),
        ("url", pa.string()),
        ("knowledge_cutoff", pa.string()),
        ("snapshot_id", pa.string()),
    ]
)

# Best rating per board category per release, as published with the HF Space tables.
BOARD_MAXIMA = pa.schema(
    [
        ("source", pa.string()),
        ("snapshot_date", pa.date32()),
        ("board", pa.string()),
        ("category", pa.string()),
        ("style_control", pa.bool_()),
        ("max_rating", pa.float64()),
        ("model_key", pa.string()),
        ("snapshot_id", pa.string()),
    ]
)

INDEX_SCORES = pa.schema(
    [
        ("source", pa.string()),
        ("snapshot_date", pa.date32()),
        ("model_key", pa.string()),
        ("model_name", pa.string()),
        ("index_name", pa.string()),  # intelligence | coding | agentic
        ("index_version", pa.string()),
        ("value", pa.float64()),
        ("is_estimated", pa.bool_()),
        ("creator", pa.string()),
        ("creator_slug", pa.string()),
        ("creator_country", pa.string()),  # ISO alpha-2, upper case, as the source states it
        ("open_weights", pa.bool_()),
        ("licence_label", pa.string()),
        ("hf_id", pa.string()),
        ("params_total_b", pa.float64()),
        ("params_active_b", pa.float64()),
        ("release_date", pa.date32()),
        ("reasoning", pa.bool_()),
        ("snapshot_id", pa.string()),
    ]
)

# One row per Hub model per snapshot (Hub API records, the model-tree files, the Open LLM
# Leaderboard's Hub columns). Unknown API fields are kept as JSON in ``extra``.
HUB_MODELS = pa.schema(
    [
        ("source", pa.string()),
        ("snapshot_date", pa.date32()),
        ("model_id", pa.string()),
        ("author", pa.string()),
        ("created_at", pa.timestamp("s", tz="UTC")),
        ("last_modified", pa.timestamp("s", tz="UTC")),
        ("likes", pa.int64()),
        ("downloads_30d", pa.int64()),
        ("downloads_all_time", pa.int64()),
        ("pipeline_tag", pa.string()),
        ("library_name", pa.string()),
        ("licence", pa.string()),  # the licence id from card data or a license: tag
        ("gated", pa.string()),  # false | auto | manual
        ("params_total", pa.int64()),
        ("params_active", pa.int64()),
        ("architecture", pa.string()),  # first entry of config.architectures
        ("model_type", pa.string()),
        ("num_experts", pa.int64()),
        ("experts_per_token", pa.int64()),
        ("tags", pa.list_(pa.string())),
        ("base_models", pa.list_(pa.string())),  # declared bases (card data or tags)
        ("base_relation", pa.string()),  # finetune | adapter | merge | quantized | unknown
        ("extra", pa.string()),  # JSON object of fields this version does not read
        ("snapshot_id", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "board_entries": BOARD_ENTRIES,
    "board_models": BOARD_MODELS,
    "board_maxima": BOARD_MAXIMA,
    "index_scores": INDEX_SCORES,
    "hub_models": HUB_MODELS,
}
