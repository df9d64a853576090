"""Small registry tables for the registry (and lineage) tests."""

from __future__ import annotations

import pandas as pd

from observatory.registry.loader import Registry


def arena_models(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["model_key", "model_name", "org_label", "licence_label",
                                       "url"])


def small_registry() -> Registry:
    """Three organisations (one of unknown country, ZZ), their Hub namespaces (one listed twice,
    one arena label that is not a namespace), two licences and two family rules (Qwen first)."""
    organisations = pd.DataFrame({
        "org_id": ["meta", "alibaba", "ghost"], "name": ["Meta", "Alibaba", "Ghost Lab"],
        "country": ["US", "CN", "ZZ"], "kind": ["company", "company", "lab"]})
    aliases = pd.DataFrame({
        "kind": ["hf", "hf", "hf", "arena", "hf"],
        "alias": ["meta-llama", "Qwen", "ghost-lab", "Meta AI", "meta-llama"],
        "org_id": ["meta", "alibaba", "ghost", "meta", "alibaba"]})
    licences = pd.DataFrame({"label": ["Apache-2.0", "llama3"], "label_key": ["apache-2.0", "llama3"],
                             "licence_class": ["permissive", "open-with-restrictions"],
                             "open_weights": ["yes", "yes"]})
    families = pd.DataFrame({"pattern": [r"\bqwen|qwq|^qwen/", "llama|^meta-llama/"],
                             "family": ["Qwen", "Llama"], "org_id": ["alibaba", "meta"]})
    empty = pd.DataFrame({"model_key": pd.Series(dtype=str), "key": pd.Series(dtype=str)})
    return Registry(organisations=organisations, aliases=aliases, licences=licences,
                    arena_models=empty, model_facts=empty, families=families, sources=())
