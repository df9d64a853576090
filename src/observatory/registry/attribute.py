"""Attribute models to an organisation, a country and an open-weights status.

Pure functions: a frame of distinct models in, the same frame with attribution columns out.
Precedence, most specific first: the registry's model-level facts (``model_facts.csv``), then the
source's own labels (organisation label, licence label; for Artificial Analysis its creator and
open-weights flag), then labels published elsewhere for the same model key (``arena_models.csv``
and the store's ``board_models``). LMArena's licence label is noisy, so a model fact wins over it.
"""

from __future__ import annotations

import pandas as pd

from observatory.registry.loader import Registry
from observatory.sources.base import hf_id_from_url

UNKNOWN_COUNTRY = "ZZ"  # the registry's code for "country not known": reported as unknown


def _hf_namespace(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if "huggingface.co/" in value:
        value = value.split("huggingface.co/", 1)[1]
    parts = value.strip("/").split("/")
    return parts[0] if len(parts) >= 2 and parts[0] not in ("spaces", "datasets") else None


def _yes_no(value: object) -> object:
    return {"yes": True, "no": False}.get(value, pd.NA) if isinstance(value, str) else pd.NA


def _lookup(frame: pd.DataFrame, key_column: str, keys: pd.Series) -> pd.DataFrame:
    indexed = frame.drop_duplicates(key_column, keep="last").set_index(key_column)
    return indexed.reindex(keys.str.lower().values).reset_index(drop=True)


def _first(*series: pd.Series) -> pd.Series:
    result = series[0].copy()
    for other in series[1:]:
        result = result.where(result.notna() & (result != ""), other.values)
    return result.replace("", pd.NA)


def _alias_map(registry: Registry, kind: str) -> dict[str, str]:
    aliases = registry.aliases[registry.aliases["kind"] == kind]
    if kind == "hf":  # Hub namespaces are case-sensitive
        return dict(zip(aliases["alias"], aliases["org_id"], strict=True))
    return dict(zip(aliases["alias"].str.lower(), aliases["org_id"], strict=True))


def _org_columns(registry: Registry, org_id: pd.Series) -> pd.DataFrame:
    orgs = registry.organisations.set_index("org_id")
    found = orgs.reindex(org_id.values)
    country = found["country"].replace(UNKNOWN_COUNTRY, pd.NA)
    return pd.DataFrame({"org_name": found["name"].values, "country": country.values,
                         "org_kind": found["kind"].values})


def _licence_columns(registry: Registry, label: pd.Series) -> pd.DataFrame:
    licences = _lookup(registry.licences, "label_key", label.fillna("").str.strip())
    return pd.DataFrame({"licence_class": licences["licence_class"].values,
                         "open_weights": licences["open_weights"].map(_yes_no).values})


def attribute_arena(models: pd.DataFrame, registry: Registry,
                    published: pd.DataFrame | None = None) -> pd.DataFrame:
    """``models`` has model_key, model_name, org_label, licence_label, url."""
    models = models.reset_index(drop=True)
    fact_rows = _lookup(registry.model_facts, "key", models["model_key"])
    by_name = _lookup(registry.model_facts, "key", models["model_name"])
    fact_rows = fact_rows.where(fact_rows["model_key"].notna(), by_name)
    meta = _lookup(registry.arena_models, "key", models["model_key"])
    meta_by_name = _lookup(registry.arena_models.assign(name_key=registry.arena_models[
        "display_name"].str.lower()), "name_key", models["model_name"])
    meta = meta.where(meta["model_key"].notna(), meta_by_name)
    if published is not None and not published.empty:
        pub = _lookup(published.assign(key=published["model_key"].str.lower()), "key",
                      models["model_key"])
    else:
        pub = pd.DataFrame({"org_label": [pd.NA] * len(models), "licence_label": pd.NA,
                            "url": pd.NA})
    org_label = _first(models["org_label"], meta["org_label"], pub["org_label"])
    licence_label = _first(models["licence_label"], meta["licence_label"], pub["licence_label"])
    url_hf = models["url"].map(hf_id_from_url) if "url" in models else pd.Series([None] * len(models))
    hf_id = _first(fact_rows["hf_id"], meta["hf_id"], url_hf, pub["url"].map(hf_id_from_url))
    arena_alias = _alias_map(registry, "arena")
    hf_alias = _alias_map(registry, "hf")
    from_label = org_label.str.lower().map(arena_alias)
    from_hub = hf_id.map(_hf_namespace).map(hf_alias)
    org_id = _first(fact_rows["org_id"], from_label, from_hub)
    licence = _licence_columns(registry, licence_label)
    fact_open = fact_rows["open_weights"].map(_yes_no)
    open_weights = fact_open.where(fact_open.notna(), licence["open_weights"])
    fact_class = fact_rows["licence_class"].replace("", pd.NA)
    licence_class = fact_class.where(fact_class.notna(), licence["licence_class"])
    how = pd.Series("labels", index=models.index).where(fact_rows["model_key"].isna(), "model fact")
    out = models.copy()
    out["org_id"] = org_id.values
    out = pd.concat([out, _org_columns(registry, out["org_id"])], axis=1)
    out["open_weights"] = open_weights.astype("boolean").values
    out["licence_class"] = licence_class.values
    out["hf_id"] = hf_id.values
    out["attribution"] = how.values
    out["display_name"] = meta["display_name"].replace("", pd.NA).values
    out["licence_label_used"] = licence_label.values
    out["org_label_used"] = org_label.values
    return out


def _fill_stated(models: pd.DataFrame, stated: pd.DataFrame | None) -> pd.DataFrame:
    """Fill what a row does not state from what other snapshots state for the same model."""
    if stated is None or stated.empty:
        return models
    other = stated.drop_duplicates("model_key").set_index("model_key").reindex(models["model_key"])
    filled = models.copy()
    for column in ("open_weights", "creator_country", "licence_label", "hf_id"):
        filled[column] = filled[column].astype(object).where(filled[column].notna(),
                                                             other[column].values)
    return filled


def attribute_index(models: pd.DataFrame, registry: Registry,
                    stated: pd.DataFrame | None = None) -> pd.DataFrame:
    """``models`` has model_key, model_name, creator, creator_slug, creator_country,
    open_weights, licence_label, hf_id (Artificial Analysis rows); ``stated`` the same facts
    from other snapshots, for rows (API responses) that omit them."""
    models = _fill_stated(models.reset_index(drop=True), stated)
    fact_rows = _lookup(registry.model_facts, "key", models["model_key"])
    aa_alias = _alias_map(registry, "aa")
    org_id = _first(fact_rows["org_id"], models["creator_slug"].str.lower().map(aa_alias),
                    models["hf_id"].map(_hf_namespace).map(_alias_map(registry, "hf")))
    out = models.copy()
    out["org_id"] = org_id.values
    orgs = _org_columns(registry, out["org_id"])
    orgs["country"] = _first(orgs["country"], models["creator_country"])
    orgs["org_name"] = _first(orgs["org_name"], models["creator"])
    out = pd.concat([out.drop(columns=["open_weights"]), orgs], axis=1)
    licence = _licence_columns(registry, models["licence_label"])
    fact_open = fact_rows["open_weights"].map(_yes_no)
    stated_open = models["open_weights"].astype("boolean")
    open_weights = fact_open.where(fact_open.notna(), stated_open).astype("boolean")
    out["open_weights"] = open_weights.values
    klass = _first(fact_rows["licence_class"], licence["licence_class"])
    closed = (open_weights == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    out["licence_class"] = klass.where(~closed, "proprietary").values
    out["attribution"] = "source fields"
    return out
