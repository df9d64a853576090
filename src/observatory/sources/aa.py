"""Artificial Analysis model data: the page payload ``llms.json``, the flattened daily CSV, and
the public API v2 response (``/data/llms/models``).

Index values are only comparable within one index version: AA re-weights the index between
versions (v4.0, recalibrated in January 2026, per ../shared/data/artificial-analysis-daily/SOURCE.md).
Rows carry the version so metrics never mix them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError
from observatory.sources.base import (
    Parsed,
    csv_rows,
    date_from_name,
    hf_id_from_url,
    load_json,
    obj,
    opt_bool,
    opt_float,
    opt_str,
    parse_date,
)

PAGE_FORMAT = "aa-llms-json"
CSV_FORMAT = "aa-compact-csv"
API_FORMAT = "aa-api-json"
INDEX_FIELDS = {
    "intelligence": "artificial_analysis_intelligence_index",
    "coding": "artificial_analysis_coding_index",
    "agentic": "artificial_analysis_agentic_index",
}
CSV_INDEX_COLUMNS = {"intelligence": "intelligence_index", "coding": "coding_index",
                     "agentic": "agentic_index"}
CSV_REQUIRED = ["snapshot_date", "slug", "name", "creator_name", "creator_slug",
                "creator_country", "is_open_weights", "license_name", "huggingface_url",
                "intelligence_index", "intelligence_index_is_estimated"]
V4_FROM = date(2026, 1, 1)


def index_version(snapshot_date: date) -> str:
    """The AA index version in force on a date (v4.0 from January 2026)."""
    return "v4" if snapshot_date >= V4_FROM else "pre-v4"


def sniff_page(data: Any) -> bool:
    """``{meta, models}`` whose models are AA's (creator, evaluations): other publications
    share the outer shape (the daily Arena boards carry ``{meta, models}`` too)."""
    if not (isinstance(data, dict) and isinstance(data.get("models"), list) and "meta" in data):
        return False
    first = next((m for m in data["models"] if isinstance(m, dict)), None)
    return first is None or "evaluations" in first or "creator" in first


def sniff_api(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("data"), list)
        and bool(data["data"])
        and isinstance(data["data"][0], dict)
        and "model_creator" in data["data"][0]
    )


def sniff_csv(header: list[str]) -> bool:
    return "snapshot_date" in header and "creator_slug" in header


def csv_signature() -> set[str]:
    return set(CSV_REQUIRED)


def _index_rows(base: dict[str, Any], values: dict[str, float | None],
                estimated: bool | None) -> list[dict[str, Any]]:
    rows = []
    for name, value in values.items():
        if value is None:
            continue
        rows.append({**base, "index_name": name, "value": value,
                     "is_estimated": estimated if name == "intelligence" else None})
    return rows


def _model_rows(path: Path, model: Any, when: date, where: str, creator_key: str,
                version: str | None = None) -> list[dict[str, Any]]:
    model = obj(path, model, where)
    slug = opt_str(model.get("slug")) or opt_str(model.get("id"))
    if slug is None:
        raise InputError(path, "model has neither 'slug' nor 'id'", field=where)
    creator = obj(path, model.get(creator_key), f"{where}.{creator_key}")
    evaluations = obj(path, model.get("evaluations"), f"{where}.evaluations")
    capabilities = obj(path, model.get("capabilities"), f"{where}.capabilities")
    weights = obj(path, model.get("open_weights"), f"{where}.open_weights")
    release = opt_str(model.get("release_date"))
    country = opt_str(creator.get("country"))
    base = {
        "source": PAGE_FORMAT if creator_key == "creator" else API_FORMAT,
        "snapshot_date": when,
        "model_key": slug,
        "model_name": opt_str(model.get("name")) or slug,
        "index_version": version or index_version(when),
        "creator": opt_str(creator.get("name")),
        "creator_slug": opt_str(creator.get("slug")),
        "creator_country": country.upper() if country else None,
        "open_weights": opt_bool(path, weights.get("is_open_weights"), None,
                                 f"{where}.open_weights.is_open_weights"),
        "licence_label": opt_str(weights.get("license_name")),
        "hf_id": hf_id_from_url(opt_str(weights.get("huggingface_url"))),
        "params_total_b": opt_float(path, capabilities.get("total_parameters"), None,
                                    f"{where}.capabilities.total_parameters"),
        "params_active_b": opt_float(path, capabilities.get("active_parameters"), None,
                                     f"{where}.capabilities.active_parameters"),
        "release_date": parse_date(path, release, None, f"{where}.release_date")
        if release else None,
        "reasoning": opt_bool(path, model.get("reasoning_model"), None,
                              f"{where}.reasoning_model"),
    }
    values = {
        name: opt_float(path, evaluations.get(key), None, f"{where}.evaluations.{key}")
        for name, key in INDEX_FIELDS.items()
    }
    estimated = opt_bool(path, evaluations.get("artificial_analysis_intelligence_index_is_estimated"),
                         None, f"{where}.evaluations")
    return _index_rows(base, values, estimated)


def _require_values(path: Path, rows: list[dict[str, Any]]) -> None:
    if not rows:
        raise InputError(path, "no model has an index value; nothing to import")


def parse_page(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    if not sniff_page(data):
        raise InputError(path, "not an Artificial Analysis llms.json ({meta, models: [...]})")
    fetched = opt_str(obj(path, data.get("meta"), "meta").get("fetched_at"))
    when = snapshot_date or (parse_date(path, fetched, None, "meta.fetched_at") if fetched
                             else date_from_name(path))
    rows = []
    for index, model in enumerate(data["models"]):
        rows.extend(_model_rows(path, model, when, f"models[{index}]", "creator"))
    _require_values(path, rows)
    return Parsed(path, PAGE_FORMAT, when, {"index_scores": rows}, raw,
                  notes={"models": len(data["models"])})


def parse_api(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    if not sniff_api(data):
        raise InputError(path, "not an Artificial Analysis API response ({data: [...]})")
    when = snapshot_date or date_from_name(path)
    # The newer API states the index version; otherwise it follows from the date.
    version = opt_str(data.get("intelligence_index_version"))
    rows = []
    for index, model in enumerate(data["data"]):
        rows.extend(_model_rows(path, model, when, f"data[{index}]", "model_creator", version))
    _require_values(path, rows)
    return Parsed(path, API_FORMAT, when, {"index_scores": rows}, raw,
                  notes={"models": len(data["data"])})


def parse_csv(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    rows = []
    for number, record in csv_rows(path, raw, CSV_REQUIRED):
        when = parse_date(path, record["snapshot_date"], number, "snapshot_date")
        country = opt_str(record["creator_country"])
        release = opt_str(record.get("release_date"))
        base = {
            "source": CSV_FORMAT,
            "snapshot_date": when,
            "model_key": opt_str(record["slug"]) or opt_str(record.get("id")),
            "model_name": opt_str(record["name"]),
            "index_version": index_version(when),
            "creator": opt_str(record["creator_name"]),
            "creator_slug": opt_str(record["creator_slug"]),
            "creator_country": country.upper() if country else None,
            "open_weights": opt_bool(path, record["is_open_weights"], number, "is_open_weights"),
            "licence_label": opt_str(record["license_name"]),
            "hf_id": hf_id_from_url(opt_str(record["huggingface_url"])),
            "params_total_b": opt_float(path, record.get("total_parameters_b"), number,
                                        "total_parameters_b"),
            "params_active_b": opt_float(path, record.get("active_parameters_b"), number,
                                         "active_parameters_b"),
            "release_date": parse_date(path, release, number, "release_date") if release else None,
            "reasoning": opt_bool(path, record.get("reasoning_model"), number, "reasoning_model"),
        }
        if base["model_key"] is None:
            raise InputError(path, "value is missing", row=number, field="slug")
        values = {
            name: opt_float(path, record.get(column), number, column)
            for name, column in CSV_INDEX_COLUMNS.items()
        }
        estimated = opt_bool(path, record["intelligence_index_is_estimated"], number,
                             "intelligence_index_is_estimated")
        rows.extend(_index_rows(base, values, estimated))
    if not rows:
        raise InputError(path, "no data rows with an index value")
    when = snapshot_date or max(r["snapshot_date"] for r in rows)
    return Parsed(path, CSV_FORMAT, when, {"index_scores": rows}, raw)
