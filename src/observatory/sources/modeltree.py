"""Model-tree CSVs (hamidahoderinwale/model_metadata_analyses) as ``hub_models`` rows.

Each file is one base model's fine-tune/adapter tree as a crawler walked it through the Hub API:
``model_id,metadata,depth,children,children_count[,card,adapters,adapters_count]``, where
``metadata`` is a huggingface_hub ``ModelInfo`` serialised as a JSON object (see
``hub_records``). The crawl date is in the file name. The tree's own ``depth`` and child ids are
kept in ``extra`` (``tree_depth``, ``tree_children``); lineage reads ``base_models``.

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


def parse(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    when = snapshot_date or date_from_name(path)
    with _large_fields():
        rows_in = list(csv_rows(path, raw, REQUIRED))
    issues = Issues()
    malformed: dict[str, int] = {}
    rows: dict[str, dict[str, Any]] = {}
    for number, cells in rows_in:
        try:
            row = to_row(_record(path, number, cells), when, FORMAT, issues)
        except MalformedRecord as exc:
            malformed[str(exc)] = malformed.get(str(exc), 0) + 1
            continue
        rows.setdefault(row["model_id"], row)  # the first row of a model listed twice
    if not rows:
        reasons = ", ".join(f"{reason} ({count})" for reason, count in malformed.items())
        raise InputError(path, f"no usable rows: {reasons or 'no data rows after the header'}")
    notes = {"rows": len(rows_in), "malformed": malformed, "issues": issues.as_dict(),
             "duplicates_dropped": len(rows_in) - sum(malformed.values()) - len(rows)}
    return Parsed(path, FORMAT, when, {"hub_models": list(rows.values())}, raw, notes=notes)
