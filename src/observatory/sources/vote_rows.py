"""What a vote record means, one record at a time: the rules every vote reader follows.

Where each ``votes`` column is found in a record (``STYLE``, ``FLAGS``, ``TEXT``), how a value
is read (``count_value``, ``flag_value``, ``to_datetime``), and the row-by-row reader
(``finish_rows``). The bulk reader (``vote_columns``) applies the same rules to whole Arrow
columns and hands the values it has no fast path for to these functions, so both readers agree
value for value; the row-by-row reader remains for files the bulk readers cannot take as they
are (a JSON-lines file mixing types in one field, a ragged CSV, ...).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from observatory.errors import InputError
from observatory.schema import VOTES
from observatory.sources.base import DATE_IN_NAME, Parsed, column_names

REQUIRED = ("model_a", "model_b", "winner")
WINNERS = {"model_a": "a", "model_b": "b", "tie": "tie", "tie (bothbad)": "both_bad",
           "both_bad": "both_bad", "a": "a", "b": "b"}
# votes column -> where the releases keep it (first found wins)
STYLE = {f"{ours}_{side}": [f"conv_metadata.{theirs.format(side)}", theirs.format(side),
                            f"{ours}_{side}"]
         for ours, theirs in [("sum_assistant_tokens", "sum_assistant_{}_tokens"),
                              ("header_count", "header_count_{}"),
                              ("list_count", "list_count_{}"), ("bold_count", "bold_count_{}")]
         for side in "ab"}
FLAGS = {"coding": ["is_code", "coding"],
         "math": ["category_tag.math_v0.1.math", "math"],
         "creative_writing": ["category_tag.creative_writing_v0.1.creative_writing",
                              "creative_writing"],
         "instruction_following": ["category_tag.if_v0.1.if", "instruction_following"],
         "hard_prompts": ["hard_prompts"]}
CRITERIA = "category_tag.criteria_v0.1"
HARD_CRITERIA = 6  # of 7 criteria met: LMArena's "hard prompts"
TEXT = {"language": ["language"], "judge": ["judge", "judge_hash"]}
TIMESTAMP = ["timestamp", "tstamp"]
TURNS = ["turn", "turns"]
EXAMPLES = 3
# Exclusion reasons, in the order a record is checked.
MISSING, UNKNOWN, SELF_PLAY, UNREADABLE = ("missing model name", "unknown winner",
                                           "model plays itself", "unreadable value")
VALUE_ERRORS = (ValueError, TypeError, OverflowError, OSError)


def top_level_names() -> set[str]:
    paths = [p for options in [*STYLE.values(), *FLAGS.values(), *TEXT.values()] for p in options]
    return {p.split(".")[0] for p in paths} | set(REQUIRED) | {
        *TIMESTAMP, *TURNS, "category_tag"}


def require(path: Path, header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError(path, f"missing column '{missing[0]}' (found: {column_names(header[:12])})")


# --- one value ---------------------------------------------------------------------------------
def split_path(dotted: str) -> list[str]:
    """``category_tag.math_v0.1.math`` -> [category_tag, math_v0.1, math] (versions keep dots)."""
    parts: list[str] = []
    for piece in dotted.split("."):
        if parts and piece[:1].isdigit():
            parts[-1] += "." + piece
        else:
            parts.append(piece)
    return parts


def get_path(record: dict[str, Any], dotted: str) -> Any:
    value: Any = record
    for part in split_path(dotted):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def first_given(record: dict[str, Any], paths: list[str]) -> Any:
    for dotted in paths:
        value = get_path(record, dotted)
        if value is not None and value != "":
            return value
    return None


def count_value(value: Any) -> int | None:
    """A count, or the sum of an object of counts ({"h1": 2, "h2": 0, ...})."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return sum(count_value(v) or 0 for v in value.values())
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if not np.isfinite(number) or number < 0 or number != int(number):
        raise ValueError(value)
    return int(number)


def flag_value(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValueError(value)


def to_datetime(value: Any) -> datetime | None:
    """A vote's time: a datetime, seconds since 1970 (number or text), or ISO 8601 text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), UTC)
    text = str(value).strip()
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def winner_value(value: Any) -> str | None:
    return WINNERS.get(str(value).strip().lower())


def name_value(value: Any) -> str:
    return str(value or "").strip()


def _hard(record: dict[str, Any]) -> bool | None:
    criteria = get_path(record, CRITERIA)
    if not isinstance(criteria, dict):
        return flag_value(first_given(record, FLAGS["hard_prompts"]))
    return sum(bool(v) for v in criteria.values()) >= HARD_CRITERIA


# --- one record --------------------------------------------------------------------------------
def _row(record: dict[str, Any], source: str) -> tuple[dict[str, Any] | None, str | None]:
    """The vote, or the reason it is excluded."""
    model_a, model_b = (name_value(record.get(k)) for k in ("model_a", "model_b"))
    if not model_a or not model_b:
        return None, MISSING
    winner = winner_value(record.get("winner", ""))
    if winner is None:
        return None, UNKNOWN
    if model_a == model_b:
        return None, SELF_PLAY
    try:
        row: dict[str, Any] = {"source": source, "model_a": model_a, "model_b": model_b,
                               "outcome": winner,
                               "timestamp": to_datetime(first_given(record, TIMESTAMP))}
        for name, paths in TEXT.items():
            value = first_given(record, paths)
            row[name] = None if value is None else str(value)
        row["turns"] = count_value(first_given(record, TURNS))
        for name, paths in FLAGS.items():
            row[name] = flag_value(first_given(record, paths))
        row["hard_prompts"] = _hard(record)
        for name, paths in STYLE.items():
            row[name] = count_value(first_given(record, paths))
    except VALUE_ERRORS:
        return None, UNREADABLE
    return row, None


def finish_rows(path: Path, source: str, raw: bytes, records: list[dict[str, Any]],
                snapshot_date: date | None, start_row: int) -> Parsed:
    """The votes of ``records`` (row numbers from ``start_row``), one record at a time."""
    rows: list[dict[str, Any]] = []
    excluded: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for number, record in enumerate(records, start=start_row):
        row, reason = _row(record, source)
        if row is not None:
            rows.append(row)
            continue
        excluded[reason] += 1
        examples.setdefault(reason, [])
        if len(examples[reason]) < EXAMPLES:
            examples[reason].append(f"row {number}: {describe(record)}")
    if not rows:
        raise no_votes(path, dict(excluded))
    stamps = [r["timestamp"] for r in rows if r["timestamp"] is not None]
    parsed = Parsed(path, source, snapshot_date or (max(stamps).date() if stamps else
                                                    date_from_name(path)), {}, raw)
    for row in rows:
        row["snapshot_id"] = parsed.snapshot_id
    try:
        parsed.arrow["votes"] = pa.Table.from_pylist(rows, schema=VOTES)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise InputError(path, f"a value does not fit table 'votes': {exc}") from exc
    parsed.notes = {"rows": len(records), "votes": len(rows),
                    "excluded": dict(excluded), "excluded_examples": examples}
    return parsed


def describe(record: dict[str, Any]) -> str:
    return ", ".join(f"{k}={str(record.get(k))[:40]!r}" for k in REQUIRED)


def no_votes(path: Path, excluded: dict[str, int]) -> InputError:
    detail = ", ".join(f"{n} {reason}" for reason, n in excluded.items())
    return InputError(path, "no usable votes" + (f" ({detail})" if detail else " (no rows)"))


def date_from_name(path: Path) -> date:
    """The snapshot date of votes without timestamps: from the file name, else an error."""
    match = DATE_IN_NAME.search(path.name)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    raise InputError(path, "the votes carry no timestamps and the file name no date; "
                           "give one with --date")
