"""The registry: shipped files load and validate, overrides merge on top, facts beat labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from observatory.errors import RegistryError
from observatory.registry.attribute import attribute_arena, attribute_index
from observatory.registry.loader import load_registry


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame(columns)


def arena_models(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["model_key", "model_name", "org_label", "licence_label",
                                       "url"])


def test_shipped_registry_is_valid(tmp_path: Path) -> None:
    registry = load_registry(tmp_path)
    assert registry.organisations["org_id"].is_unique
    assert set(registry.aliases["kind"]) == {"hf", "arena", "aa"}
    assert len(registry.sources) == 6


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
    assert out.loc[0, "attribution"] == "model fact"
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


def test_user_override_replaces_and_extends(tmp_path: Path) -> None:
    (tmp_path / "organisations.csv").write_text(
        "org_id,name,country,kind,evidence\n"
        "deepseek,DeepSeek,SG,company,test override\n"
        "nobody,Nobody Inc,DE,company,test addition\n")
    (tmp_path / "org_aliases.csv").write_text("kind,alias,org_id\narena,Nobody Inc,nobody\n")
    registry = load_registry(tmp_path)
    out = attribute_arena(arena_models(
        ("DeepSeek-R1", "DeepSeek-R1", "DeepSeek", "MIT", None),
        ("mystery-1", "mystery-1", "Nobody Inc", "Apache 2.0", None),
    ), registry)
    assert list(out["country"]) == ["SG", "DE"]
    assert str(tmp_path / "organisations.csv") in registry.sources


@pytest.mark.parametrize(("name", "text", "message"), [
    ("organisations.csv", "org_id,name,country,kind,evidence\nx,X,China,company,e\n",
     "row 2, field 'country': not an ISO alpha-2 code"),
    ("organisations.csv", "org_id,name,country,kind,evidence\nx,X,CN,startup,e\n",
     "row 2, field 'kind'"),
    ("org_aliases.csv", "kind,alias,org_id\narena,Foo,no-such-org\n",
     "row 2, field 'org_id': unknown organisation 'no-such-org'"),
    ("licences.csv", "label,licence_class,open_weights,evidence\nFoo,free,yes,e\n",
     "row 2, field 'licence_class'"),
    ("model_facts.csv", "model_key,org_id\nx,openai\n", "missing column 'open_weights'"),
])
def test_malformed_override_is_one_clear_error(tmp_path: Path, name: str, text: str,
                                               message: str) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / name))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


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
