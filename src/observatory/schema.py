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
        # How many rows the publisher showed of this board (a top-N page); null: every row.
        ("shown_rows", pa.int64()),
        ("extra", pa.string()),  # JSON object of the source's columns this version does not read
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

# Fingerprint facts of a Hub model's configuration (config.json, tokenizer config, GGUF header,
# safetensors total), one row per model per snapshot where any is known. Lineage inference reads it.
HUB_CONFIGS = pa.schema(
    [
        ("source", pa.string()),
        ("snapshot_date", pa.date32()),
        ("model_id", pa.string()),
        ("architecture", pa.string()),
        ("model_type", pa.string()),
        ("vocab_size", pa.int64()),
        ("hidden_size", pa.int64()),
        ("num_layers", pa.int64()),
        ("num_heads", pa.int64()),
        ("num_kv_heads", pa.int64()),
        ("intermediate_size", pa.int64()),
        ("num_experts", pa.int64()),
        ("max_positions", pa.int64()),  # max_position_embeddings, else the GGUF context length
        ("rope_theta", pa.float64()),
        ("rope_scaling", pa.string()),  # JSON, keys sorted
        ("torch_dtype", pa.string()),
        ("bos_token", pa.string()),
        ("eos_token", pa.string()),
        ("bos_token_id", pa.int64()),
        ("eos_token_id", pa.int64()),
        ("chat_template_hash", pa.string()),  # sha256[:16] of the chat template text
        ("params_total", pa.int64()),
        ("quant_method", pa.string()),  # gguf | awq | gptq | bitsandbytes | mlx | ...
        ("name_or_path", pa.string()),  # config.json's _name_or_path when it is a Hub id
        ("snapshot_id", pa.string()),
    ]
)

# Inferred lineage edges (declared edges are read from hub_models.base_models directly): one row
# per candidate base of a model that declares none, computed from a Hub snapshot's fingerprints.
HUB_EDGES = pa.schema(
    [
        ("snapshot_date", pa.date32()),
        ("child_id", pa.string()),
        ("parent_id", pa.string()),
        ("relation", pa.string()),  # finetune | adapter | merge | quantized | unknown
        ("kind", pa.string()),  # declared | inferred
        ("score", pa.float64()),  # inferred: the candidate's score in [0, 1]; declared: null
        ("candidate_rank", pa.int64()),  # 1 = best candidate
        ("method_version", pa.string()),
        ("snapshot_id", pa.string()),
    ]
)

# Pairwise votes (arena preference releases, clean-battle files, a team's own blind votes): one row
# per vote. Ties and both-bad are kept apart here; the rating fit counts each as half a win each way.
VOTES = pa.schema(
    [
        ("source", pa.string()),  # the importer's format, e.g. "votes-arena"
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("outcome", pa.string()),  # a | b | tie | both_bad
        ("timestamp", pa.timestamp("s", tz="UTC")),
        ("language", pa.string()),
        ("judge", pa.string()),
        ("turns", pa.int64()),
        # Category flags as the release states them (null: not stated).
        ("coding", pa.bool_()),
        ("math", pa.bool_()),
        ("creative_writing", pa.bool_()),
        ("instruction_following", pa.bool_()),
        ("hard_prompts", pa.bool_()),
        # Style features of each response (style control): tokens and markdown element counts.
        ("sum_assistant_tokens_a", pa.int64()),
        ("sum_assistant_tokens_b", pa.int64()),
        ("header_count_a", pa.int64()),
        ("header_count_b", pa.int64()),
        ("list_count_a", pa.int64()),
        ("list_count_b", pa.int64()),
        ("bold_count_a", pa.int64()),
        ("bold_count_b", pa.int64()),
        ("snapshot_id", pa.string()),
    ]
)

# Per Hub snapshot, computed once when it lands (``jobs.aggregates``): downloads and likes by
# organisation (or unattributed namespace), family and artefact flag, so views over a long history
# read a few thousand rows a snapshot instead of millions. ``rules`` fingerprints the registry
# rules they were computed with; a registry change computes them again.
HUB_AGGREGATES = pa.schema(
    [
        ("hub_snapshot_id", pa.string()),
        ("hub_source", pa.string()),
        ("snapshot_date", pa.date32()),
        ("rules", pa.string()),
        ("org_key", pa.string()),  # org_id; an unattributed namespace; or OTHER_NAMESPACES
        ("org_id", pa.string()),  # null: not attributed
        ("country", pa.string()),  # null: not attributed
        ("family", pa.string()),
        ("is_gguf", pa.bool_()),
        ("models", pa.int64()),
        ("downloads_all_time", pa.int64()),
        ("downloads_30d", pa.int64()),
        ("likes", pa.int64()),
        ("snapshot_id", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "board_entries": BOARD_ENTRIES,
    "board_models": BOARD_MODELS,
    "board_maxima": BOARD_MAXIMA,
    "index_scores": INDEX_SCORES,
    "hub_models": HUB_MODELS,
    "hub_configs": HUB_CONFIGS,
    "hub_edges": HUB_EDGES,
    "votes": VOTES,
    "hub_aggregates": HUB_AGGREGATES,
}
