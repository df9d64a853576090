"""Pairwise vote files -> the ``votes`` table.

Three layouts, one set of rules (``vote_rows``):

- ``votes-arena``: the public arena preference releases (parquet or JSON lines): ``model_a,
  model_b, winner`` with winner in {model_a, model_b, tie, tie (bothbad), both_bad}, and optional
  ``timestamp``/``tstamp``, ``language``, ``judge``/``judge_hash``, ``turn``, ``is_code``,
  ``category_tag`` (math, creative writing, instruction following, the seven hard-prompt
  criteria) and ``conv_metadata`` with each response's token and markdown counts (header, list
  and bold counts may be objects per element type; they are summed).
- ``votes-clean-battle``: FastChat's ``clean_battle_*.json``, a JSON array of the same records.
- ``votes-csv``: a plain CSV with at least ``model_a, model_b, winner`` (and optionally the flat
  columns of the ``votes`` table).

Rows that cannot be a vote are excluded and counted by reason (in the snapshot's notes, and
printed by ``observatory import``): unknown winner, missing model name, a model playing itself,
an unreadable value. A file with no usable vote, or without a required column, is an error.

Files are read into Arrow columns (pyarrow's parquet, JSON and CSV readers) and converted in
bulk (``vote_columns``): a release of millions of votes takes seconds. A file the bulk readers
cannot take as it is (a JSON-lines file whose field changes type from row to row, a ragged CSV,
a line that is not JSON, ...) is read one record at a time (``vote_rows.finish_rows``), which
gives the same votes and reports what is wrong, with its row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from observatory.errors import InputError
from observatory.sources.base import Parsed, decode, load_json
from observatory.sources.vote_columns import BATCH, slices, type_at, votes_table
from observatory.sources.vote_rows import (
    FLAGS,
    REQUIRED,
    TEXT,
    TIMESTAMP,
    finish_rows,
    require,
    top_level_names,
)

ARENA = "votes-arena"
CLEAN_BATTLE = "votes-clean-battle"
CSV = "votes-csv"
BLOCK = 16 << 20  # Arrow's JSON/CSV block: a record must fit in one
WINDOW = 64 << 20  # bytes looked at a time for line breaks


def sniff_json(data: Any) -> bool:
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
            and {"model_a", "model_b"} <= set(data[0]))


def sniff_csv(header: list[str]) -> bool:
    return {"model_a", "model_b"} <= set(header)


# --- parquet -----------------------------------------------------------------------------------
def parse_parquet(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    try:
        source = pq.ParquetFile(pa.BufferReader(raw))
        names = source.schema_arrow.names
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"not a readable parquet file ({exc})") from exc
    require(path, names)
    wanted = [name for name in dict.fromkeys(names) if name in top_level_names()]
    return votes_table(path, ARENA, raw, _parquet_batches(path, source, wanted), snapshot_date)


def _parquet_batches(path: Path, source: pq.ParquetFile, columns: list[str]) -> Iterator[pa.Table]:
    """The records a batch at a time (the file's other columns are not read)."""
    try:
        for batch in source.iter_batches(batch_size=BATCH, columns=columns):
            yield pa.Table.from_batches([batch])
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"not a readable parquet file ({exc})") from exc


# --- JSON lines --------------------------------------------------------------------------------
def parse_jsonl(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    read = _jsonl_table(raw)
    if read is None:
        return finish_rows(path, ARENA, raw, _jsonl_records(path, raw), snapshot_date, start_row=1)
    table, numbers = read
    return votes_table(path, ARENA, raw, slices(table), snapshot_date, numbers=numbers)


def _jsonl_records(path: Path, raw: bytes) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(path, f"invalid JSON ({exc})", row=number) from exc
        if not isinstance(record, dict):
            raise InputError(path, "expected an object per line", row=number)
        records.append(record)
    if records:
        require(path, list(records[0]))
    return records


def _jsonl_table(raw: bytes) -> tuple[pa.Table, np.ndarray | None] | None:
    """The records as read by Arrow, with their line numbers (None: record i is on line i + 1);
    None when the file is for the row-by-row reader: it is not clean JSON lines (which that
    reader reports, with the line), or Arrow would read some value differently from the
    record's own JSON (a field mixing integers and decimals is all decimals to Arrow; text that
    looks like a date becomes a timestamp)."""
    first = _first_record(raw)  # not JSON (a byte-order mark, say): the row reader says so
    if first is None or any(k not in first for k in REQUIRED):
        return None
    # Times as text are read by the rules' own parser, not Arrow's guess.
    explicit = {name: pa.string() for name in TIMESTAMP if isinstance(first.get(name), str)}
    for _ in range(2):
        try:
            table = pa_json.read_json(
                pa.BufferReader(raw), read_options=pa_json.ReadOptions(block_size=BLOCK),
                parse_options=pa_json.ParseOptions(explicit_schema=pa.schema(explicit)))
        except pa.ArrowException:
            return None
        guessed = [name for name in TIMESTAMP if _is_time(type_at(table.schema, name))]
        if not guessed:
            break
        explicit.update(dict.fromkeys(guessed, pa.string()))
    else:
        return None
    if any(_not_finite(column) for column in table.columns):
        return None  # NaN or Infinity: Arrow reads them, JSON (and the row reader) does not
    table = _wanted(table)
    if not _same_as_json(table.schema):
        return None
    numbers = _line_numbers(raw, table.num_rows)
    return None if numbers is False else (table, numbers)


def _not_finite(values: pa.ChunkedArray) -> bool:
    kind = values.type
    if pa.types.is_floating(kind):
        return not pc.all(pc.is_finite(values)).as_py()
    if pa.types.is_struct(kind):
        return any(_not_finite(pc.struct_field(values, [i])) for i in range(kind.num_fields))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _not_finite(pc.list_flatten(values))
    return False


def _line_numbers(raw: bytes, records: int) -> np.ndarray | bool | None:
    """The line of each record, as the row reader counts lines (None: record i is on line
    i + 1), or False unless each non-blank line holds exactly one of the records Arrow read.

    A line that starts with ``{`` and ends with ``}`` can only meet the next such line between
    two records (inside an object a ``}`` is followed by ``,`` or ``}``), so each holds one
    record or more, and exactly one when there are as many of them as records."""
    if _one_object_a_line(raw, records):
        return None
    numbers = []
    for number, line in enumerate(_lines(raw), start=1):
        line = line.strip()
        if line:
            if line[:1] != b"{" or line[-1:] != b"}":
                return False
            numbers.append(number)
    return np.array(numbers) if len(numbers) == records else False


def _one_object_a_line(raw: bytes, records: int) -> bool:
    """Whether every line break is ``}\\n{`` and there are ``records`` lines (in one pass)."""
    if not (raw.startswith(b"{") and raw.endswith((b"}", b"}\n"))):
        return False
    data = np.frombuffer(raw, dtype=np.uint8)
    breaks = 0
    for start in range(0, len(data), WINDOW):
        at = np.flatnonzero(data[start:start + WINDOW] == ord("\n")) + start
        at = at[at < len(data) - 1]  # a newline at the end ends the last line
        if not ((data[at - 1] == ord("}")).all() and (data[at + 1] == ord("{")).all()):
            return False
        breaks += len(at)
    return breaks + 1 == records


def _first_record(raw: bytes) -> Any:
    for line in _lines(raw):
        if line.strip():
            try:
                return orjson.loads(line)
            except orjson.JSONDecodeError:
                return None
    return None


def _lines(raw: bytes) -> Iterator[bytes]:
    """``raw.splitlines()``, lazily."""
    start = 0
    while start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        yield from raw[start:end].splitlines() or [b""]
        start = end + 1


def _is_time(kind: pa.DataType | None) -> bool:
    return kind is not None and (pa.types.is_timestamp(kind) or pa.types.is_date(kind))


def _same_as_json(schema: pa.Schema) -> bool:
    """Whether every value that is read as text (names, winner, language, judge) or as a flag
    is typed as the JSON states it. (Counts, times and the criteria are read the same way
    whether a number is an integer or not.)"""
    for dotted in [*REQUIRED, *(p for paths in TEXT.values() for p in paths)]:
        kind = type_at(schema, dotted)
        if kind is not None and not (pa.types.is_string(kind) or pa.types.is_integer(kind)
                                     or pa.types.is_boolean(kind) or pa.types.is_null(kind)):
            return False
    return not any(pa.types.is_floating(kind) for paths in FLAGS.values() for p in paths
                   if (kind := type_at(schema, p)) is not None)


def _wanted(table: pa.Table) -> pa.Table:
    names = top_level_names()
    return table.select([i for i, name in enumerate(table.column_names) if name in names])


# --- clean-battle JSON -------------------------------------------------------------------------
def parse_clean_battle(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(path, "expected a JSON array of vote objects")
    if data:
        require(path, list(data[0]))
    table = _records_table(data)
    if table is None:
        return finish_rows(path, CLEAN_BATTLE, raw, data, snapshot_date, start_row=1)
    return votes_table(path, CLEAN_BATTLE, raw, slices(table), snapshot_date)


def _records_table(records: list[dict[str, Any]]) -> pa.Table | None:
    """The records as Arrow columns, or None where Arrow would change a value's type (mixed
    types in one field, ``true`` among decimals)."""
    columns = {}
    for name in sorted(top_level_names()):
        values = [record.get(name) for record in records]
        try:
            array = pa.array(values)
        except (pa.ArrowException, OverflowError, TypeError, ValueError):
            return None
        if pa.types.is_floating(array.type) and any(v is True or v is False for v in values):
            return None
        if _floats_inside(array.type):
            return None
        columns[name] = array
    table = pa.table(columns)
    return table if _same_as_json(table.schema) else None


def _floats_inside(kind: pa.DataType) -> bool:
    if pa.types.is_struct(kind):
        return any(pa.types.is_floating(f.type) or _floats_inside(f.type) for f in kind)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pa.types.is_floating(kind.value_type) or _floats_inside(kind.value_type)
    return False


# --- CSV ---------------------------------------------------------------------------------------
def parse_csv(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    table = _csv_table(raw)
    if table is not None:
        return votes_table(path, CSV, raw, slices(table), snapshot_date, start=2)
    reader = csv.DictReader(io.StringIO(decode(path, raw), newline=""))
    require(path, [name.strip() for name in reader.fieldnames or []])
    try:
        records = [{k.strip(): v for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc})", row=reader.line_num) from exc
    return finish_rows(path, CSV, raw, records, snapshot_date, start_row=2)


def _csv_table(raw: bytes) -> pa.Table | None:
    """Every column as text, as the csv module reads it; None when the row-by-row reader must
    read the file (not UTF-8, a missing column, ragged rows: it says which)."""
    end = raw.find(b"\n")
    head = raw if end < 0 else raw[:end]
    try:
        header = next(csv.reader([head.decode("utf-8-sig").removesuffix("\r")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if any(name not in [h.strip() for h in header] for name in REQUIRED):
        return None
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(raw), read_options=pa_csv.ReadOptions(block_size=BLOCK),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowException:
        return None
    if table.column_names != header:
        return None
    return _wanted(table.rename_columns([h.strip() for h in header]))
