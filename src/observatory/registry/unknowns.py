"""Every model in the store with its attribution; the ones that could not be attributed are
counted and listed (``unknowns``), never silently dropped, and the ones attributed by inference
are listed for review (``review``)."""

from __future__ import annotations

import dataclasses

import ibis
import pandas as pd

from observatory.errors import InputError
from observatory.registry.attribute import attribute_arena, attribute_index
from observatory.registry.boards import gather_evidence, stated_index_facts
from observatory.registry.loader import Registry

COLUMNS = ["table", "source", "model_key", "model_name", "label", "missing", "rows",
           "first_date", "last_date"]
ATTRIBUTED = ["org_id", "country", "open_weights", "licence_class", "hf_id", "attribution",
              "conflict", "refused"]


def _arena(con: ibis.BaseBackend, registry: Registry,
           unlabelled: frozenset[str] = frozenset()) -> pd.DataFrame:
    table = con.table("board_entries")
    models = (
        table.group_by(["source", "model_key", "model_name", "org_label", "licence_label"])
        .agg(rows=table.count(), first_date=table.snapshot_date.min(),
             last_date=table.snapshot_date.max(), url=table.url.max())
        .to_pandas()
    )
    if models.empty:
        return pd.DataFrame(columns=COLUMNS)
    evidence = gather_evidence(con, registry)
    if unlabelled:  # as a board that lists only keys would show these models
        blind = models["model_key"].str.lower().isin(unlabelled)
        models.loc[blind, ["org_label", "licence_label", "url"]] = None
        published = evidence.published
        evidence = dataclasses.replace(evidence, published=published[
            ~published["model_key"].str.lower().isin(unlabelled)])
    out = attribute_arena(models, registry, evidence)
    out["table"] = "board_entries"
    out["label"] = out["org_label_used"].fillna("") + " | " + out["licence_label_used"].fillna("")
    return out


def _index(con: ibis.BaseBackend, registry: Registry) -> pd.DataFrame:
    table = con.table("index_scores")
    models = (
        table.group_by(["source", "model_key", "model_name", "creator", "creator_slug",
                        "creator_country", "open_weights", "licence_label", "hf_id"])
        .agg(rows=table.count(), first_date=table.snapshot_date.min(),
             last_date=table.snapshot_date.max())
        .to_pandas()
    )
    if models.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = attribute_index(models, registry, stated_index_facts(con))
    out["table"] = "index_scores"
    out["label"] = out["creator_slug"].fillna("") + " | " + out["licence_label"].fillna("")
    return out


def attributed_models(con: ibis.BaseBackend, registry: Registry,
                      unlabelled: frozenset[str] = frozenset()) -> pd.DataFrame:
    """One row per (table, source, model, labels) with its attribution and evidence;
    ``unlabelled`` board models (lower-case keys) are attributed as if their boards gave no
    labels (as arena-catalog boards list only keys), for measuring the other layers."""
    frames = [frame for frame in (_arena(con, registry, unlabelled), _index(con, registry))
              if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=[*COLUMNS, *ATTRIBUTED])
    return pd.concat(frames, ignore_index=True)


def _missing(frame: pd.DataFrame) -> pd.Series:
    gaps = pd.DataFrame({"organisation": frame["org_id"].isna(), "country": frame["country"].isna(),
                         "open_weights": frame["open_weights"].isna()})
    return gaps.apply(lambda row: ", ".join(name for name, gap in row.items() if gap), axis=1)


def _grouped(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    return frame.groupby(keys, as_index=False, dropna=False).agg(
        source=("source", lambda s: ",".join(sorted(set(s)))), label=("label", "first"),
        rows=("rows", "sum"), first_date=("first_date", "min"),
        last_date=("last_date", "max"))[columns]


def unknowns(con: ibis.BaseBackend, registry: Registry) -> pd.DataFrame:
    """One row per (source, model) lacking an organisation, a country or an open/closed status."""
    frame = attributed_models(con, registry)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = frame.assign(missing=_missing(frame))
    frame = frame[frame["missing"] != ""]
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    grouped = _grouped(frame, ["table", "model_key", "model_name", "missing"], COLUMNS)
    return grouped.sort_values(["table", "rows"], ascending=[True, False]).reset_index(drop=True)


INFERRED = ("match:", "hub", "family-rule")
REVIEW_COLUMNS = ["table", "model_key", "model_name", "org_id", "country", "open_weights",
                  "licence_class", "hf_id", "attribution", "conflict", "refused", "source",
                  "rows", "last_date"]


def review(con: ibis.BaseBackend, registry: Registry, everything: bool = False) -> pd.DataFrame:
    """Models attributed without a registry row: by inference (a match in another source, the
    Hub, a family rule), with a conflict, or with a refused match; ``everything`` adds the ones
    attributed from their source's own labels."""
    frame = attributed_models(con, registry)
    if frame.empty:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    layers = frame["attribution"].fillna("")
    automatic = layers != "registry"  # anything the registry did not settle alone
    inferred = layers.map(lambda text: any(part in text for part in INFERRED))
    flagged = frame["conflict"].notna() | frame["refused"].notna()
    chosen = frame[automatic & (layers != "") & (inferred | flagged | everything)]
    chosen = chosen.astype({"conflict": object, "refused": object, "hf_id": object})
    keys = ["table", "model_key", "model_name", "org_id", "country", "open_weights",
            "licence_class", "hf_id", "attribution", "conflict", "refused"]
    grouped = _grouped(chosen, keys, REVIEW_COLUMNS)
    return grouped.sort_values(["table", "rows"], ascending=[True, False]).reset_index(drop=True)


FACT_COLUMNS = ["model_key", "org_id", "open_weights", "licence_class", "hf_id", "reason"]


def _yes_no(value: object) -> str:
    return "unknown" if pd.isna(value) else "yes" if bool(value) else "no"


def facts_to_accept(reviewed: pd.DataFrame, models: list[str], today: str) -> list[dict[str, str]]:
    """``model_facts.csv`` rows for ``models`` (case-insensitive keys) from their reviewed
    attribution; each row's reason names the evidence and the day it was accepted."""
    rows = []
    keys = reviewed["model_key"].str.lower()
    for model in models:
        found = reviewed[keys == model.lower()].drop_duplicates(
            ["org_id", "open_weights", "licence_class"])
        if found.empty:
            raise InputError("registry accept", f"{model!r} is not among the models to review "
                                                "(see `observatory registry review --all`)")
        if len(found) > 1:
            raise InputError("registry accept", f"{model!r} is attributed differently in "
                                                f"different rows: {_listed(found)}; add it by hand")
        row = found.iloc[0]
        if pd.isna(row["org_id"]):
            raise InputError("registry accept", f"{model!r} has no organisation to accept; "
                                                "add it by hand")
        reason = f"accepted {today} from evidence: {row['attribution']}"
        if pd.notna(row["conflict"]):
            reason += f"; conflict: {row['conflict']}"
        rows.append({"model_key": str(row["model_key"]), "org_id": str(row["org_id"]),
                     "open_weights": _yes_no(row["open_weights"]),
                     "licence_class": "" if pd.isna(row["licence_class"]) else str(row["licence_class"]),
                     "hf_id": "" if pd.isna(row["hf_id"]) else str(row["hf_id"]), "reason": reason})
    return rows


def _listed(found: pd.DataFrame) -> str:
    return "; ".join(f"{r.org_id} / open {_yes_no(r.open_weights)} ({r.attribution})"
                     for r in found.itertuples())
