"""LMArena leaderboard CSVs as collected by fboulnois/llm-leaderboard-csv (three column eras).

- 2024-06-19: ``rank,model,arena_elo,95_pct_ci,votes,organization,license,...``
- 2024-07 .. 2024-10: ``arena_score`` replaces ``arena_elo``
- from 2024-11: ``rank_stylectrl`` added after ``rank``
File names say the board and date: ``lmsys_YYYY-MM-DD.csv`` (text) or ``lmarena_{board}_YYYY-MM-DD.csv``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from observatory.errors import InputError
from observatory.sources.base import (
    Parsed,
    csv_header,
    csv_rows,
    date_from_name,
    opt_int,
    opt_str,
    req_float,
)

FORMAT = "lmarena-csv"
REQUIRED = ["model", "95_pct_ci", "votes", "organization", "license"]
RATING_COLUMNS = ("arena_score", "arena_elo")
CI_PATTERN = re.compile(r"^\s*\+\s*([\d.]+)\s*/\s*-\s*([\d.]+)\s*$")
BOARD_IN_NAME = re.compile(r"lmarena_([a-z]+)_")


def signature() -> set[str]:
    return {"rank", "model", "arena_score", "95_pct_ci", "votes", "organization", "license"}


def sniff(header: list[str]) -> bool:
    # The Open LLM Leaderboard x LMArena join also has arena columns, but it is not a board.
    return (
        "model" in header
        and any(col in header for col in RATING_COLUMNS)
        and "model_sha" not in header
    )


def board_from_name(path: Path) -> str:
    match = BOARD_IN_NAME.search(path.name)
    return match[1] if match else "text"


def parse_ci(path: Path, text: str, rating: float, row: int) -> tuple[float, float]:
    match = CI_PATTERN.match(text)
    if not match:
        raise InputError(path, f"interval is not of the form +H/-L: {text!r}", row=row,
                         field="95_pct_ci")
    return rating - float(match[2]), rating + float(match[1])


def parse(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    header = csv_header(path, raw)
    rating_column = next((col for col in RATING_COLUMNS if col in header), None)
    if rating_column is None:
        raise InputError(path, "missing column 'arena_score' (or 'arena_elo')")
    when = snapshot_date or date_from_name(path)
    board = board_from_name(path)
    rows = []
    for number, record in csv_rows(path, raw, [*REQUIRED, rating_column]):
        model = opt_str(record["model"])
        if model is None:
            raise InputError(path, "model name is empty", row=number, field="model")
        rating = req_float(path, record[rating_column], number, rating_column)
        ci_low, ci_high = parse_ci(path, record["95_pct_ci"], rating, number)
        rows.append(
            {
                "source": FORMAT,
                "board": board,
                "category": "full",
                "style_control": False,
                "snapshot_date": when,
                "model_key": model,
                "model_name": model,
                "rating": rating,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "votes": opt_int(path, record["votes"].replace(",", ""), number, "votes"),
                "rank": opt_int(path, record.get("rank"), number, "rank"),
                "rank_style": opt_int(path, record.get("rank_stylectrl"), number,
                                      "rank_stylectrl"),
                "org_label": opt_str(record["organization"]),
                "licence_label": opt_str(record["license"]),
                "url": opt_str(record.get("url")),
            }
        )
    if not rows:
        raise InputError(path, "no data rows after the header")
    return Parsed(path, FORMAT, when, {"board_entries": rows}, raw)
