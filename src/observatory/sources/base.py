"""What every importer returns, and the small parsing helpers they share."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError

DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


@dataclass
class Parsed:
    """One raw file read into normalized rows, ready for the store."""

    path: Path
    format: str
    snapshot_date: date
    tables: dict[str, list[dict[str, Any]]]
    raw: bytes
    origin: str = ""  # where it came from: a path or a URL
    notes: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


def read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror})") from exc
    if not raw.strip():
        raise InputError(path, "file is empty")
    return raw


def decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from exc


def load_json(path: Path, raw: bytes) -> Any:
    try:
        return json.loads(decode(path, raw))
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc


def csv_header(path: Path, raw: bytes) -> list[str]:
    text = decode(path, raw)
    first = next(csv.reader(io.StringIO(text)), None)
    if not first:
        raise InputError(path, "no header row")
    return [name.strip() for name in first]


def csv_rows(path: Path, raw: bytes, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) with row 1 the header; fail on a missing column or ragged row."""
    reader = csv.reader(io.StringIO(decode(path, raw)))
    header = [name.strip() for name in next(reader)]
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(path, f"missing column '{missing[0]}' (found: {', '.join(header)})")
    for number, values in enumerate(reader, start=2):
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise InputError(
                path, f"expected {len(header)} fields, found {len(values)}", row=number
            )
        yield number, dict(zip(header, values, strict=True))


def date_from_name(path: Path) -> date:
    match = DATE_IN_NAME.search(path.name)
    if not match:
        raise InputError(path, "no date (YYYY-MM-DD or YYYYMMDD) in the file name")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise InputError(path, f"invalid date in the file name ({exc})") from exc


def parse_date(path: Path, value: str, row: int | None, name: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InputError(path, f"not a date: {value!r}", row=row, field=name) from exc


def opt_float(path: Path, value: Any, row: int | None, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(path, f"not a number: {value!r}", row=row, field=name)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if text in ("", "-", "N/A", "nan", "None"):
        return None
    try:
        return float(text.rstrip("%"))
    except ValueError as exc:
        raise InputError(path, f"not a number: {value!r}", row=row, field=name) from exc


def req_float(path: Path, value: Any, row: int | None, name: str) -> float:
    number = opt_float(path, value, row, name)
    if number is None:
        raise InputError(path, "value is missing", row=row, field=name)
    return number


def opt_int(path: Path, value: Any, row: int | None, name: str) -> int | None:
    number = opt_float(path, value, row, name)
    if number is None:
        return None
    if number != int(number):
        raise InputError(path, f"not a whole number: {value!r}", row=row, field=name)
    return int(number)


def opt_bool(path: Path, value: Any, row: int | None, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "none", "nan"):
        return None
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise InputError(path, f"not true/false: {value!r}", row=row, field=name)


def opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
