"""Pairwise vote files -> the ``votes`` table.

Three layouts, one normaliser:

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
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from observatory.errors import InputError
from observatory.schema import VOTES
from observatory.sources.base import DATE_IN_NAME, Parsed, column_names, decode, load_json

ARENA = "votes-arena"
CLEAN_BATTLE = "votes-clean-battle"
CSV = "votes-csv"
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
EXAMPLES = 3


def sniff_json(data: Any) -> bool:
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
            and {"model_a", "model_b"} <= set(data[0]))


def sniff_csv(header: list[str]) -> bool:
    return {"model_a", "model_b"} <= set(header)


# --- reading each layout into records ----------------------------------------------------------
def parse_parquet(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    try:
        table = pq.read_table(io.BytesIO(raw))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"not a readable parquet file ({exc})") from exc
    _require(path, table.column_names)
    wanted = [c for c in table.column_names if c in _top_level_names()]
    return _finish(path, ARENA, raw, table.select(wanted).to_pylist(), snapshot_date, start_row=1)


def parse_jsonl(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
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
        _require(path, list(records[0]))
    return _finish(path, ARENA, raw, records, snapshot_date, start_row=1)


def parse_clean_battle(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(path, "expected a JSON array of vote objects")
    if data:
        _require(path, list(data[0]))
    return _finish(path, CLEAN_BATTLE, raw, data, snapshot_date, start_row=1)


def parse_csv(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    reader = csv.DictReader(io.StringIO(decode(path, raw), newline=""))
    _require(path, [name.strip() for name in reader.fieldnames or []])
    try:
        records = [{k.strip(): v for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc})", row=reader.line_num) from exc
    return _finish(path, CSV, raw, records, snapshot_date, start_row=2)


def _top_level_names() -> set[str]:
    paths = [p for options in [*STYLE.values(), *FLAGS.values(), *TEXT.values()] for p in options]
    return {p.split(".")[0] for p in paths} | set(REQUIRED) | {
        "timestamp", "tstamp", "turn", "turns", "category_tag"}


def _require(path: Path, header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError(path, f"missing column '{missing[0]}' (found: {column_names(header[:12])})")


# --- one record -> one row ---------------------------------------------------------------------
def _get(record: dict[str, Any], dotted: str) -> Any:
    value: Any = record
    for part in _split(dotted):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _split(dotted: str) -> list[str]:
    """``category_tag.math_v0.1.math`` -> [category_tag, math_v0.1, math] (versions keep dots)."""
    parts: list[str] = []
    for piece in dotted.split("."):
        if parts and piece[:1].isdigit():
            parts[-1] += "." + piece
        else:
            parts.append(piece)
    return parts


def _first(record: dict[str, Any], paths: list[str]) -> Any:
    for dotted in paths:
        value = _get(record, dotted)
        if value is not None and value != "":
            return value
    return None


def _count(value: Any) -> int | None:
    """A count, or the sum of an object of counts ({"h1": 2, "h2": 0, ...})."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return sum(_count(v) or 0 for v in value.values())
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if not np.isfinite(number) or number < 0 or number != int(number):
        raise ValueError(value)
    return int(number)


def _flag(value: Any) -> bool | None:
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


def _timestamp(record: dict[str, Any]) -> datetime | None:
    value = _first(record, ["timestamp", "tstamp"])
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


def _hard(record: dict[str, Any]) -> bool | None:
    criteria = _get(record, CRITERIA)
    if not isinstance(criteria, dict):
        return _flag(_first(record, FLAGS["hard_prompts"]))
    return sum(bool(v) for v in criteria.values()) >= HARD_CRITERIA


def _row(record: dict[str, Any], source: str) -> tuple[dict[str, Any] | None, str | None]:
    """The vote, or the reason it is excluded."""
    model_a, model_b = (str(record.get(k) or "").strip() for k in ("model_a", "model_b"))
    if not model_a or not model_b:
        return None, "missing model name"
    winner = WINNERS.get(str(record.get("winner", "")).strip().lower())
    if winner is None:
        return None, "unknown winner"
    if model_a == model_b:
        return None, "model plays itself"
    try:
        row: dict[str, Any] = {"source": source, "model_a": model_a, "model_b": model_b,
                               "outcome": winner, "timestamp": _timestamp(record)}
        for name, paths in TEXT.items():
            value = _first(record, paths)
            row[name] = None if value is None else str(value)
        row["turns"] = _count(_first(record, ["turn", "turns"]))
        for name, paths in FLAGS.items():
            row[name] = _flag(_first(record, paths))
        row["hard_prompts"] = _hard(record)
        for name, paths in STYLE.items():
            row[name] = _count(_first(record, paths))
    except (ValueError, TypeError, OverflowError, OSError):
        return None, "unreadable value"
    return row, None


def _finish(path: Path, source: str, raw: bytes, records: list[dict[str, Any]],
            snapshot_date: date | None, start_row: int) -> Parsed:
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
            examples[reason].append(f"row {number}: {_describe(record)}")
    if not rows:
        detail = ", ".join(f"{n} {reason}" for reason, n in excluded.items())
        raise InputError(path, "no usable votes" + (f" ({detail})" if detail else " (no rows)"))
    parsed = Parsed(path, source, snapshot_date or _vote_date(path, rows), {}, raw)
    for row in rows:
        row["snapshot_id"] = parsed.snapshot_id
    try:
        parsed.arrow["votes"] = pa.Table.from_pylist(rows, schema=VOTES)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise InputError(path, f"a value does not fit table 'votes': {exc}") from exc
    parsed.notes = {"rows": len(records), "votes": len(rows),
                    "excluded": dict(excluded), "excluded_examples": examples}
    return parsed


def _describe(record: dict[str, Any]) -> str:
    return ", ".join(f"{k}={str(record.get(k))[:40]!r}" for k in REQUIRED)


def _vote_date(path: Path, rows: list[dict[str, Any]]) -> date:
    stamps = [r["timestamp"] for r in rows if r["timestamp"] is not None]
    if stamps:
        return max(stamps).date()
    match = DATE_IN_NAME.search(path.name)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    raise InputError(path, "the votes carry no timestamps and the file name no date; "
                           "give one with --date")


def excluded_summary(notes: dict[str, Any]) -> str | None:
    """One line for the import report, or None when nothing was excluded."""
    excluded = notes.get("excluded") or {}
    if not excluded:
        return None
    parts = ", ".join(f"{reason} {n:,}" for reason, n in sorted(excluded.items()))
    return f"excluded {sum(excluded.values()):,} of {notes['rows']:,} vote row(s): {parts}"
