"""Hugging Face Open LLM Leaderboard CSVs (fboulnois/llm-leaderboard-csv) as ``hub_models`` rows.

The leaderboard copied each evaluated model's Hub metadata (likes, licence, parameters, declared
base model) into its table, so a dated file is a small Hub snapshot. Three layouts, one format
each (the name is what ``--format`` takes and what the ``source`` column says):

- ``open-llm-v1``: the retired v1 leaderboard (``huggingface_v1_2024-07-07.csv``):
  ``t,model,...,merged,hub_license,params_b,hub_hearts,...,moe,date,fullname,url``.
- ``open-llm-v2``: the v2 leaderboard's first export (2024-07 and 2024-09): the same shape with
  ``not_merged`` and ``upload_to_hub_date``; ``generation,base_model`` appear from 2024-09.
- ``open-llm-v2-flat``: the v2 leaderboard's flattened export (2024-12 onwards):
  ``id,model_name,...,features_is_merged,...,metadata_upload_date,...,metadata_base_model,
  metadata_hub_license,metadata_hub_hearts,metadata_params_billions,...``.

One row per model: ``model_id`` is the Hub id (``fullname`` / ``model_name``; ``id`` in the flat
files is ``<id>_<precision>_<sha>_<flag>``), ``likes`` the hub hearts, ``params_total`` the
parameter count in billions x 1e9 (0 means unknown and becomes null), ``licence`` the hub licence,
``created_at`` the upload date (the v1 ``date`` column is the submission time, so v1 rows have none).
``base_models`` is the declared base unless it is the model itself or the placeholder ``Removed``;
``base_relation`` is the leaderboard's own classification: ``merge`` when it flags the model as a
merge, else ``finetune`` when a base is declared. Everything else is null.

Quirks of the older layouts: the v1 ``merged`` column (and ``moe``, ``flagged`` in both older
layouts) holds the *negation* of its name, as the leaderboard used them as "hide" filters (the
"base merges and moerges" type is mostly ``merged=FALSE``), so a v1 merge is ``merged=FALSE``;
``not_merged`` means what it says.

The leaderboard lists a model once per evaluation (precision, revision, chat template), so a file
holds duplicates: the row with the most likes is kept (the first in file order on a tie), and
``notes`` says how many were dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from observatory.errors import InputError
from observatory.schema import HUB_MODELS
from observatory.sources.base import (
    Parsed,
    csv_rows,
    date_from_name,
    opt_bool,
    opt_float,
    opt_int,
    opt_str,
    parse_date,
)

V1 = "open-llm-v1"
V2 = "open-llm-v2"
FLAT = "open-llm-v2-flat"
PLACEHOLDER_BASES = {"Removed"}
ARENA_COLUMNS = {"key", "arena_score", "95_pct_ci"}  # the LMArena join file is not a leaderboard
NULLS: dict[str, Any] = {name: None for name in HUB_MODELS.names if name != "snapshot_id"}


@dataclass(frozen=True)
class Layout:
    format: str
    model: str
    hearts: str
    params: str
    licence: str
    merged: str
    merge_value: bool  # the value of ``merged`` that marks a merge
    base: str | None
    upload: str | None

    def required(self) -> list[str]:
        optional = {self.base} if self.format == V2 else set()  # base_model only from 2024-09
        columns = [self.model, self.hearts, self.params, self.licence, self.merged, self.base,
                   self.upload]
        return [c for c in columns if c is not None and c not in optional]


LAYOUTS = {
    V1: Layout(V1, "fullname", "hub_hearts", "params_b", "hub_license", "merged", False,
               None, None),
    V2: Layout(V2, "fullname", "hub_hearts", "params_b", "hub_license", "not_merged", False,
               "base_model", "upload_to_hub_date"),
    FLAT: Layout(FLAT, "model_name", "metadata_hub_hearts", "metadata_params_billions",
                 "metadata_hub_license", "features_is_merged", True, "metadata_base_model",
                 "metadata_upload_date"),
}


def signature(fmt: str) -> set[str]:
    return set(LAYOUTS[fmt].required())


def sniff(header: list[str]) -> str | None:
    """The layout a header has, or None."""
    present = set(header)
    if present & ARENA_COLUMNS:
        return None
    if {"fullname", "merged"} <= present:
        return V1
    if {"fullname", "not_merged"} <= present:
        return V2
    if {"model_name", "features_is_merged"} <= present:
        return FLAT
    return None


def _created(path: Path, value: str | None, row: int, name: str) -> datetime | None:
    if not value or not value.strip():
        return None
    day = parse_date(path, value, row, name)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _row(path: Path, layout: Layout, when: date, number: int,
         record: dict[str, str]) -> tuple[dict[str, Any], bool]:
    """One CSV row -> (hub_models row, whether the declared base was a placeholder)."""
    model_id = opt_str(record[layout.model])
    if model_id is None:
        raise InputError(path, "model id is empty", row=number, field=layout.model)
    base = opt_str(record.get(layout.base)) if layout.base else None
    placeholder = base in PLACEHOLDER_BASES
    bases = [base] if base and base != model_id and not placeholder else []
    merged = opt_bool(path, record[layout.merged], number, layout.merged) == layout.merge_value
    params = opt_float(path, record[layout.params], number, layout.params)
    row = {
        **NULLS, "source": layout.format, "snapshot_date": when, "model_id": model_id,
        "likes": opt_int(path, record[layout.hearts], number, layout.hearts),
        "params_total": round(params * 1e9) if params and params > 0 else None,
        "licence": opt_str(record[layout.licence]),
        "created_at": _created(path, record.get(layout.upload) if layout.upload else None,
                               number, layout.upload or ""),
        "tags": [], "base_models": bases,
        "base_relation": "merge" if merged else ("finetune" if bases else None),
    }
    return row, placeholder


def _likes(row: dict[str, Any]) -> int:
    return -1 if row["likes"] is None else int(row["likes"])


def parse(path: Path, raw: bytes, snapshot_date: date | None, fmt: str) -> Parsed:
    layout = LAYOUTS[fmt]
    when = snapshot_date or date_from_name(path)
    kept: dict[str, dict[str, Any]] = {}
    total = placeholders = 0
    for number, record in csv_rows(path, raw, layout.required()):
        row, placeholder = _row(path, layout, when, number, record)
        total += 1
        placeholders += placeholder
        current = kept.get(row["model_id"])
        if current is None or _likes(row) > _likes(current):
            kept[row["model_id"]] = row
    if not kept:
        raise InputError(path, "no data rows after the header")
    notes = {"rows": total, "duplicates_dropped": total - len(kept),
             "placeholder_bases": placeholders}
    return Parsed(path, fmt, when, {"hub_models": list(kept.values())}, raw, notes=notes)


def parse_v1(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    return parse(path, raw, snapshot_date, V1)


def parse_v2(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    return parse(path, raw, snapshot_date, V2)


def parse_flat(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    return parse(path, raw, snapshot_date, FLAT)
