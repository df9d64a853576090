"""Arena's leaderboard dataset (``lmarena-ai/leaderboard-dataset`` on the Hugging Face Hub,
CC-BY-4.0, credit Arena): every leaderboard Arena published, one subset per arena.

Layout, as the dataset card and Arena's announcement ("Arena Leaderboard Dataset") document it:
``<subset>/latest-00000-of-00001.parquet`` (the newest publication) and
``<subset>/full-00000-of-00001.parquet`` (every publication), one row per model, category and
publish date: ``model_name, organization, license, rating, rating_lower, rating_upper,
variance, vote_count, rank, category, leaderboard_publish_date``.

A file becomes one snapshot per publish date, dated by that date (the publisher's own). Its raw
bytes are that date's rows as an Arrow IPC stream, in a fixed order, so the same publication
read from ``latest`` today or from ``full`` next month is the same snapshot, stored once. Columns
this version does not read are kept, per row, as JSON in ``extra``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from observatory.errors import InputError
from observatory.schema import BOARD_ENTRIES
from observatory.sources.base import Parsed, column_names

FORMAT = "arena-dataset"
REPO = "lmarena-ai/leaderboard-dataset"
SPLITS = ("latest", "full")
# subset -> (board, style control). Boards keep the names the project already uses (text,
# vision, image) and name the newer arenas after them.
SUBSETS: dict[str, tuple[str, bool]] = {
    "text": ("text", False), "text_style_control": ("text", True),
    "vision": ("vision", False), "vision_style_control": ("vision", True),
    "search": ("search", False), "search_style_control": ("search", True),
    "document": ("document", False), "document_style_control": ("document", True),
    "webdev": ("webdev", False),
    "text_to_image": ("image", False), "image_edit": ("image-edit", False),
    "text_to_video": ("video", False), "image_to_video": ("image-to-video", False),
    "video_edit": ("video-edit", False),
}
# Arena's category names -> the names the arena-catalog files used (and the project kept).
CATEGORIES = {"overall": "full", "hard_prompts": "hard_6", "hard_prompts_english": "hard_english_6",
              "instruction_following": "if", "multi_turn": "multiturn", "longer_query": "long_user",
              "exclude_ties": "no_tie", "exclude_short": "no_short", "exclude_refusal": "no_refusal"}
# field -> the column names that carry it, first found wins (documented names first, then the
# variants other releases of Arena's boards use).
COLUMNS: dict[str, tuple[str, ...]] = {
    "model_name": ("model_name", "model"),
    "organization": ("organization", "org", "vendor"),
    "license": ("license", "licence"),
    "rating": ("rating", "arena_score", "score"),
    "ci_low": ("rating_lower", "rating_q025", "score_ci_lower"),
    "ci_high": ("rating_upper", "rating_q975", "score_ci_upper"),
    "votes": ("vote_count", "votes", "num_battles"),
    "rank": ("rank",),
    "category": ("category",),
    "publish_date": ("leaderboard_publish_date", "publish_date"),
}
REQUIRED = ("model_name", "rating", "category", "publish_date")


def subset_of(path: Path) -> str:
    """The subset a file belongs to: its folder, as the dataset lays files out."""
    subset = path.parent.name
    if subset not in SUBSETS:
        raise InputError(path, f"unknown arena subset '{subset}' (the file's folder); known "
                               f"subsets: {', '.join(SUBSETS)}")
    return subset


def sniff_columns(names: list[str]) -> bool:
    return any(name in names for name in COLUMNS["publish_date"]) and \
        any(name in names for name in COLUMNS["rating"])


def _columns(path: Path, names: list[str]) -> dict[str, str]:
    """field -> the file's column for it; one line naming what is missing and what was found."""
    found = {field: next((n for n in options if n in names), None) for field, options in COLUMNS.items()}
    missing = [field for field in REQUIRED if found[field] is None]
    if missing:
        wanted = " or ".join(f"'{n}'" for n in COLUMNS[missing[0]])
        raise InputError(path, f"missing column {wanted} (found: {column_names(names)})")
    return {field: column for field, column in found.items() if column is not None}


def read_table(path: Path, raw: bytes) -> pa.Table:
    try:
        return pq.read_table(pa.BufferReader(raw))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"not a readable parquet file ({exc})") from exc


def _dates(path: Path, column: pa.ChunkedArray) -> pa.Array:
    if pa.types.is_date(column.type):
        return column.cast(pa.date32())
    if pa.types.is_timestamp(column.type):
        return pc.cast(column, pa.date32())
    try:
        return pc.cast(pc.utf8_slice_codeunits(column.cast(pa.string()), 0, 10), pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(path, f"not a date ({exc})", field="leaderboard_publish_date") from exc


def _number(path: Path, table: pa.Table, column: str | None, kind: pa.DataType) -> pa.Array:
    if column is None:
        return pa.nulls(table.num_rows, kind)
    try:
        return pc.cast(table[column], kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(path, f"not a number ({exc})", field=column) from exc


def _text(table: pa.Table, column: str | None) -> pa.Array:
    return pa.nulls(table.num_rows, pa.string()) if column is None else table[column].cast(pa.string())


def _extras(table: pa.Table, used: set[str]) -> pa.Array:
    """The columns this version does not read, per row, as a JSON object (null: none)."""
    rest = [name for name in table.column_names if name not in used]
    if not rest:
        return pa.nulls(table.num_rows, pa.string())
    rows = table.select(rest).to_pylist()
    return pa.array([json.dumps(row, sort_keys=True, default=str) for row in rows], pa.string())


def _canonical(table: pa.Table, columns: dict[str, str]) -> pa.Table:
    """One publication's rows in a fixed order, without schema metadata: the same rows give the
    same bytes, whichever file they were read from."""
    order = [(columns["category"], "ascending"), (columns["model_name"], "ascending")]
    table = table.sort_by(order).combine_chunks()
    return table.replace_schema_metadata(None)


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def board_rows(path: Path, table: pa.Table, subset: str, columns: dict[str, str],
               day: date) -> pa.Table:
    """``board_entries`` rows of one publication (without ``snapshot_id``)."""
    board, style_control = SUBSETS[subset]
    n = table.num_rows
    categories = [CATEGORIES.get(c, c) if c is not None else None
                  for c in table[columns["category"]].cast(pa.string()).to_pylist()]
    names = _text(table, columns["model_name"])
    fields = {
        "source": pa.array([FORMAT] * n, pa.string()),
        "board": pa.array([board] * n, pa.string()),
        "category": pa.array(categories, pa.string()),
        "style_control": pa.array([style_control] * n, pa.bool_()),
        "snapshot_date": pa.array([day] * n, pa.date32()),
        "model_key": names, "model_name": names,
        "rating": _number(path, table, columns["rating"], pa.float64()),
        "ci_low": _number(path, table, columns.get("ci_low"), pa.float64()),
        "ci_high": _number(path, table, columns.get("ci_high"), pa.float64()),
        "votes": _number(path, table, columns.get("votes"), pa.int64()),
        "rank": _number(path, table, columns.get("rank"), pa.int64()),
        "rank_style": pa.nulls(n, pa.int64()),
        "org_label": _text(table, columns.get("organization")),
        "licence_label": _text(table, columns.get("license")),
        "url": pa.nulls(n, pa.string()),
        "shown_rows": pa.nulls(n, pa.int64()),  # every row of every board is published
        "extra": _extras(table, set(columns.values())),
    }
    return pa.table(fields).cast(pa.schema([f for f in BOARD_ENTRIES if f.name != "snapshot_id"]))


def parse(path: Path, raw: bytes, snapshot_date: date | None = None,
          subset: str | None = None) -> list[Parsed]:
    """One snapshot per publish date in the file (``snapshot_date`` is not used: the rows carry
    the publisher's dates)."""
    subset = subset or subset_of(path)
    table = read_table(path, raw)
    columns = _columns(path, table.column_names)
    if table.num_rows == 0:
        raise InputError(path, "no rows")
    days = _dates(path, table[columns["publish_date"]])
    if days.null_count:
        row = days.to_pylist().index(None) + 1
        raise InputError(path, "the publish date is missing", row=row, field=columns["publish_date"])
    parsed = []
    for day in sorted(set(days.to_pylist())):
        rows = _canonical(table.filter(pc.equal(days, pa.scalar(day, pa.date32()))), columns)
        name = f"{subset}_{day.isoformat()}.arrows"
        item = Parsed(Path(name), FORMAT, day, {}, _ipc(rows), origin=str(path),
                      notes={"subset": subset, "rows": rows.num_rows}, dated_by="publisher")
        entries = board_rows(path, rows, subset, columns, day)
        item.arrow["board_entries"] = entries.append_column(
            "snapshot_id", pa.array([item.snapshot_id] * entries.num_rows, pa.string()))
        parsed.append(item)
    return parsed


def parse_publication(path: Path, raw: bytes) -> Parsed:
    """One stored publication again, from its raw bytes (the Arrow IPC stream ``parse`` kept,
    named ``<subset>_<date>.arrows``): the same snapshot, row for row (``store repair``)."""
    subset, _, day_text = path.stem.rpartition("_")
    if subset not in SUBSETS:
        raise InputError(path, f"not a stored Arena publication (unknown subset {subset!r})")
    try:
        rows = pa.ipc.open_stream(raw).read_all()
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"not a readable Arrow stream ({exc})") from exc
    columns = _columns(path, rows.column_names)
    day = date.fromisoformat(day_text)
    item = Parsed(path, FORMAT, day, {}, raw, notes={"subset": subset, "rows": rows.num_rows},
                  dated_by="publisher")
    entries = board_rows(path, rows, subset, columns, day)
    item.arrow["board_entries"] = entries.append_column(
        "snapshot_id", pa.array([item.snapshot_id] * entries.num_rows, pa.string()))
    return item
