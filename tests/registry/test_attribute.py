"""Attribution (``registry.attribute``): labels give organisation, country and licence class; a
model fact beats a noisy label; an unknown organisation is left empty, never guessed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from observatory.registry.attribute import attribute_arena, attribute_index
from observatory.registry.loader import load_registry
from tests.registry.helpers import arena_models


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_labels_attribute_org_country_and_licence(tmp_path: Path) -> None:
    registry = load_registry(tmp_path)
    out = attribute_arena(arena_models(
        ("DeepSeek-R1", "DeepSeek-R1", "DeepSeek", "MIT", None),
        ("GPT-4o-2024-05-13", "GPT-4o-2024-05-13", "OpenAI", "Proprietary", None),
    ), registry)
    assert list(out["country"]) == ["CN", "US"]
    assert list(out["open_weights"]) == [True, False]
    assert list(out["licence_class"]) == ["permissive", "proprietary"]


def test_model_fact_beats_a_noisy_licence_label(tmp_path: Path) -> None:
    """LMArena labels the API-only Qwen-Max-0919 with the family licence 'Qwen'."""
    registry = load_registry(tmp_path)
    out = attribute_arena(arena_models(("Qwen-Max-0919", "Qwen-Max-0919", "Alibaba", "Qwen", None)),
                          registry)
    assert out.loc[0, "open_weights"] == False  # noqa: E712
    assert out.loc[0, "attribution"] == "registry"
    assert out.loc[0, "country"] == "CN"


def test_key_only_sources_use_published_metadata(tmp_path: Path) -> None:
    """arena-catalog rows carry only a key; the HF Space table supplies org and licence."""
    registry = load_registry(tmp_path)
    out = attribute_arena(arena_models(("vicuna-13b", "vicuna-13b", None, None, None)), registry)
    assert out.loc[0, "org_id"] == "lmsys"
    assert out.loc[0, "display_name"] == "Vicuna-13B"


def test_unknown_org_is_left_empty_not_guessed(tmp_path: Path) -> None:
    registry = load_registry(tmp_path)
    out = attribute_arena(arena_models(("mystery-1", "mystery-1", "Nobody Inc", "Apache 2.0", None)),
                          registry)
    assert pd.isna(out.loc[0, "org_id"]) and pd.isna(out.loc[0, "country"])
    assert out.loc[0, "open_weights"] == True  # noqa: E712  (the licence still says open)


def test_aa_creator_and_stated_flags(tmp_path: Path) -> None:
    registry = load_registry(tmp_path)
    models = frame(model_key=["glm-5-1", "x-model"], model_name=["GLM-5.1", "X"],
                   creator=["Z AI", "Unknown Lab"], creator_slug=["zai", "unknown-lab"],
                   creator_country=["CN", "BR"], open_weights=[True, None],
                   licence_label=["MIT", None], hf_id=["zai-org/GLM-5.1", None])
    out = attribute_index(models, registry)
    assert list(out["org_id"].fillna("")) == ["zhipu", ""]
    # An unknown creator keeps the country the source states.
    assert list(out["country"]) == ["CN", "BR"]
    assert out.loc[0, "open_weights"] == True  # noqa: E712
    assert pd.isna(out.loc[1, "open_weights"])
