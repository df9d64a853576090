"""Model-tree CSVs (hamidahoderinwale/model_metadata_analyses) as ``hub_models`` rows.

Each file is one base model's fine-tune/adapter tree as a crawler walked it through the Hub API:
``model_id,metadata,depth,children,children_count[,card,adapters,adapters_count]``, where
``metadata`` is a huggingface_hub ``ModelInfo`` serialised as a JSON object (see
``hub_records``). The crawl date is in the file name. The tree's own ``depth`` and child ids are
kept in ``extra`` (``tree_depth``, ``tree_children``); lineage reads ``base_models``. Records that
carry fingerprint facts (the listing ``config`` with its nested ``tokenizer_config``, ``gguf``,
``safetensors``) also give a ``hub_configs`` row (see ``hub_fingerprint``).

A row whose metadata is not a JSON object, or has no model id, is skipped and counted in
``notes["malformed"]`` by reason; field-level problems are in ``notes["issues"]``; a model
listed twice keeps its first row. A file in
which every row is malformed is bad input. Cells are large (whole model cards), so the csv
field limit is raised while the file is read and restored afterwards.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError
from observatory.sources.base import Parsed, csv_rows, date_from_name, hf_id_from_url, opt_int
from observatory.sources.hub_fingerprint import config_row
from observatory.sources.hub_records import Issues, MalformedRecord, to_row

FORMAT = "hf-model-tree"
REQUIRED = ["model_id", "metadata"]
FIELD_LIMIT = 2**31 - 1


def signature() -> set[str]:
    return {"model_id", "metadata", "depth", "children"}


def sniff(header: list[str]) -> bool:
    return {"model_id", "metadata"} <= set(header)


@contextmanager
def _large_fields() -> Iterator[None]:
    previous = csv.field_size_limit(FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _children(text: str | None) -> list[str] | None:
    """``"['https://huggingface.co/org/name', ...]"`` (a Python list repr) -> ids."""
    if not text or not text.strip():
        return None
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    return [hf_id_from_url(item) or item for item in value if isinstance(item, str)]


def _record(path: Path, number: int, cells: dict[str, str]) -> dict[str, Any]:
    try:
        record = json.loads(cells["metadata"])
    except json.JSONDecodeError as exc:
        raise MalformedRecord("metadata: invalid JSON") from exc
    if not isinstance(record, dict):
        raise MalformedRecord("metadata: not an object")
    try:
        depth = opt_int(path, cells.get("depth"), number, "depth")
    except InputError:
        depth = None
    children = _children(cells.get("children"))
    if depth is not None:
        record["tree_depth"] = depth
    if children is not None:
        record["tree_children"] = children
    return record


def _config_row(record: dict[str, Any], row: dict[str, Any]) -> dict[str, Any] | None:
    """The record's fingerprint facts as a ``hub_configs`` row, or None when it has none."""
    config, gguf = record.get("config"), record.get("gguf")
    safetensors = record.get("safetensors")
    total = safetensors.get("total") if isinstance(safetensors, dict) else None
    facts = config_row(row["model_id"], config if isinstance(config, dict) else None,
                       gguf=gguf if isinstance(gguf, dict) else None, safetensors_total=total)
    if facts is None:
        return None
    return {"source": row["source"], "snapshot_date": row["snapshot_date"], **facts}


def parse(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    when = snapshot_date or date_from_name(path)
    with _large_fields():
        rows_in = list(csv_rows(path, raw, REQUIRED))
    issues = Issues()
    malformed: dict[str, int] = {}
    rows: dict[str, dict[str, Any]] = {}
    configs: dict[str, dict[str, Any]] = {}
    for number, cells in rows_in:
        try:
            record = _record(path, number, cells)
            row = to_row(record, when, FORMAT, issues)
        except MalformedRecord as exc:
            malformed[str(exc)] = malformed.get(str(exc), 0) + 1
            continue
        if row["model_id"] in rows:
            continue  # the first row of a model listed twice
        rows[row["model_id"]] = row
        if (facts := _config_row(record, row)) is not None:
            configs[row["model_id"]] = facts
    if not rows:
        reasons = ", ".join(f"{reason} ({count})" for reason, count in malformed.items())
        raise InputError(path, f"no usable rows: {reasons or 'no data rows after the header'}")
    notes = {"rows": len(rows_in), "malformed": malformed, "issues": issues.as_dict(),
             "duplicates_dropped": len(rows_in) - sum(malformed.values()) - len(rows)}
    tables = {"hub_models": list(rows.values())}
    if configs:
        tables["hub_configs"] = list(configs.values())
    return Parsed(path, FORMAT, when, tables, raw, notes=notes)
