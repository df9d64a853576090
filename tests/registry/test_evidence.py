"""The evidence chain (``registry.attribute`` with ``registry.evidence``): for a model the
registry does not name, other sources' records of the same model, the Hub and family rules, each
named in the ``attribution`` column; conflicts and ambiguous matches listed, never guessed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from observatory.registry.attribute import attribute_arena
from observatory.registry.evidence import Candidates, Evidence, exact_name, loose_name
from observatory.registry.loader import Registry, load_registry
from tests.registry.helpers import arena_models


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    return load_registry(tmp_path_factory.mktemp("no-overrides"))


def aa(*rows: tuple) -> Candidates:
    """Artificial Analysis candidates: (slug, org_id, open_weights, licence_label, hf_id)."""
    table = pd.DataFrame(rows, columns=["model_key", "org_id", "open_weights", "licence_label",
                                        "hf_id"]).astype(object)
    table["label"] = table["model_key"]
    return Candidates.build("aa", table, ["model_key"])


def hub(*ids: str, orgs: dict[str, str]) -> tuple[Candidates, frozenset[str]]:
    table = pd.DataFrame({"model_id": list(ids)})
    table = table.assign(org_id=table["model_id"].str.split("/").str[0].str.lower().map(orgs),
                         open_weights=True, licence_label=None, hf_id=table["model_id"],
                         label=table["model_id"]).astype(object)
    return Candidates.build("hub", table, ["model_id"]), frozenset(table["model_id"].str.lower())


@pytest.mark.parametrize(("name", "exact", "loose"), [
    ("Qwen/Qwen2.5-72B-Instruct", "qwen2-5-72b-instruct", "qwen2-5-72b"),
    ("llama-3.1-405b-instruct", "llama-3-1-405b-instruct", "llama-3-1-405b"),
    ("llama-3-1-instruct-405b", "llama-3-1-instruct-405b", "llama-3-1-405b"),
    ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13", "gpt-4o"),
    ("claude-opus-4-20250514", "claude-opus-4-20250514", "claude-opus-4"),
    ("deepseek-r1-0528", "deepseek-r1-0528", "deepseek-r1"),
    ("mimo-v2-flash (thinking)", "mimo-v2-flash-thinking", "mimo-v2-flash"),
])
def test_name_rules(name: str, exact: str, loose: str) -> None:
    assert exact_name(name) == exact
    assert loose_name(name) == loose


def test_a_model_without_labels_is_attributed_from_artificial_analysis(registry: Registry) -> None:
    """gpt-oss-120b, unknown to the registry, as a board that shows only keys lists it."""
    models = arena_models(("gpt-oss-120b", "gpt-oss-120b", None, None, None))
    out = attribute_arena(models, registry, Evidence(aa=aa(("gpt-oss-120b", "openai", True,
                                                            "Apache 2.0", "openai/gpt-oss-120b"))))
    row = out.iloc[0]
    assert (row["org_id"], row["country"], row["open_weights"]) == ("openai", "US", True)
    assert row["attribution"] == "match:aa"
    assert row["licence_class"] == "permissive"
    assert row["hf_id"] == "openai/gpt-oss-120b"


def test_loose_names_match_when_no_exact_name_does(registry: Registry) -> None:
    models = arena_models(("llama-3.1-405b-instruct", "Llama-3.1-405B-Instruct", None, None, None))
    found = aa(("llama-3-1-instruct-405b", "meta", True, None, None))
    assert attribute_arena(models, registry, Evidence(aa=found)).iloc[0]["org_id"] == "meta"


def test_an_ambiguous_match_is_refused_and_listed(registry: Registry) -> None:
    models = arena_models(("mystery-7b", "mystery-7b", None, None, None))
    found = aa(("mystery-7b-instruct", "openai", True, None, None),
               ("mystery-7b-chat", "alibaba", True, None, None))
    row = attribute_arena(models, registry, Evidence(aa=found)).iloc[0]
    assert pd.isna(row["org_id"]) and pd.isna(row["attribution"])
    # listed in a fixed order (the candidates' rows sorted), whatever order they came in
    assert row["refused"] == ("aa: mystery-7b-chat (alibaba, open); "
                              "mystery-7b-instruct (openai, open)")


def test_candidates_that_agree_are_not_ambiguous(registry: Registry) -> None:
    models = arena_models(("qwen9-235b-a22b", "qwen9-235b-a22b", None, None, None))
    found = aa(("qwen9-235b-a22b-instruct", "alibaba", True, None, None),
               ("qwen9-235b-a22b-thinking", "alibaba", True, None, None))
    row = attribute_arena(models, registry, Evidence(aa=found)).iloc[0]
    assert (row["org_id"], row["open_weights"], row["attribution"]) == ("alibaba", True, "match:aa")


def test_an_open_label_against_a_closed_record_is_not_open_and_listed(registry: Registry) -> None:
    """LMArena labels API-only Qwen models with the Qwen licence; AA says proprietary."""
    models = arena_models(("qwen3-max-2025-09-23", "qwen3-max-2025-09-23", "Alibaba", "Qwen", None))
    row = attribute_arena(models, registry, Evidence(aa=aa(("qwen3-max", "alibaba", False, None,
                                                             None)))).iloc[0]
    assert row["open_weights"] == False  # noqa: E712
    assert row["licence_class"] == "proprietary"
    assert row["conflict"] == ("source-label says open (licence Qwen); "
                               "match:aa says not open (qwen3-max)")
    assert row["attribution"] == "source-label+match:aa"


def test_a_registry_fact_settles_a_conflict(registry: Registry) -> None:
    """Qwen-Max-0919 has a registry row (not open): no other layer is heard on open weights."""
    models = arena_models(("qwen-max-0919", "Qwen-Max-0919", "Alibaba", "Qwen", None))
    row = attribute_arena(models, registry, Evidence(aa=aa(("qwen-max", "alibaba", True, None,
                                                             None)))).iloc[0]
    assert row["open_weights"] == False and pd.isna(row["conflict"])  # noqa: E712
    assert row["attribution"] == "registry"


def test_weights_on_the_hub_make_a_model_open(registry: Registry) -> None:
    """A board that links the model's Hub page, and a Hub snapshot that holds the repository."""
    models = arena_models(("olmo-3-32b-think", "olmo-3-32b-think", None, None,
                           "https://huggingface.co/allenai/Olmo-3-32B-Think"))
    candidates, ids = hub("allenai/Olmo-3-32B-Think", orgs={"allenai": "ai2"})
    row = attribute_arena(models, registry, Evidence(hub=candidates, hub_ids=ids)).iloc[0]
    assert (row["org_id"], row["country"], row["open_weights"]) == ("ai2", "US", True)
    assert row["attribution"] == "source-label+hub"


def test_a_hub_repository_of_the_same_name(registry: Registry) -> None:
    models = arena_models(("intellect-3", "INTELLECT-3", None, None, None))
    candidates, ids = hub("PrimeIntellect/INTELLECT-3", orgs={"primeintellect": "prime-intellect"})
    row = attribute_arena(models, registry, Evidence(hub=candidates, hub_ids=ids)).iloc[0]
    assert row["open_weights"] == True  # noqa: E712
    assert row["attribution"] == "match:hub"
    assert row["org_id"] == "prime-intellect"


def test_a_loose_hub_match_names_the_organisation_not_open_weights(registry: Registry) -> None:
    """Mistral's API-only mistral-large-2402 and the open Mistral-Large-Instruct-2407 share the
    loose name mistral-large: the repository says who made it, not that these weights are out."""
    models = arena_models(("mistral-large-2402", "mistral-large-2402", None, None, None))
    candidates, ids = hub("mistralai/Mistral-Large-Instruct-2407", orgs={"mistralai": "mistral"})
    hidden = dataclasses.replace(registry, arena_models=registry.arena_models.iloc[0:0],
                                 model_facts=registry.model_facts.iloc[0:0])
    row = attribute_arena(models, hidden, Evidence(hub=candidates, hub_ids=ids)).iloc[0]
    assert row["org_id"] == "mistral" and row["attribution"] == "match:hub"
    assert pd.isna(row["open_weights"])


def test_a_family_rule_names_the_organisation_never_open_weights(registry: Registry) -> None:
    """A Qwen model nobody describes: the Qwen family rule gives Alibaba, not open weights."""
    row = attribute_arena(arena_models(("qwen9-max", "qwen9-max", None, None, None)),
                          registry).iloc[0]
    assert (row["org_id"], row["country"]) == ("alibaba", "CN")
    assert pd.isna(row["open_weights"])
    assert row["attribution"] == "family-rule"


def test_a_display_name_finds_the_registry_fact_of_its_key(registry: Registry) -> None:
    """'Qwen3-Max' is the display name of qwen3-max-preview, whose scatterplot label says
    Apache 2.0 and whose registry fact says API-only: the fact is found through the name."""
    row = attribute_arena(arena_models(("qwen3-max", "Qwen3-Max", None, None, None)),
                          registry).iloc[0]
    assert row["open_weights"] == False  # noqa: E712
    assert row["attribution"] == "registry"


def test_a_source_label_comes_before_a_match(registry: Registry, tmp_path: Path) -> None:
    models = arena_models(("deepseek-r1", "DeepSeek-R1", "DeepSeek", "MIT", None))
    row = attribute_arena(models, registry, Evidence(aa=aa(("deepseek-r1", "deepseek", True,
                                                             "MIT", None)))).iloc[0]
    assert row["attribution"] in ("registry", "source-label")  # never match:aa
    assert row["open_weights"] == True and pd.isna(row["conflict"])  # noqa: E712
