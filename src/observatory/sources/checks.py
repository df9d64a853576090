"""Nonsense refused at the door: what every parsed file passes before it can become a snapshot.

- A snapshot dated after today (UTC, with one day of tolerance for time zones) is refused.
- Rows with impossible values are excluded and counted by reason: a rating outside its own
  interval, an interval whose low end is above its high end, negative votes, likes or downloads,
  a value outside the scale of its source (``SCALES``).
- A board (or index file) where more than half of the rows are impossible is refused: the file is
  broken, not a few of its rows.

Votes are checked by their own readers (``votes.py``), which already exclude and count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from observatory.errors import InputError
from observatory.sources.base import Parsed

TOLERANCE = timedelta(days=1)
REFUSE_ABOVE = 0.5  # share of impossible rows beyond which a whole board is refused

# (table, column) -> (low, high) of the scale, by the format's family (the part before "-").
# Arena ratings are on an Elo-like scale: the shipped history spans 379 (an interval's low end,
# gpt4all-13b-snoozy on the French board of 2025-03-07) to 1,688; 100-3,000 keeps every real
# board and refuses a 9,999. Artificial Analysis indices are 0-100 by definition.
ARENA = {("board_entries", "rating"): (100.0, 3000.0), ("board_entries", "ci_low"): (100.0, 3000.0),
         ("board_entries", "ci_high"): (100.0, 3000.0), ("board_maxima", "max_rating"): (100.0, 3000.0)}
SCALES: dict[str, dict[tuple[str, str], tuple[float, float]]] = {
    "lmarena": ARENA, "arena": ARENA, "hf": ARENA,
    "aa": {("index_scores", "value"): (0.0, 100.0)},
}
NOT_NEGATIVE = {"board_entries": ("votes",), "hub_models": ("likes", "downloads_30d",
                                                            "downloads_all_time")}
CHECKED = ("board_entries", "board_maxima", "index_scores", "hub_models")


def today() -> date:
    return datetime.now(UTC).date()


def check_date(where: object, day: date, now: date | None = None) -> None:
    """Refuse a snapshot date after today (UTC), beyond one day of tolerance."""
    now = now or today()
    if day > now + TOLERANCE:
        raise InputError(where, f"the snapshot date {day} is after today ({now}, UTC); a board "
                                "cannot be published in the future (give the right one with --date)")


def _reasons(table: pa.Table, name: str, scale: dict[tuple[str, str], tuple[float, float]]
             ) -> list[tuple[str, pa.ChunkedArray]]:
    """(reason, mask of rows it makes impossible) for one table."""
    found = []
    columns = set(table.column_names)
    if {"rating", "ci_low", "ci_high"} <= columns:
        low, high, rating = table["ci_low"], table["ci_high"], table["rating"]
        found.append(("interval's low end above its high end", pc.greater(low, high)))
        found.append(("rating outside its own interval",
                      pc.or_(pc.less(rating, low), pc.greater(rating, high))))
    for column in NOT_NEGATIVE.get(name, ()):
        if column in columns:
            found.append((f"negative {column.replace('_', ' ')}", pc.less(table[column], 0)))
    for (table_name, column), (lowest, highest) in scale.items():
        if table_name == name and column in columns:
            values = table[column]
            found.append((f"{column.replace('_', ' ')} outside {lowest:g}-{highest:g}",
                          pc.or_(pc.less(values, lowest), pc.greater(values, highest))))
    return found


def admit(parsed: Parsed, now: date | None = None) -> Parsed:
    """Check one parsed file (its Arrow tables): refuse a future date or a board mostly made
    of impossible rows, exclude the impossible rows of the rest and count them in
    ``notes["excluded"]`` by reason."""
    check_date(parsed.path, parsed.snapshot_date, now)
    scale = SCALES.get(parsed.format.split("-")[0], {})
    for name in CHECKED:
        table = parsed.arrow.get(name)
        if table is None or table.num_rows == 0:
            continue
        table = table.combine_chunks()
        bad = pa.chunked_array([pa.nulls(table.num_rows, pa.bool_()).fill_null(False)])
        counts: dict[str, int] = {}
        for reason, mask in _reasons(table, name, scale):
            mask = pc.fill_null(mask, False)
            new = pc.and_(mask, pc.invert(bad))  # each row counted under its first reason
            if n := pc.sum(new).as_py():
                counts[reason] = n
            bad = pc.or_(bad, mask)
        excluded = sum(counts.values())
        if not excluded:
            continue
        reasons = ", ".join(f"{reason} ({n:,})" for reason, n in counts.items())
        if excluded > REFUSE_ABOVE * table.num_rows:
            raise InputError(parsed.path, f"{excluded:,} of {table.num_rows:,} {name} rows are "
                                          f"impossible ({reasons}); the file is refused")
        parsed.arrow[name] = table.filter(pc.invert(bad))
        mine = parsed.notes.setdefault("excluded", {})
        for reason, n in counts.items():
            mine[reason] = mine.get(reason, 0) + n
    return parsed


def excluded(notes: dict) -> dict[str, int]:
    """Every row a file lost, by reason, whichever reader counted it (impossible values,
    unreadable records, malformed model rows)."""
    found: dict[str, int] = {}
    for key in ("excluded", "malformed"):
        for reason, n in (notes.get(key) or {}).items():
            if isinstance(n, int) and n:
                found[str(reason)] = found.get(str(reason), 0) + n
    return found


def excluded_line(notes: dict) -> str | None:
    """The import's line about the rows a file lost (None: it lost none)."""
    found = excluded(notes)
    if not found:
        return None
    total = sum(found.values())
    rows = notes.get("rows")
    of = f" of {rows:,}" if isinstance(rows, int) and rows >= total else ""
    parts = ", ".join(f"{reason} {n:,}" for reason, n in sorted(found.items()))
    return f"excluded {total:,}{of} row(s): {parts}"
