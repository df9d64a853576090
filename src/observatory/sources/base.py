"""What every importer returns, and the small parsing helpers they share."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from observatory.errors import InputError
from observatory.schema import TABLES

DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


FETCH_DATE = "fetch date"  # a snapshot's dated_by when its publisher gave no date


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
    # What the snapshot date is: "publisher" (the source's own publish date), "fetch date" (the
    # publisher gave none), "given" (--date); None where the format's own rule applies (a date in
    # the file name, timestamps in the rows).
    dated_by: str | None = None

    arrow: dict[str, pa.Table] = field(default_factory=dict)

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def snapshot_id(self) -> str:
        return self.content_hash[:12]

    def counts(self) -> dict[str, int]:
        counts = {name: len(rows) for name, rows in self.tables.items()}
        counts.update({name: table.num_rows for name, table in self.arrow.items()})
        return counts

    def freeze(self) -> Parsed:
        """Turn the row dicts into typed Arrow tables (compact; checks every value's type)."""
        snapshot_id = self.snapshot_id
        for name, rows in self.tables.items():
            for row in rows:
                row["snapshot_id"] = snapshot_id
            try:
                self.arrow[name] = pa.Table.from_pylist(rows, schema=TABLES[name])
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
                raise InputError(self.path, f"a value does not fit table '{name}': {exc}") from exc
        self.tables = {}
        return self


def read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror})") from exc
    if not raw or raw.isspace():  # (raw.strip() would copy a file of gigabytes)
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


def column_names(header: list[str]) -> str:
    """Column names for a one-line message (control characters made visible)."""
    return ", ".join(name if name.isprintable() else repr(name) for name in header)


def csv_header(path: Path, raw: bytes) -> list[str]:
    reader = csv.reader(io.StringIO(decode(path, raw), newline=""))
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc})", row=reader.line_num) from exc
    if not first:
        raise InputError(path, "no header row")
    return [name.strip() for name in first]


def csv_rows(path: Path, raw: bytes, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) with row 1 the header; fail on a missing column or ragged row."""
    header = csv_header(path, raw)
    reader = csv.reader(io.StringIO(decode(path, raw), newline=""))
    next(reader)
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(path, f"missing column '{missing[0]}' (found: {column_names(header)})")
    try:
        yield from _data_rows(path, reader, header)
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc})", row=reader.line_num) from exc


def _data_rows(path: Path, reader: Iterator[list[str]],
               header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
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
        raise InputError(path, "no date (YYYY-MM-DD or YYYYMMDD) in the file name; "
                               "give one with --date")
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
        if not math.isfinite(value):
            raise InputError(path, f"not a finite number: {value!r}", row=row, field=name)
        return float(value)
    text = str(value).strip()
    if text in ("", "-", "N/A", "nan", "None"):
        return None
    try:
        number = float(text.rstrip("%"))
    except ValueError as exc:
        raise InputError(path, f"not a number: {value!r}", row=row, field=name) from exc
    if not math.isfinite(number):
        raise InputError(path, f"not a finite number: {value!r}", row=row, field=name)
    return number


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
    if abs(number) >= 2**63:
        raise InputError(path, f"number out of range: {value!r}", row=row, field=name)
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


def obj(path: Path, value: Any, where: str) -> dict[str, Any]:
    """A JSON object field, ``{}`` when absent; anything else is bad input."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(path, f"expected an object, found {type(value).__name__}", field=where)
    return value


def opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def hf_id_from_url(url: object) -> str | None:
    """``https://huggingface.co/org/name[/...]`` -> ``org/name`` (None for other links)."""
    if not isinstance(url, str) or "huggingface.co/" not in url:
        return None
    parts = url.split("huggingface.co/", 1)[1].strip("/").split("/")
    if len(parts) < 2 or parts[0] in ("spaces", "datasets"):
        return None
    return f"{parts[0]}/{parts[1]}"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
