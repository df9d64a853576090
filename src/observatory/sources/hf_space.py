"""The LMArena Hugging Face Space's own files.

- ``leaderboard_table_YYYYMMDD.csv``, two eras: 2023 files carry ``Arena Elo rating`` (no key, no
  organisation); later files carry ``key`` and ``Organization`` but no rating. Both give the
  model metadata (licence, link); the 2023 ratings also become board entries (no interval).
- ``elo_data_max_by_category.json``: ``[{date, category, max_elo, max_model}]``, the top rating per
  category per release.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError
from observatory.sources.base import (
    Parsed,
    csv_header,
    csv_rows,
    date_from_name,
    load_json,
    opt_float,
    opt_str,
    parse_date,
    req_float,
)

TABLE_FORMAT = "hf-space-table"
MAXIMA_FORMAT = "hf-space-elo-max"
TABLE_REQUIRED = ["Model", "MT-bench (score)", "MMLU", "License", "Link"]
SCATTER_FORMAT = "arena-scatterplot"
MAXIMA_FIELDS = ("date", "category", "max_elo", "max_model")
BOARDS = ("text", "vision", "image")


def sniff_table(header: list[str]) -> bool:
    return "Model" in header and "MT-bench (score)" in header


def table_signature() -> set[str]:
    return {*TABLE_REQUIRED, "key", "Organization"}


def parse_table(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    when = snapshot_date or date_from_name(path)
    header = csv_header(path, raw)
    keyed = "key" in header
    required = [*TABLE_REQUIRED, "Organization", "key"] if keyed else TABLE_REQUIRED
    models, entries = [], []
    for number, record in csv_rows(path, raw, required):
        name = opt_str(record["Model"])
        if name is None:
            raise InputError(path, "model name is empty", row=number, field="Model")
        key = opt_str(record.get("key")) or name
        meta = {
            "source": TABLE_FORMAT,
            "snapshot_date": when,
            "model_key": key,
            "model_name": name,
            "org_label": opt_str(record.get("Organization")),
            "licence_label": opt_str(record["License"]),
            "url": opt_str(record["Link"]),
            "knowledge_cutoff": opt_str(record.get("Knowledge cutoff date")),
        }
        models.append(meta)
        rating = opt_float(path, record.get("Arena Elo rating"), number, "Arena Elo rating")
        if rating is not None:
            entries.append(
                {
                    **{k: meta[k] for k in ("source", "snapshot_date", "model_key", "model_name",
                                            "org_label", "licence_label", "url")},
                    "board": "text",
                    "category": "full",
                    "style_control": False,
                    "rating": rating,
                    "ci_low": None,
                    "ci_high": None,
                    "votes": None,
                    "rank": None,
                    "rank_style": None,
                }
            )
    if not models:
        raise InputError(path, "no data rows after the header")
    tables = {"board_models": models}
    if entries:
        tables["board_entries"] = entries
    return Parsed(path, TABLE_FORMAT, when, tables, raw)


def sniff_maxima(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "max_elo" in data[0]
    )


def split_category(label: str) -> tuple[str, str, bool]:
    """``text_hard_6_style_control`` -> ("text", "hard_6", True)."""
    board, _, rest = label.partition("_")
    if board not in BOARDS or not rest:
        return "text", label, False
    style_control = rest.endswith("_style_control")
    return board, rest.removesuffix("_style_control"), style_control


def parse_maxima(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    if not isinstance(data, list):
        raise InputError(path, "expected a JSON list of {date, category, max_elo, max_model}")
    rows = []
    for index, record in enumerate(data):
        row = index + 1
        if not isinstance(record, dict):
            raise InputError(path, "expected an object", row=row)
        for name in MAXIMA_FIELDS:
            if name not in record:
                raise InputError(path, "field is missing", row=row, field=name)
        board, category, style_control = split_category(str(record["category"]))
        rows.append(
            {
                "source": MAXIMA_FORMAT,
                "snapshot_date": parse_date(path, str(record["date"]), row, "date"),
                "board": board,
                "category": category,
                "style_control": style_control,
                "max_rating": req_float(path, record["max_elo"], row, "max_elo"),
                "model_key": opt_str(record["max_model"]),
            }
        )
    if not rows:
        raise InputError(path, "no records")
    when = snapshot_date or max(r["snapshot_date"] for r in rows)
    return Parsed(path, MAXIMA_FORMAT, when, {"board_maxima": rows}, raw)


def sniff_scatterplot(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "model_api_name" in data[0]
    )


def parse_scatterplot(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    """arena-catalog ``scatterplot-data.json``: LMArena's own key -> organisation, licence map."""
    data = load_json(path, raw)
    if not sniff_scatterplot(data):
        raise InputError(path, "expected a JSON list of {name, model_api_name, organization, ...}")
    when = snapshot_date or date_from_name(path)
    rows = []
    for index, record in enumerate(data):
        if not isinstance(record, dict):
            raise InputError(path, "expected an object", row=index + 1)
        key = opt_str(record.get("model_api_name"))
        if key is None:
            raise InputError(path, "value is missing", row=index + 1, field="model_api_name")
        rows.append(
            {
                "source": SCATTER_FORMAT,
                "snapshot_date": when,
                "model_key": key,
                "model_name": opt_str(record.get("name")) or key,
                "org_label": opt_str(record.get("organization")),
                "licence_label": opt_str(record.get("license")),
                "url": opt_str(record.get("model_source")),
                "knowledge_cutoff": None,
            }
        )
    return Parsed(path, SCATTER_FORMAT, when, {"board_models": rows}, raw)
