"""Vote records held as Arrow columns -> the ``votes`` table, validated and normalised in bulk.

The rules are those of the row-by-row reader (``vote_rows``): the same columns looked up in the
same order, the same values accepted, the same exclusion reasons, counted the same way. Each
field has a vectorised path (Arrow compute and numpy) for the representations that releases
use: text, integers, floats, booleans, timestamps, and objects of counts or flags (structs).
Values outside those paths (a count written as " 3", an ISO time in an unusual form, a list, a
decimal, non-ASCII text around a name, ...) go through the row reader's own function for that
field, one value at a time, so a value is read the same way by both readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from observatory.errors import InputError
from observatory.schema import VOTES
from observatory.sources.base import Parsed
from observatory.sources.vote_rows import (
    CRITERIA,
    EXAMPLES,
    FLAGS,
    HARD_CRITERIA,
    MISSING,
    REQUIRED,
    SELF_PLAY,
    STYLE,
    TEXT,
    TIMESTAMP,
    TURNS,
    UNKNOWN,
    UNREADABLE,
    VALUE_ERRORS,
    WINNERS,
    count_value,
    date_from_name,
    describe,
    flag_value,
    name_value,
    no_votes,
    split_path,
    to_datetime,
    winner_value,
)

ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "  # what str.strip() removes from ASCII text
INT64_END = 2**63
FIRST_SECOND, LAST_SECOND = -62_135_596_800, 253_402_300_799  # years 1 to 9999, as datetime
DAY = 86_400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UTC_ZONES = {"UTC", "utc", "Etc/UTC", "Z", "+00:00", "GMT", "Etc/GMT"}
SMALL_INT = r"^[0-9]{1,15}$"  # exact as float64 too, as count_value reads it
DECIMAL = r"^-?[0-9]{1,20}(\.[0-9]{1,20})?$"
ISO = (r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[T ](?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
       r"(?:\.\d{1,6})?(?:Z|(?P<sign>[+-])(?P<oh>\d{2}):(?P<om>\d{2}))?)?$")
TRUE, FALSE = ["true", "1", "yes"], ["false", "0", "no"]


@dataclass
class Field:
    """One ``votes`` column for every record."""

    given: np.ndarray  # the record states a value (not null, not "")
    bad: np.ndarray  # ... which cannot be read (the record is excluded as unreadable)
    values: pa.Array  # what was read; null where not given or bad
    big: np.ndarray | None = None  # counts beyond int64 (these fail the whole file, as before)
    day: np.ndarray | None = None  # timestamps: the day (since 1970) of the value's own date


# --- columns by the dotted paths of the row reader --------------------------------------------
class Columns:
    """A table's columns, looked up like ``vote_rows.get_path`` looks into a record."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.rows = table.num_rows
        self._top: dict[str, pa.Array | None] = {}

    def top(self, name: str) -> pa.Array | None:
        if name not in self._top:
            found = [i for i, column in enumerate(self.table.column_names) if column == name]
            self._top[name] = _plain(_combine(self.table.column(found[-1]))) if found else None
        return self._top[name]

    def get(self, dotted: str) -> pa.Array | None:
        first, *rest = split_path(dotted)
        array = self.top(first)
        for part in rest:
            if array is None or not pa.types.is_struct(array.type):
                return None
            index = _field_index(array.type, part)
            if index is None:
                return None
            array = _plain(pc.struct_field(array, [index]))  # null where the object is null
        return array


def _field_index(struct: pa.StructType, name: str) -> int | None:
    found = [i for i in range(struct.num_fields) if struct.field(i).name == name]
    return found[-1] if found else None  # a repeated key: the last one, as in a dict


def _combine(column: pa.ChunkedArray) -> pa.Array:
    try:
        return column.combine_chunks()
    except pa.ArrowInvalid:  # more than 2 GB of text in one column
        large = {pa.string(): pa.large_string(), pa.binary(): pa.large_binary()}.get(column.type)
        if large is None:
            raise
        return column.cast(large).combine_chunks()


def _plain(array: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string_view(array.type):
        array = array.cast(pa.large_string())
    return array


def type_at(schema: pa.Schema, dotted: str) -> pa.DataType | None:
    first, *rest = split_path(dotted)
    found = [f.type for f in schema if f.name == first]
    kind = found[-1] if found else None
    for part in rest:
        if kind is None or not pa.types.is_struct(kind):
            return None
        index = _field_index(kind, part)
        kind = None if index is None else kind.field(index).type
    return kind


# --- small helpers -----------------------------------------------------------------------------
def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _ints(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, 0).to_numpy(zero_copy_only=False))


def _floats(array: pa.Array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)  # nulls: NaN


def _given(array: pa.Array) -> np.ndarray:
    given = _bools(array.is_valid())
    if _is_text(array.type):
        given &= _bools(pc.not_equal(array, ""))
    return given


def _matches(array: pa.Array, pattern: str) -> np.ndarray:
    return _bools(pc.match_substring_regex(array, pattern=pattern))


def _ascii(array: pa.Array) -> np.ndarray:
    return _bools(pc.string_is_ascii(array))


def _trimmed(array: pa.Array) -> pa.Array:
    return pc.utf8_trim(array, characters=ASCII_SPACE)


def _each(array: pa.Array, rows: np.ndarray,
          convert: Callable[[Any], Any]) -> tuple[list[Any], np.ndarray]:
    """The row reader's ``convert`` on the values at ``rows`` (a mask): results, and which
    values it refused."""
    picked = array.filter(pa.array(rows)).to_pylist()
    results: list[Any] = []
    refused = np.zeros(len(picked), dtype=bool)
    for i, value in enumerate(picked):
        try:
            results.append(convert(value))
        except VALUE_ERRORS:
            results.append(None)
            refused[i] = True
    return results, refused


def _absent(rows: int, kind: pa.DataType) -> Field:
    none = np.zeros(rows, dtype=bool)
    return Field(none, none.copy(), pa.nulls(rows, kind), none.copy())


def _replace(values: pa.Array, rows: np.ndarray, replacements: list[Any]) -> pa.Array:
    if not rows.any():
        return values
    return pc.replace_with_mask(values, pa.array(rows), pa.array(replacements, values.type))


# --- counts ------------------------------------------------------------------------------------
def _int_field(given: np.ndarray, bad: np.ndarray, numbers: np.ndarray,
               big: np.ndarray | None = None) -> Field:
    big = np.zeros_like(given) if big is None else big
    ok = given & ~bad & ~big
    return Field(given, bad, pa.array(np.where(ok, numbers, 0).astype(np.int64), mask=~ok), big)


def count_field(array: pa.Array | None, rows: int) -> Field:
    """``count_value`` for every record: a whole number >= 0, or an object of them (summed)."""
    array = None if array is None else _plain(array)
    if array is None or pa.types.is_null(array.type):
        return _absent(rows, pa.int64())
    kind, given = array.type, _given(array)
    if pa.types.is_integer(kind):
        numbers = _ints(array)
        if pa.types.is_unsigned_integer(kind):
            big = given & (numbers >= INT64_END)
            return _int_field(given, np.zeros_like(given), np.where(big, 0, numbers), big)
        return _int_field(given, given & (numbers < 0), numbers)
    if pa.types.is_boolean(kind):
        return _int_field(given, given.copy(), np.zeros(rows, dtype=np.int64))
    if pa.types.is_floating(kind):
        numbers = _floats(array)
        with np.errstate(invalid="ignore"):
            bad = given & ~(np.isfinite(numbers) & (numbers >= 0) & (numbers == np.floor(numbers)))
            big = given & ~bad & (numbers >= INT64_END)
        return _int_field(given, bad, np.where(given & ~bad & ~big, numbers, 0), big)
    if _is_text(kind):
        simple = given & _matches(array, SMALL_INT)
        numbers = _ints(pc.cast(pc.if_else(pa.array(simple), array, "0"), pa.int64()))
        return _count_by_rule(array, given, given & ~simple, numbers)
    if pa.types.is_struct(kind):
        return _struct_counts(array, rows, given)
    return _count_by_rule(array, given, given, np.zeros(rows, dtype=np.int64))


def _count_by_rule(array: pa.Array, given: np.ndarray, rows: np.ndarray,
                   numbers: np.ndarray) -> Field:
    """``numbers`` with the values at ``rows`` read by ``count_value`` itself."""
    bad, big = np.zeros_like(given), np.zeros_like(given)
    if rows.any():
        results, refused = _each(array, rows, count_value)
        at = np.flatnonzero(rows)
        bad[at] = refused
        huge = np.array([r is not None and r >= INT64_END for r in results], dtype=bool)
        big[at] = huge
        numbers = numbers.astype(np.int64, copy=True)
        numbers[at] = [0 if r is None or h else r for r, h in zip(results, huge, strict=True)]
    return _int_field(given, bad, numbers, big)


def _struct_counts(array: pa.Array, rows: int, given: np.ndarray) -> Field:
    """An object of counts: the sum of its members (missing ones count 0)."""
    kind = array.type
    members = dict.fromkeys(kind.field(i).name for i in range(kind.num_fields))
    parts = [count_field(_plain(pc.struct_field(array, [_field_index(kind, n)])), rows)
             for n in members]
    bad = np.zeros_like(given)
    total = pa.array(np.zeros(rows, dtype=np.int64))
    try:
        for part in parts:
            if (part.big & given).any():
                raise OverflowError
            bad |= part.bad
            total = pc.add_checked(total, pc.fill_null(part.values, 0))
    except (OverflowError, pa.ArrowInvalid):  # beyond int64: summed exactly, as Python does
        return _count_by_rule(array, given, given, np.zeros(rows, dtype=np.int64))
    return _int_field(given, given & bad, _ints(total))


# --- flags -------------------------------------------------------------------------------------
def _bool_field(given: np.ndarray, bad: np.ndarray, values: np.ndarray) -> Field:
    ok = given & ~bad
    return Field(given, bad, pa.array(values & ok, mask=~ok), np.zeros_like(given))


def flag_field(array: pa.Array | None, rows: int) -> Field:
    """``flag_value`` for every record: a boolean, or true/false/1/0/yes/no in any case."""
    array = None if array is None else _plain(array)
    if array is None or pa.types.is_null(array.type):
        return _absent(rows, pa.bool_())
    kind, given = array.type, _given(array)
    nothing = np.zeros(rows, dtype=bool)
    if pa.types.is_boolean(kind):
        return _bool_field(given, nothing, _bools(array))
    if pa.types.is_integer(kind):  # str(1) == "1"
        numbers = _ints(array)
        return _bool_field(given, given & (numbers != 0) & (numbers != 1), numbers == 1)
    if pa.types.is_floating(kind):  # str(1.0) == "1.0": never a flag
        return _bool_field(given, given.copy(), nothing)
    if _is_text(kind):
        plain = given & _ascii(array)
        key = pc.ascii_lower(_trimmed(array))
        yes = plain & _bools(pc.is_in(key, pa.array(TRUE)))
        no = plain & _bools(pc.is_in(key, pa.array(FALSE)))
        return _flag_by_rule(array, given, given & ~plain, plain & ~yes & ~no, yes)
    return _flag_by_rule(array, given, given, nothing.copy(), nothing.copy())


def _flag_by_rule(array: pa.Array, given: np.ndarray, rows: np.ndarray, bad: np.ndarray,
                  values: np.ndarray) -> Field:
    if rows.any():
        results, refused = _each(array, rows, flag_value)
        at = np.flatnonzero(rows)
        bad[at] = refused
        values[at] = [bool(r) for r in results]
    return _bool_field(given, bad, values)


def hard_field(columns: Columns, rows: int) -> Field:
    """Hard prompts: 6 of the 7 criteria met where the release states them, else the flag
    (which must be readable either way, as in the row reader)."""
    flag = pick([flag_field(columns.get(p), rows) for p in FLAGS["hard_prompts"]], rows, pa.bool_())
    criteria = columns.get(CRITERIA)
    if criteria is None or not pa.types.is_struct(criteria.type):
        return flag
    stated = _bools(criteria.is_valid())
    met = np.zeros(rows, dtype=np.int64)
    members = dict.fromkeys(criteria.type.field(i).name for i in range(criteria.type.num_fields))
    for name in members:
        met += _truthy(pc.struct_field(criteria, [_field_index(criteria.type, name)]))
    hard = met >= HARD_CRITERIA
    values = pc.if_else(pa.array(stated), pa.array(hard), flag.values)
    return Field(flag.given | stated, flag.bad, values, flag.big)


def _truthy(array: pa.Array) -> np.ndarray:
    """``bool(value)`` for every value (null: False)."""
    array = _plain(array)
    kind = array.type
    valid = _bools(array.is_valid())
    if pa.types.is_null(kind):
        return valid
    if pa.types.is_boolean(kind):
        return _bools(array)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return valid & _bools(pc.not_equal(array, 0))  # NaN is truthy, as in Python
    if _is_text(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return valid & (_ints(pc.binary_length(array)) > 0)
    if pa.types.is_struct(kind):
        return valid & (kind.num_fields > 0)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_map(kind):
        return valid & (_ints(pc.list_value_length(array)) > 0)
    return np.array([bool(v) for v in array.to_pylist()], dtype=bool)


# --- text --------------------------------------------------------------------------------------
def text_field(array: pa.Array | None, rows: int) -> Field:
    """``str(value)`` for every given value."""
    array = None if array is None else _plain(array)
    if array is None or pa.types.is_null(array.type):
        return _absent(rows, pa.string())
    kind, given = array.type, _given(array)
    nothing = np.zeros(rows, dtype=bool)
    if _is_text(kind) or pa.types.is_integer(kind):  # str(7) == "7", as Arrow writes it
        values = pc.if_else(pa.array(given), pc.cast(array, pa.large_string()),
                            pa.scalar(None, pa.large_string()))
        return Field(given, nothing, values, nothing.copy())
    results, _ = _each(array, given, str)
    values = pa.nulls(rows, pa.large_string())
    return Field(given, nothing, _replace(values, given, results), nothing.copy())


def names(array: pa.Array | None, rows: int) -> tuple[pa.Array, np.ndarray]:
    """``name_value`` for every record, and which are missing."""
    array = None if array is None else _plain(array)
    if array is None:
        return pa.nulls(rows, pa.large_string()), np.ones(rows, dtype=bool)
    if _is_text(array.type):
        values = pc.cast(_trimmed(array), pa.large_string())
        odd = _bools(array.is_valid()) & ~_ascii(array)  # str.strip() knows more spaces
        if odd.any():
            values = _replace(values, odd, _each(array, odd, name_value)[0])
    else:
        values = pa.array([name_value(v) for v in array.to_pylist()], pa.large_string())
    missing = ~_bools(values.is_valid()) | ~_bools(pc.not_equal(values, ""))
    return values, missing


def outcomes(array: pa.Array | None, rows: int) -> pa.Array:
    """``winner_value`` for every record: a | b | tie | both_bad, null when not a winner."""
    array = None if array is None else _plain(array)
    if array is None:
        return pa.nulls(rows, pa.large_string())
    keys, spelled = pa.array(list(WINNERS)), pa.array(list(WINNERS.values()), pa.large_string())
    if not _is_text(array.type):
        return pa.array([winner_value(v) for v in array.to_pylist()], pa.large_string())
    found = pc.take(spelled, pc.index_in(pc.ascii_lower(_trimmed(array)), value_set=keys))
    odd = _bools(array.is_valid()) & ~_ascii(array)
    return _replace(found, odd, _each(array, odd, winner_value)[0]) if odd.any() else found


# --- timestamps --------------------------------------------------------------------------------
def _time_field(given: np.ndarray, bad: np.ndarray, seconds: np.ndarray,
                day: np.ndarray) -> Field:
    ok = given & ~bad
    return Field(given, bad, pa.array(np.where(ok, seconds, 0), pa.int64(), mask=~ok),
                 np.zeros_like(given), np.where(ok, day, 0))


def time_field(array: pa.Array | None, rows: int) -> Field:
    """``to_datetime`` for every record, as whole seconds since 1970 (UTC), the resolution of
    the ``votes`` table, and the day of each value's own date (its time zone's)."""
    array = None if array is None else _plain(array)
    if array is None or pa.types.is_null(array.type):
        field = _absent(rows, pa.int64())
        field.day = np.zeros(rows, dtype=np.int64)
        return field
    kind, given = array.type, _given(array)
    nothing = np.zeros(rows, dtype=bool)
    if pa.types.is_timestamp(kind):
        per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[kind.unit]
        seconds = np.floor_divide(_ints(array.cast(pa.int64())), per_second)
        local = seconds
        if kind.tz is not None and kind.tz not in UTC_ZONES:
            local = np.floor_divide(_ints(pc.local_timestamp(array).cast(pa.int64())), per_second)
        return _time_field(given, nothing, seconds, np.floor_divide(local, DAY))
    seconds, day, bad = (np.zeros(rows, dtype=np.int64), np.zeros(rows, dtype=np.int64),
                         nothing.copy())
    if pa.types.is_boolean(kind):  # str(True) is neither a number nor a date
        return _time_field(given, given.copy(), seconds, day)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        seconds, ok = _epoch_seconds(_floats(array))
        return _time_field(given, given & ~ok, seconds, np.floor_divide(seconds, DAY))
    rest = given.copy()
    if _is_text(kind):
        number = given & _matches(array, DECIMAL)
        if number.any():
            text = pc.if_else(pa.array(number), array, "0")
            found, ok = _epoch_seconds(_floats(pc.cast(text, pa.float64())))
            seconds, day = np.where(number, found, seconds), np.where(number, found // DAY, day)
            bad |= number & ~ok
        iso = given & ~number & _matches(array, ISO)
        if iso.any():
            found, local, ok = _iso_seconds(array.filter(pa.array(iso)))
            at = np.flatnonzero(iso)
            seconds[at], day[at] = found, np.floor_divide(local, DAY)
            iso[at[~ok]] = False  # not a valid date or time: the row reader's parser decides
        rest = given & ~number & ~iso
    if rest.any():
        results, refused = _each(array, rest, to_datetime)
        at = np.flatnonzero(rest)
        bad[at] = refused
        for i, stamp in zip(at, results, strict=True):
            if stamp is not None:
                seconds[i] = (stamp - EPOCH) // timedelta(seconds=1)
                day[i] = (stamp.date() - EPOCH.date()).days
    return _time_field(given, bad, seconds, day)


def _epoch_seconds(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``datetime.fromtimestamp(x, UTC)`` to whole seconds: the fraction rounded half-even to
    microseconds first (as CPython does), then dropped (as Arrow does for unit "s")."""
    finite = np.isfinite(numbers)
    fraction, whole = np.modf(np.where(finite, numbers, 0.0))
    micros = np.round(fraction * 1e6)
    seconds = whole + (micros >= 1e6) - (micros < 0)
    ok = finite & (seconds >= FIRST_SECOND) & (seconds <= LAST_SECOND)
    return np.where(ok, seconds, 0).astype(np.int64), ok


def _iso_seconds(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UTC seconds, local seconds, and validity of ISO 8601 times matching ``ISO``."""
    parts = pc.extract_regex(text, pattern=ISO)

    def number(name: str) -> np.ndarray:
        digits = pc.struct_field(parts, name)
        return _ints(pc.cast(pc.if_else(pc.equal(digits, ""), "0", digits), pa.int64()))

    year, month, day = number("y"), number("mo"), number("d")
    hour, minute, second, off_hour, off_minute = (number(n) for n in ("h", "mi", "s", "oh", "om"))
    sign = np.where(_bools(pc.equal(pc.struct_field(parts, "sign"), "-")), -1, 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 1, 12) - 1]
    ok = ((year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
          & (day <= month_days + (leap & (month == 2))) & (hour <= 23) & (minute <= 59)
          & (second <= 59) & (off_hour <= 23) & (off_minute <= 59))
    local = _days_from_civil(year, month, day) * DAY + hour * 3600 + minute * 60 + second
    return local - sign * (off_hour * 3600 + off_minute * 60), local, ok


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    of_era = year - era * 400
    of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    return era * 146_097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719_468


# --- one field from its candidate places -------------------------------------------------------
def pick(fields: list[Field], rows: int, kind: pa.DataType) -> Field:
    """The first place that states a value wins (``vote_rows.first_given``)."""
    if len(fields) == 1:
        return fields[0]
    given, bad, big = (np.zeros(rows, dtype=bool) for _ in range(3))
    values, day = pa.nulls(rows, kind), np.zeros(rows, dtype=np.int64)
    for field in fields:
        use = field.given & ~given
        if not use.any():
            continue
        bad |= use & field.bad
        big |= use & (field.big if field.big is not None else False)
        values = pc.if_else(pa.array(use), field.values.cast(kind), values)
        if field.day is not None:
            day = np.where(use, field.day, day)
        given |= field.given
    return Field(given, bad, values, big, day)


# --- the table ---------------------------------------------------------------------------------
BATCH = 1 << 19  # records converted at a time: bounds the memory of the intermediate columns
REASONS = (MISSING, UNKNOWN, SELF_PLAY, UNREADABLE)


def slices(table: pa.Table) -> Iterator[pa.Table]:
    for offset in range(0, table.num_rows, BATCH):
        yield table.slice(offset, BATCH)


@dataclass
class _Excluded:
    count: int = 0
    first: int = -1  # the first row (index) excluded for this reason
    examples: list[str] = dataclass_field(default_factory=list)


@dataclass
class _Part:
    """The votes of one batch of records, and what the whole file needs to know of it."""

    votes: pa.Table  # without snapshot_id
    excluded: dict[str, np.ndarray]  # reason -> which records
    big: str | None  # the first field with a kept count beyond int64 ...
    big_row: int  # ... and its record
    latest: tuple[int, int] | None  # the latest vote: (seconds, day of its own date)


def votes_table(path: Path, source: str, raw: bytes, batches: Iterable[pa.Table],
                snapshot_date: date | None, numbers: np.ndarray | None = None,
                start: int = 1) -> Parsed:
    """The votes in ``batches`` (one record a row, in file order; record ``i`` is row
    ``start + i`` of the file, or ``numbers[i]``), with the excluded records counted by
    reason, as the row-by-row reader does."""

    def row_number(index: int) -> int:
        return int(numbers[index]) if numbers is not None else start + index

    excluded = {reason: _Excluded() for reason in REASONS}
    parts: list[pa.Table] = []
    rows, big, latest = 0, None, None
    for batch in batches:
        part = _convert(Columns(batch), source)
        for reason, mask in part.excluded.items():
            at = np.flatnonzero(mask)
            if not len(at):
                continue
            seen = excluded[reason]
            seen.count += len(at)
            seen.first = rows + int(at[0]) if seen.first < 0 else seen.first
            for i in at[:EXAMPLES - len(seen.examples)]:
                seen.examples.append(f"row {row_number(rows + int(i))}: "
                                     f"{describe(_record(batch, int(i)))}")
        if part.big is not None and big is None:
            big = (part.big, rows + part.big_row)
        if part.latest is not None and (latest is None or part.latest[0] > latest[0]):
            latest = part.latest
        parts.append(part.votes)
        rows += batch.num_rows
    found = sorted((seen.first, reason) for reason, seen in excluded.items() if seen.count)
    counts = {reason: excluded[reason].count for _, reason in found}
    if not any(part.num_rows for part in parts):
        raise no_votes(path, counts)
    day = snapshot_date or (EPOCH.date() + timedelta(days=latest[1]) if latest is not None
                            else date_from_name(path))
    if big is not None:
        raise InputError(path, f"a value does not fit table 'votes': '{big[0]}' is beyond the "
                               f"64-bit integer range at row {row_number(big[1])}")
    parsed = Parsed(path, source, day, {}, raw)
    votes = pa.concat_tables(parts)
    parsed.arrow["votes"] = votes.append_column(
        "snapshot_id", pa.repeat(pa.scalar(parsed.snapshot_id), votes.num_rows))
    parsed.notes = {"rows": rows, "votes": votes.num_rows, "excluded": counts,
                    "excluded_examples": {reason: excluded[reason].examples for _, reason in found}}
    return parsed


def _convert(columns: Columns, source: str) -> _Part:
    """One batch of records: every field read, every record kept or excluded by reason."""
    rows = columns.rows
    model_a, missing_a = names(columns.top("model_a"), rows)
    model_b, missing_b = names(columns.top("model_b"), rows)
    outcome = outcomes(columns.top("winner"), rows)
    stamp = pick([time_field(columns.get(p), rows) for p in TIMESTAMP], rows, pa.int64())
    fields: dict[str, Field] = {
        name: pick([text_field(columns.get(p), rows) for p in paths], rows, pa.large_string())
        for name, paths in TEXT.items()}
    fields["turns"] = pick([count_field(columns.get(p), rows) for p in TURNS], rows, pa.int64())
    for name, paths in FLAGS.items():
        fields[name] = pick([flag_field(columns.get(p), rows) for p in paths], rows, pa.bool_())
    fields["hard_prompts"] = hard_field(columns, rows)
    for name, paths in STYLE.items():
        fields[name] = pick([count_field(columns.get(p), rows) for p in paths], rows, pa.int64())

    missing = missing_a | missing_b
    unknown = ~missing & ~_bools(outcome.is_valid())
    self_play = ~missing & ~unknown & _bools(pc.equal(model_a, model_b))
    unreadable = ~missing & ~unknown & ~self_play & np.logical_or.reduce(
        [stamp.bad, *(field.bad for field in fields.values())])
    keep = ~(missing | unknown | self_play | unreadable)

    big, big_row = None, 0
    for name, field in fields.items():
        over = keep & field.big if field.big is not None else None
        if over is not None and over.any():
            big, big_row = name, int(np.argmax(over))
            break
    latest = None
    stamped = keep & stamp.given
    if stamped.any():
        seconds = _ints(stamp.values)
        index = int(np.argmax(np.where(stamped, seconds, np.iinfo(np.int64).min)))
        latest = (int(seconds[index]), int(stamp.day[index]))

    kept = pa.array(keep)
    data = {"source": pa.repeat(pa.scalar(source), int(keep.sum())),
            "model_a": model_a.filter(kept), "model_b": model_b.filter(kept),
            "outcome": outcome.filter(kept), "timestamp": stamp.values.filter(kept)}
    data.update({name: field.values.filter(kept) for name, field in fields.items()})
    schema = pa.schema([f for f in VOTES if f.name != "snapshot_id"])
    votes = pa.Table.from_arrays([data[f.name].cast(f.type) for f in schema], schema=schema)
    return _Part(votes, dict(zip(REASONS, (missing, unknown, self_play, unreadable), strict=True)),
                 big, big_row, latest)


def _record(batch: pa.Table, index: int) -> dict[str, Any]:
    """The required fields of one record, as the file states them."""
    record = {}
    for name in REQUIRED:
        found = [i for i, column in enumerate(batch.column_names) if column == name]
        record[name] = batch.column(found[-1])[index].as_py() if found else None
    return record
