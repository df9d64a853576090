"""Attribute models to an organisation, a country and an open-weights status, from evidence.

Pure functions: a frame of distinct models in, the same frame with attribution columns out.
The layers, most trusted first (``LAYERS``): the registry's model facts (``model_facts.csv``);
the source's own labels (organisation, licence, Hugging Face link; for Artificial Analysis its
creator and open-weights flag; also what the same source published for the model in other
snapshots, and the labels kept in ``arena_models.csv``); the same model in another source
(``match:aa``, ``match:hub``, by the name rules of ``registry.evidence``); a Hub repository with
the model's weights (``hub``); family rules (organisation only).

Open weights need evidence. When layers disagree (a licence label says open, Artificial Analysis
says not: LMArena labels API-only Qwen models with the Qwen licence) the model is not open until
a registry row says otherwise, and ``conflict`` says who said what.
"""

from __future__ import annotations

import pandas as pd

from observatory.registry.evidence import Evidence, match
from observatory.registry.loader import Registry
from observatory.sources.base import hf_id_from_url

# Evidence layers, most trusted first. An organisation is taken from the first layer that names
# one; open weights need evidence (a family rule never makes a model open).
LAYERS = ("registry", "source-label", "match:aa", "hub", "match:hub", "family-rule")
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


def _family_org(registry: Registry, names: pd.Series) -> pd.Series:
    """The organisation of the first family whose pattern matches (organisation only: a family
    rule never says whether weights are open)."""
    found = pd.Series(pd.NA, index=names.index, dtype=object)
    lowered = names.fillna("").str.lower()
    for pattern, org_id in zip(registry.families["pattern"], registry.families["org_id"],
                               strict=True):
        if not org_id:
            continue
        hit = found.isna() & lowered.str.contains(pattern, regex=True)
        found[hit] = org_id
    return found


def _first_layer(candidates: list[tuple[str, pd.Series]]) -> tuple[pd.Series, pd.Series]:
    """Per row, the first layer with a value: (value, layer name)."""
    index = candidates[0][1].index
    value = pd.Series(pd.NA, index=index, dtype=object)
    layer = pd.Series(pd.NA, index=index, dtype=object)
    for name, series in candidates:
        take = value.isna() & series.notna() & (series.astype(object) != "")
        value[take] = series[take]
        layer[take] = name
    return value, layer


def _open_status(registry_open: pd.Series, layers: list[tuple[str, pd.Series, pd.Series]]
                 ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Open weights from evidence: a registry fact decides; otherwise every layer that says
    something is heard, and when one says open and another not, the model is not open and the
    conflict is listed. ``layers`` are (name, value, what it rests on)."""
    value, layer = _first_layer([("registry", registry_open)])
    conflict = pd.Series(pd.NA, index=value.index, dtype=object)
    for position in value.index[value.isna()]:
        said = [(name, bool(v[position]), why[position]) for name, v, why in layers
                if pd.notna(v[position])]
        if not said:
            continue
        verdicts = {v for _, v, _ in said}
        if len(verdicts) > 1:
            value[position] = False
            layer[position] = next(name for name, v, _ in said if not v)
            conflict[position] = "; ".join(
                f"{name} says {'open' if v else 'not open'}" + (f" ({why})" if pd.notna(why) else "")
                for name, v, why in said)
        else:
            value[position], layer[position] = said[0][1], said[0][0]
    return value, layer, conflict


def _joined(*layers: pd.Series) -> pd.Series:
    frame = pd.concat(layers, axis=1)
    return frame.apply(lambda row: "+".join(dict.fromkeys(v for v in row if pd.notna(v))) or pd.NA,
                       axis=1)


def attribute_arena(models: pd.DataFrame, registry: Registry,
                    evidence: Evidence | pd.DataFrame | None = None) -> pd.DataFrame:
    """``models`` has model_key, model_name, org_label, licence_label, url. Each row is
    attributed from the evidence layers in order (``LAYERS``); ``attribution`` names the layers
    used, ``conflict`` lists disagreeing open-weights evidence, ``refused`` ambiguous matches."""
    if evidence is None or isinstance(evidence, pd.DataFrame):
        evidence = Evidence(published=evidence)
    models = models.reset_index(drop=True)
    meta = _lookup(registry.arena_models, "key", models["model_key"])
    meta_by_name = _lookup(registry.arena_models.assign(name_key=registry.arena_models[
        "display_name"].str.lower()), "name_key", models["model_name"])
    meta = meta.where(meta["model_key"].notna(), meta_by_name)
    fact_rows = _lookup(registry.model_facts, "key", models["model_key"])
    # by the name, or by the key of the registry's labels found under that display name
    for other in (models["model_name"], meta["model_key"].fillna("")):
        fact_rows = fact_rows.where(fact_rows["model_key"].notna(),
                                    _lookup(registry.model_facts, "key", other))
    published = evidence.published
    if published is not None and not published.empty:
        pub = _lookup(published.assign(key=published["model_key"].str.lower()), "key",
                      models["model_key"])
    else:
        pub = pd.DataFrame({"org_label": [pd.NA] * len(models), "licence_label": pd.NA,
                            "url": pd.NA})
    org_label = _first(models["org_label"], meta["org_label"], pub["org_label"])
    licence_label = _first(models["licence_label"], meta["licence_label"], pub["licence_label"])
    url_hf = models["url"].map(hf_id_from_url) if "url" in models else pd.Series([None] * len(models))
    label_hf = _first(meta["hf_id"], url_hf, pub["url"].map(hf_id_from_url))
    hf_alias = _alias_map(registry, "hf")
    label_org = _first(org_label.str.lower().map(_alias_map(registry, "arena")),
                       label_hf.map(_hf_namespace).map(hf_alias))
    names = models[["model_key", "model_name"]]
    aa = match(names, evidence.aa)
    hub_match = match(names, evidence.hub)
    stated_hf = _first(fact_rows["hf_id"], label_hf, aa["hf_id"])  # a repository some source names
    on_hub = stated_hf.fillna("").str.lower().isin(evidence.hub_ids)
    hub_org = stated_hf.where(on_hub).map(_hf_namespace).map(hf_alias)
    hf_id = _first(stated_hf, hub_match["hf_id"])
    org_id, org_layer = _first_layer([
        ("registry", fact_rows["org_id"]), ("source-label", label_org), ("match:aa", aa["org_id"]),
        ("hub", hub_org), ("match:hub", hub_match["org_id"]),
        ("family-rule", _family_org(registry, models["model_key"]))])
    licence = _licence_columns(registry, licence_label)
    open_weights, open_layer, conflict = _open_status(fact_rows["open_weights"].map(_yes_no), [
        ("source-label", licence["open_weights"], "licence " + licence_label.astype(str)),
        ("match:aa", aa["open_weights"], aa["label"]),
        ("hub", on_hub.where(on_hub, pd.NA), stated_hf),
        ("match:hub", hub_match["open_weights"].where(hub_match["rule"] == "exact"),
         hub_match["label"])])
    aa_class = _licence_columns(registry, aa["licence_label"])["licence_class"]
    known = [c.replace("unknown", pd.NA) for c in (licence["licence_class"], aa_class)]
    licence_class = _first(fact_rows["licence_class"], *known, licence["licence_class"])
    closed = (open_weights == False) & conflict.notna()  # noqa: E712
    licence_class = licence_class.where(~closed, "proprietary")
    needed = org_id.isna() | open_weights.isna() | ~org_layer.isin(["registry", "source-label"])
    refused = _first(aa["refused"], hub_match["refused"]).where(needed)
    out = models.copy()
    out["org_id"] = org_id.values
    out = pd.concat([out, _org_columns(registry, out["org_id"])], axis=1)
    out["open_weights"] = open_weights.astype("boolean").values
    out["licence_class"] = licence_class.values
    out["hf_id"] = hf_id.values
    out["attribution"] = _joined(org_layer, open_layer).values
    out["conflict"] = conflict.values
    out["refused"] = refused.values
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
    stated_org = _first(models["creator_slug"].str.lower().map(aa_alias),
                        models["hf_id"].map(_hf_namespace).map(_alias_map(registry, "hf")))
    org_id, org_layer = _first_layer([
        ("registry", fact_rows["org_id"]), ("source-label", stated_org),
        ("family-rule", _family_org(registry, models["model_key"]))])
    out = models.copy()
    out["org_id"] = org_id.values
    orgs = _org_columns(registry, out["org_id"])
    orgs["country"] = _first(orgs["country"], models["creator_country"])
    orgs["org_name"] = _first(orgs["org_name"], models["creator"])
    out = pd.concat([out.drop(columns=["open_weights"]), orgs], axis=1)
    licence = _licence_columns(registry, models["licence_label"])
    fact_open = fact_rows["open_weights"].map(_yes_no)
    stated_open = models["open_weights"].astype("boolean")
    open_weights, open_layer = _first_layer([("registry", fact_open), ("source-label", stated_open)])
    open_weights = open_weights.astype("boolean")
    out["open_weights"] = open_weights.values
    klass = _first(fact_rows["licence_class"], licence["licence_class"])
    closed = (open_weights == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    out["licence_class"] = klass.where(~closed, "proprietary").values
    labelled = orgs["country"].notna() & org_layer.isna()  # a creator only AA knows
    out["attribution"] = _joined(org_layer.where(~labelled, "source-label"), open_layer).values
    out["conflict"] = pd.NA
    out["refused"] = pd.NA
    return out
