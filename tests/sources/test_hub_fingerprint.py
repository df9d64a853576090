"""``hub_fingerprint.config_row`` on real Hub record shapes, odd spellings, wrong types, GGUF only."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from observatory.schema import HUB_CONFIGS
from observatory.sources.hub_fingerprint import FACT_FIELDS, config_row, hub_id, template_hash
from observatory.sources.modeltree import parse
from tests.conftest import SHARED, need_shared, tree_rows

TREES = SHARED / "hf-model-tree"
EXAONE = "exaone-deep-32b_tree_2025-04-07.csv"
MISTRAL = "mistral-small-24b-base-2501_tree_2025-04-05.csv"


@cache
def records(name: str) -> dict[str, dict[str, Any]]:
    return {row["model_id"]: json.loads(row["metadata"]) for row in tree_rows(TREES / name)}


def sha16(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_fields_are_the_schema_columns() -> None:
    assert set(FACT_FIELDS) | {"model_id", "source", "snapshot_date", "snapshot_id"} == set(HUB_CONFIGS.names)


def test_listing_config_with_nested_tokenizer_config() -> None:
    need_shared(TREES)
    record = records(EXAONE)["LGAI-EXAONE/EXAONE-Deep-32B"]
    tokenizer = record["config"]["tokenizer_config"]
    row = config_row(record["id"], record["config"], safetensors_total=record["safetensors"]["total"])
    assert row is not None
    assert row["architecture"] == "ExaoneForCausalLM" and row["model_type"] == "exaone"
    assert row["bos_token"] == tokenizer["bos_token"] == "[BOS]"
    assert row["eos_token"] == tokenizer["eos_token"] == "[|endofturn|]"
    assert row["chat_template_hash"] == sha16(tokenizer["chat_template"])
    assert row["params_total"] == 32003200000
    assert row["quant_method"] is None and row["hidden_size"] is None  # the listing has no dims


def test_mlx_bits_only_is_mlx_and_gguf_header() -> None:
    need_shared(TREES)
    trees = records(EXAONE)
    mlx = next(r for r in trees.values() if (r.get("config") or {}).get("quantization_config"))
    assert "quant_method" not in mlx["config"]["quantization_config"]
    assert config_row(mlx["id"], mlx["config"])["quant_method"] == "mlx"
    gguf = next(r for r in trees.values() if r.get("gguf"))
    row = config_row(gguf["id"], gguf.get("config"), gguf=gguf["gguf"])
    assert row["quant_method"] == "gguf" and row["model_type"] == gguf["gguf"]["architecture"]
    assert row["max_positions"] == gguf["gguf"]["context_length"]
    assert row["params_total"] == gguf["gguf"]["total"]
    assert row["chat_template_hash"] == sha16(gguf["gguf"]["chat_template"])
    assert row["eos_token"] == gguf["gguf"]["eos_token"]


def test_importer_emits_hub_configs() -> None:
    need_shared(TREES)
    parsed = parse(TREES / MISTRAL, (TREES / MISTRAL).read_bytes()).freeze()
    configs = parsed.arrow["hub_configs"]
    assert configs.schema == HUB_CONFIGS
    with_facts = [mid for mid, r in records(MISTRAL).items()
                  if r.get("config") or r.get("gguf") or r.get("safetensors")]
    assert sorted(configs.column("model_id").to_pylist()) == sorted(set(with_facts))
    rows = {r["model_id"]: r for r in configs.to_pylist()}
    root = rows["mistralai/Mistral-Small-24B-Base-2501"]
    assert root["model_type"] == "mistral" and root["bos_token"] == "<s>"
    assert root["chat_template_hash"] is None
    assert root["source"] == "hf-model-tree" and root["snapshot_id"] == parsed.snapshot_id


def test_full_config_and_alternative_spellings() -> None:
    gpt2 = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 768, "n_layer": 12,
            "n_head": 12, "n_positions": 1024, "vocab_size": 50257, "bos_token_id": 50256,
            "eos_token_id": [50256, 50257], "torch_dtype": "float32"}
    row = config_row("openai/gpt2", gpt2)
    dims = (row["hidden_size"], row["num_layers"], row["num_heads"], row["max_positions"])
    assert dims == (768, 12, 12, 1024)
    assert row["eos_token_id"] == 50256 and row["torch_dtype"] == "float32"
    qwen = {"model_type": "qwen2", "hidden_size": 3584, "rope_theta": 1e6, "max_position_embeddings": 32768,
            "rope_scaling": {"type": "yarn", "factor": 4.0}, "num_key_value_heads": 4,
            "quantization_config": {"quant_method": "AWQ", "bits": 4}}
    row = config_row("Qwen/x-AWQ", qwen)
    assert row["rope_scaling"] == '{"factor": 4.0, "type": "yarn"}' and row["rope_theta"] == 1e6
    assert row["quant_method"] == "awq" and row["num_kv_heads"] == 4
    bnb = config_row("x/bnb", {"quantization_config": {"load_in_4bit": True}})
    assert bnb["quant_method"] == "bitsandbytes"


def test_multimodal_text_config_is_the_language_model() -> None:
    gemma3 = {"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
              "text_config": {"hidden_size": 2560, "num_hidden_layers": 34, "vocab_size": 262208,
                              "rope_theta": 1000000.0, "model_type": "gemma3_text"},
              "vision_config": {"hidden_size": 1152, "num_hidden_layers": 27}, "torch_dtype": "bfloat16"}
    row = config_row("google/gemma-3-4b-it", gemma3)
    assert row["model_type"] == "gemma3" and row["hidden_size"] == 2560 and row["num_layers"] == 34
    assert row["vocab_size"] == 262208 and row["torch_dtype"] == "bfloat16"


def test_wrong_types_become_null() -> None:
    config = {"architectures": "LlamaForCausalLM", "model_type": 7, "hidden_size": "4096",
              "num_hidden_layers": 32.5, "num_attention_heads": True, "vocab_size": -1, "rope_theta": "big",
              "rope_scaling": [1, 2],
              "max_position_embeddings": 2**70, "quantization_config": "gptq",
              "tokenizer_config": {"bos_token": {"content": "<s>"}, "eos_token": 5, "chat_template": 3}}
    row = config_row("x/y", config)
    assert row is not None and row["bos_token"] == "<s>"  # an AddedToken object is read
    assert all(row[name] is None for name in FACT_FIELDS if name != "bos_token")
    assert config_row("x/y", None) is None
    assert config_row("x/y", {"unrelated": 1}, gguf={}) is None
    assert config_row("x/y", "not a dict", tokenizer_config=[]) is None  # type: ignore[arg-type]


def test_gguf_only_and_precedence() -> None:
    row = config_row("u/m-GGUF", None, gguf={"architecture": "llama", "context_length": 32768, "total": 123,
                                             "bos_token": "<s>", "chat_template": "{{ x }}"})
    assert row["model_type"] == "llama" and row["quant_method"] == "gguf" and row["params_total"] == 123
    assert row["chat_template_hash"] == template_hash("{{ x }}") == sha16("{{ x }}")
    both = config_row("u/m", {"model_type": "mistral", "max_position_embeddings": 4096},
                      gguf={"architecture": "llama", "context_length": 32768}, safetensors_total=99)
    assert both["model_type"] == "mistral" and both["max_positions"] == 4096 and both["params_total"] == 99


def test_synthetic_rows_are_config_row_of_the_served_config() -> None:
    from observatory.testing.synth import config_table as synthetic_configs
    from observatory.testing.synth import full_config, tokenizer_config, universe

    u = universe(5, 3000)
    table = synthetic_configs(u).set_index("model_id")
    checked = 0
    for i in range(0, 3000, 7):
        served = full_config(u, i)
        record = u.record(i)
        if served is None or record["id"] not in table.index:
            continue
        total = (record.get("safetensors") or {}).get("total")
        row = config_row(record["id"], served, tokenizer_config=tokenizer_config(u, i),
                         safetensors_total=total)
        expected = table.loc[record["id"]].astype(object).where(table.loc[record["id"]].notna(), None)
        assert {k: row[k] for k in FACT_FIELDS} == {k: expected[k] for k in FACT_FIELDS}, record["id"]
        checked += 1
    assert checked > 100


def test_name_or_path_only_as_a_hub_id() -> None:
    assert hub_id("Qwen/Qwen2.5-7B-Instruct") == "Qwen/Qwen2.5-7B-Instruct"
    assert hub_id(" unsloth/llama-3-8b-bnb-4bit ") == "unsloth/llama-3-8b-bnb-4bit"
    for local in ("/workspace/outputs/checkpoint-1200", "./merged_model", "~/models/x", "outputs/", "a/b/c",
                  "C:\\runs\\final", "merged", "", None, 7, "-x/y"):
        assert hub_id(local) is None, local
    row = config_row("u/m", {"model_type": "llama", "_name_or_path": "meta-llama/Llama-3.1-8B"})
    assert row is not None and row["name_or_path"] == "meta-llama/Llama-3.1-8B"
    assert config_row("u/m", {"model_type": "llama", "_name_or_path": "/tmp/run"})["name_or_path"] is None
