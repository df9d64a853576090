"""How well attribution keeps up with models the registry does not name, measured by hiding.

Hide the registry's model rows (``model_facts.csv`` and ``arena_models.csv``) for a random share
of the models it names, attribute every board and index model again, and compare the hidden
models' organisation, country and open-weights status with what the full registry says. Pure:
a registry and tables in, tables out; ``benchmarks/bench_attribution.py`` runs it on the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from observatory.registry.loader import Registry

FACTS = ["org_id", "country", "open_weights"]
# (registry, hidden keys) -> model_key + FACTS + attribution; the hidden keys let a caller also
# hide what else it wants hidden (the boards' own labels of those models)
Attribute = Callable[[Registry, set[str]], pd.DataFrame]


def named_models(registry: Registry) -> list[str]:
    """Lower-case keys of every model the registry names, sorted."""
    keys = set(registry.model_facts["key"]) | set(registry.arena_models["key"])
    return sorted(k for k in keys if k)


def hide(registry: Registry, keys: set[str]) -> Registry:
    """The registry without its model rows for ``keys`` (lower case)."""
    return dataclasses.replace(
        registry,
        model_facts=registry.model_facts[~registry.model_facts["key"].isin(keys)],
        arena_models=registry.arena_models[~registry.arena_models["key"].isin(keys)])


def _per_model(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per model key: its facts when every row of it agrees, else missing."""
    frame = frame.assign(key=frame["model_key"].str.lower())
    facts = frame[["key", *FACTS, "attribution"]].astype(object)
    facts = facts.where(facts.notna(), None)
    return facts.groupby("key").agg(
        lambda values: values.iloc[0] if len(set(values)) == 1 else None)


def score(truth: pd.DataFrame, guess: pd.DataFrame, hidden: set[str]) -> pd.DataFrame:
    """Per hidden model on the boards: whether the automatic layers attributed it (all three
    facts known), with which layers, and whether each fact is right."""
    truth, guess = _per_model(truth), _per_model(guess)
    keys = sorted(hidden & set(truth.index))
    truth, guess = truth.reindex(keys), guess.reindex(keys)
    out = pd.DataFrame({"model_key": keys, "layers": guess["attribution"].values})
    out["attributed"] = guess[FACTS].notna().all(axis=1).values
    for fact in FACTS:
        out[f"{fact}_right"] = (guess[fact].astype(str) == truth[fact].astype(str)).values
    out["right"] = out[[f"{f}_right" for f in FACTS]].all(axis=1)
    return out


def run(registry: Registry, attribute: Attribute, seeds: list[int],
        share: float = 1 / 3) -> pd.DataFrame:
    """Scores of every seed, stacked (column ``seed``)."""
    truth = attribute(registry, set())
    names = named_models(registry)
    frames = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        hidden = set(rng.choice(names, size=round(len(names) * share), replace=False))
        scored = score(truth, attribute(hide(registry, hidden), hidden), hidden)
        frames.append(scored.assign(seed=seed))
    return pd.concat(frames, ignore_index=True)


def summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Per evidence layer (and in all): hidden models, attributed, right among attributed."""
    rows = []
    attributed = scored[scored["attributed"]]
    groups = [("all", scored, attributed)] + [
        (layer, scored[scored["layers"] == layer], part)
        for layer, part in attributed.groupby("layers")]
    for layer, every, done in groups:
        rows.append({"layers": layer, "models": len(every), "attributed": len(done),
                     **{f"{fact}_right": int(done[f"{fact}_right"].sum()) for fact in FACTS},
                     "right": int(done["right"].sum())})
    table = pd.DataFrame(rows)
    table["attributed_share"] = table["attributed"] / table["models"].where(table["models"] > 0)
    table["right_share"] = table["right"] / table["attributed"].where(table["attributed"] > 0)
    return table
