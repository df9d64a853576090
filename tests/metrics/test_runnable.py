"""Runnable builds (``metrics.runnable``): the quantized repositories built from a model (and
builds of those), with format, bits, parameters, storage and downloads."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.runnable import quant_format, runnable
from tests.metrics import tables
from tests.metrics.hub_store import lineage_hub

# --- unit: a hand-built lineage graph -------------------------------------------------------

MODELS = [
    {"model_id": "Qwen/Q", "downloads_30d": 1000},
    {"model_id": "a/ft", "downloads_30d": 50},  # a fine-tune, not a build
    {"model_id": "b/Q-AWQ", "downloads_30d": 5, "tags": ["awq"], "params_total": 7_610_000_000,
     "extra": json.dumps({"used_storage": 5_500_000_000})},
    # GGUF builds declared as fine-tunes: the tag, or the library, says what they are
    {"model_id": "c/Q-Q4_K_M-GGUF", "downloads_30d": 9, "tags": ["gguf"]},
    {"model_id": "f/plain", "downloads_30d": 1, "library_name": "gguf"},
    {"model_id": "d/Q-mlx-4bit", "downloads_30d": 3},  # an MLX build of the AWQ build
    {"model_id": "e/ft-GGUF", "downloads_30d": 7, "tags": ["gguf"]},  # the fine-tune's build
]
EDGES = [("a/ft", "Qwen/Q", "finetune"), ("b/Q-AWQ", "Qwen/Q", "quantized"),
         ("c/Q-Q4_K_M-GGUF", "Qwen/Q", "finetune"), ("f/plain", "Qwen/Q", "finetune"),
         ("d/Q-mlx-4bit", "b/Q-AWQ", "quantized"), ("e/ft-GGUF", "a/ft", "quantized")]


def _graph() -> object:
    return tables.graph(MODELS, EDGES)


def test_unit_builds_follow_build_paths_only() -> None:
    frame = runnable(_graph(), "qwen/q")  # ids are case-insensitive
    # by format, then downloads; e/ft-GGUF is the fine-tune's build, not Q's
    assert list(frame["model_id"]) == ["b/Q-AWQ", "c/Q-Q4_K_M-GGUF", "f/plain", "d/Q-mlx-4bit"]
    assert list(frame["format"]) == ["awq", "gguf", "gguf", "mlx"]
    assert list(frame["relation"]) == ["quantized", "finetune", "finetune", "quantized"]
    assert list(frame["depth"]) == [1, 1, 1, 2]
    assert list(frame["via"]) == ["Qwen/Q", "Qwen/Q", "Qwen/Q", "b/Q-AWQ"]
    assert list(frame["downloads_30d"]) == [5, 9, 1, 3]
    assert set(frame["kind"]) == {"declared"}


def test_unit_bits_parameters_and_storage() -> None:
    frame = runnable(_graph(), "Qwen/Q").set_index("model_id")
    assert frame.loc["c/Q-Q4_K_M-GGUF", "bits"] == "Q4_K_M"
    assert frame.loc["d/Q-mlx-4bit", "bits"] == "4-bit"
    assert pd.isna(frame.loc["b/Q-AWQ", "bits"])
    assert frame.loc["b/Q-AWQ", "params_b"] == 7.61
    assert frame.loc["b/Q-AWQ", "storage_gb"] == 5.5
    assert pd.isna(frame.loc["f/plain", "params_b"]) and pd.isna(frame.loc["f/plain", "storage_gb"])


def test_unit_a_fine_tunes_own_build_and_errors() -> None:
    assert list(runnable(_graph(), "a/ft")["model_id"]) == ["e/ft-GGUF"]
    with pytest.raises(EmptyResultError, match="no models declare it as their base"):
        runnable(_graph(), "f/plain")
    with pytest.raises(EmptyResultError, match="none of its 1 derivatives is a quantized build"):
        runnable(tables.graph(MODELS[:2], EDGES[:1]), "Qwen/Q")


def test_unit_quant_format() -> None:
    assert quant_format("x/Model-GPTQ-Int4", None, None) == "gptq"
    assert quant_format("x/Model-exl2", [], None) == "exl2"
    assert quant_format("x/Model", ["4-bit", "bitsandbytes"], None) == "bitsandbytes"
    assert quant_format("x/Model", [], "mlx") == "mlx"
    assert quant_format("x/awkward-name", [], None) == "other"  # "awq" only as its own word or suffix


# --- a hand-made Hub store ------------------------------------------------------------------

@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return lineage_hub(obs, tmp_path)


def test_runnable_follows_build_paths_only(hub: Observatory) -> None:
    qwen = hub.runnable("Qwen/Qwen2.5-7B")
    # the GGUF of userA's fine-tune is that fine-tune's build, not Qwen's
    assert list(qwen["model_id"]) == ["someone/Qwen2.5-7B-AWQ"]
    assert list(qwen["format"]) == ["awq"]
    assert list(hub.runnable("userA/qwen-ft")["format"]) == ["gguf"]
    with pytest.raises(EmptyResultError):
        hub.runnable("userE/r1-late")
