"""A model's fingerprint facts (``hub_configs`` rows) from whatever the Hub tells about it.

The facts come from up to four places, read once here so lineage inference never parses JSON:
config.json (or the listing's shorter ``config``, which nests ``tokenizer_config`` as in the real
model trees), the GGUF header (``gguf``: architecture, context length, total, and in newer
listings the chat template and bos/eos tokens), the safetensors total, and tokenizer_config.json.

``config_row`` returns the row without ``source``, ``snapshot_date`` and ``snapshot_id``: the
caller (an importer) adds those. Config.json fields are read under their several spellings
(``n_layer``, ``num_layers``, ``d_model``, ``n_embd``, ...) and from ``text_config`` for
multimodal configs (Gemma 3, Qwen2.5-VL, Llava), whose language model is what derivatives keep.
A field of the wrong type becomes null; the row is None when nothing at all is known.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from observatory.sources.hub_records import EXPERT_KEYS

INT64_LIMIT = 2**63
HIDDEN = ("hidden_size", "d_model", "n_embd", "dim", "model_dim")
LAYERS = ("num_hidden_layers", "n_layer", "num_layers", "n_layers")
HEADS = ("num_attention_heads", "n_head", "num_heads", "n_heads")
KV_HEADS = ("num_key_value_heads", "n_head_kv", "num_kv_heads", "n_kv_heads", "multi_query_group_num")
INTERMEDIATE = ("intermediate_size", "n_inner", "ffn_dim", "ffn_hidden_size", "d_ff")
POSITIONS = ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length", "max_sequence_length",
             "n_ctx")
DTYPES = ("torch_dtype", "dtype")
FACT_FIELDS = ("architecture", "model_type", "vocab_size", "hidden_size", "num_layers", "num_heads",
               "num_kv_heads", "intermediate_size", "num_experts", "max_positions", "rope_theta",
               "rope_scaling", "torch_dtype", "bos_token", "eos_token", "bos_token_id", "eos_token_id",
               "chat_template_hash", "params_total", "quant_method", "name_or_path")
# A Hub id: ``owner/name`` of letters, digits, ``.``, ``_`` and ``-`` (what the Hub allows).
HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9._-]{1,96}")


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if 0 <= value < INT64_LIMIT else None


def _first_int(configs: list[dict[str, Any]], keys: tuple[str, ...]) -> int | None:
    for config in configs:
        for key in keys:
            if key in config and (value := _int(config[key])) is not None:
                return value
    return None


def _first(configs: list[dict[str, Any]], key: str) -> Any:
    return next((config[key] for config in configs if config.get(key) is not None), None)


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _token(value: Any) -> str | None:
    """A special token as text: a string, or the ``content`` of an AddedToken object."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) and value else None


def _token_id(value: Any) -> int | None:
    """``eos_token_id`` may be a list (several stop tokens): the first one identifies it."""
    if isinstance(value, list):
        value = value[0] if value else None
    return _int(value)


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value == value and abs(value) != float("inf") else None


def template_hash(template: Any) -> str | None:
    """sha256[:16] of a chat template; a list of named templates is hashed as sorted JSON."""
    if isinstance(template, list):
        try:
            template = json.dumps(template, sort_keys=True)
        except (TypeError, ValueError):
            return None
    if not isinstance(template, str) or not template:
        return None
    return hashlib.sha256(template.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def hub_id(value: Any) -> str | None:
    """config.json's ``_name_or_path`` when it is a Hub id: transformers records the id a
    checkpoint was loaded from, so a fine-tune saved after ``from_pretrained("org/base")`` names
    its parent. A local path (``/workspace/out``, ``./merged``, ``C:\\runs``) says nothing."""
    text = _str(value)
    if text is None or text.startswith((".", "~")) or text.endswith("/"):
        return None
    return text if HUB_ID.fullmatch(text) else None


def quant_method(config: dict[str, Any]) -> str | None:
    """The quantization method of a config: its ``quantization_config``; MLX writes only bits."""
    quant = config.get("quantization_config") or config.get("quantization")
    if not isinstance(quant, dict):
        return None
    method = _str(quant.get("quant_method"))
    if method:
        return method.lower()
    if quant.get("load_in_4bit") or quant.get("load_in_8bit"):
        return "bitsandbytes"
    return "mlx" if "bits" in quant else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _rope_scaling(value: Any) -> str | None:
    if not isinstance(value, dict) or not value:
        return None
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None


def _config_facts(config: dict[str, Any]) -> dict[str, Any]:
    text = _object(config.get("text_config")) or _object(config.get("llm_config"))
    # The language model's own config first, the outer one for what it leaves out.
    layers = [text, config] if text else [config]
    architectures = config.get("architectures")
    architecture = architectures[0] if isinstance(architectures, list) and architectures else None
    dtype = next((d for d in (_str(c.get(k)) for c in layers for k in DTYPES) if d), None)
    return {
        "architecture": _str(architecture),
        "model_type": _str(config.get("model_type")),
        "vocab_size": _first_int(layers, ("vocab_size", "n_vocab", "padded_vocab_size")),
        "hidden_size": _first_int(layers, HIDDEN),
        "num_layers": _first_int(layers, LAYERS),
        "num_heads": _first_int(layers, HEADS),
        "num_kv_heads": _first_int(layers, KV_HEADS),
        "intermediate_size": _first_int(layers, INTERMEDIATE),
        "num_experts": _first_int(layers, EXPERT_KEYS),
        "max_positions": _first_int(layers, POSITIONS),
        "rope_theta": _float(_first(layers, "rope_theta")),
        "rope_scaling": _rope_scaling(_first(layers, "rope_scaling")),
        "torch_dtype": dtype,
        "bos_token_id": _token_id(_first(layers, "bos_token_id")),
        "eos_token_id": _token_id(_first(layers, "eos_token_id")),
        "quant_method": quant_method(config),
        "name_or_path": hub_id(config.get("_name_or_path")),
    }


def _tokenizer_facts(tokenizer: dict[str, Any]) -> dict[str, Any]:
    return {"bos_token": _token(tokenizer.get("bos_token")),
            "eos_token": _token(tokenizer.get("eos_token")),
            "chat_template_hash": template_hash(tokenizer.get("chat_template"))}


def _gguf_facts(gguf: dict[str, Any]) -> dict[str, Any]:
    return {"model_type": _str(gguf.get("architecture")),
            "max_positions": _int(gguf.get("context_length")),
            "params_total": _int(gguf.get("total")),
            "quant_method": "gguf",
            **_tokenizer_facts(gguf)}


def config_row(model_id: str, config: dict[str, Any] | None, *, gguf: dict[str, Any] | None = None,
               safetensors_total: int | None = None,
               tokenizer_config: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The ``hub_configs`` facts of one model (without source, dates, snapshot id), or None.

    Precedence: config.json facts, then tokenizer_config.json (or the listing config's nested
    ``tokenizer_config``), then the GGUF header for what those leave unknown; ``params_total``
    is the safetensors total, else the GGUF total.
    """
    config = _object(config)
    tokenizer = _object(tokenizer_config) or _object(config.get("tokenizer_config"))
    found: dict[str, Any] = {}
    for facts in (_config_facts(config), _tokenizer_facts(tokenizer),
                  _gguf_facts(gguf) if isinstance(gguf, dict) and gguf else {}):
        for name, value in facts.items():
            if value is not None and found.get(name) is None:
                found[name] = value
    total = _int(safetensors_total)
    if total:
        found["params_total"] = total
    if not any(found.get(name) is not None for name in FACT_FIELDS):
        return None
    return {"model_id": model_id, **{name: found.get(name) for name in FACT_FIELDS}}
