"""A saved Hub listing: the JSON a ``GET /api/models`` answered, kept as a file.

Two layouts: the bare JSON list of model records the API returns, or an object with ``models``
(that list) and a ``date`` (as the daily files of ../shared/data/hub-trending-daily: the union of
the top 300 by likes and by downloads, with ``date``, ``fetched_at`` and ``source``). Records
are read by ``hub_records.to_row`` like the collector's pages; a record without an id is counted
and left out. The snapshot is dated by the file's ``date``, else the date in its name, else
``--date``.

A listing is a partial view of the Hub (one answer holds at most the top N of one sort), so the
snapshot says so: ``notes["scope"]`` is ``partial listing``, and views computed on it say that a
share is a share of the listed models.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError
from observatory.sources.base import Parsed, date_from_name, load_json
from observatory.sources.hub_records import Issues, MalformedRecord, to_row

FORMAT = "hub-listing"
SCOPE = "partial listing"
RECORD_FIELDS = {"likes", "downloads", "pipeline_tag", "createdAt", "created_at", "library_name",
                 "tags", "lastModified"}


def _records(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("models"), list) and (
            "date" in data or "fetched_at" in data):
        return data["models"]
    return None


def sniff(data: Any) -> bool:
    """A list of Hub model records (an ``id`` and Hub fields), bare or under ``models``."""
    records = _records(data)
    if not records:
        return False
    first = next((r for r in records if isinstance(r, dict)), None)
    return first is not None and "id" in first and bool(RECORD_FIELDS & first.keys())


def _listing_date(path: Path, data: Any, given: date | None) -> date:
    stated = data.get("date") if isinstance(data, dict) else None
    if stated is not None:
        try:
            return date.fromisoformat(str(stated)[:10])
        except ValueError:
            raise InputError(path, f"'date' is not a date: {stated!r}", field="date") from None
    return given or date_from_name(path)


def parse(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    records = _records(data)
    if records is None:
        raise InputError(path, "not a Hub listing: expected a JSON list of model records or an "
                               "object with 'models' and 'date'")
    if not records:
        raise InputError(path, "an empty listing: no model records")
    when = _listing_date(path, data, snapshot_date)
    issues = Issues()
    malformed: dict[str, int] = {}
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        try:
            row = to_row(record, when, FORMAT, issues)
        except MalformedRecord as exc:
            malformed[str(exc)] = malformed.get(str(exc), 0) + 1
            continue
        rows.setdefault(row["model_id"], row)  # the first of a model listed twice
    if not rows:
        reasons = ", ".join(f"{reason} ({count})" for reason, count in malformed.items())
        raise InputError(path, f"no usable model records: {reasons}")
    notes: dict[str, Any] = {"scope": SCOPE, "listed": len(rows), "records": len(records),
                             "malformed": malformed, "issues": issues.as_dict()}
    if isinstance(data, dict):
        notes.update({k: data[k] for k in ("fetched_at", "source") if k in data})
    parsed = Parsed(path, FORMAT, when, {"hub_models": list(rows.values())}, raw, notes=notes)
    parsed.dated_by = "publisher" if isinstance(data, dict) and "date" in data else None
    return parsed
