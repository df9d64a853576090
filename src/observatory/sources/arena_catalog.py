"""LMArena's arena-catalog JSON boards: ``{category: {model_key: {rating, rating_q025, rating_q975}}}``.

File names say the board: ``leaderboard-{text,vision,image}[-style-control][_YYYY-MM-DD].json``.
The intervals are bootstrap 2.5/97.5 percentiles; there is no vote count.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError
from observatory.sources.base import Parsed, date_from_name, load_json, opt_float, req_float

FORMAT = "arena-catalog"
NAME_PATTERN = re.compile(r"leaderboard-([a-z]+?)(-style-control)?(?:_|\.json|$)")


def sniff(data: Any) -> bool:
    if not isinstance(data, dict) or not data:
        return False
    first = next(iter(data.values()))
    if not isinstance(first, dict) or not first:
        return False
    entry = next(iter(first.values()))
    return isinstance(entry, dict) and "rating" in entry


def board_from_name(path: Path) -> tuple[str, bool]:
    match = NAME_PATTERN.search(path.name)
    if not match:
        return "text", "style-control" in path.name
    return match[1], match[2] is not None


def parse(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    if not sniff(data):
        raise InputError(path, "not an arena-catalog board ({category: {model: {rating}}})")
    snapshot_date = snapshot_date or date_from_name(path)
    board, style_control = board_from_name(path)
    rows = []
    for category, models in data.items():
        if not isinstance(models, dict):
            raise InputError(path, "expected an object of models", field=category)
        for model_key, entry in models.items():
            where = f"{category}.{model_key}"
            if not isinstance(entry, dict):
                raise InputError(path, "expected an object with 'rating'", field=where)
            rows.append(
                {
                    "source": FORMAT,
                    "board": board,
                    "category": category,
                    "style_control": style_control,
                    "snapshot_date": snapshot_date,
                    "model_key": model_key,
                    "model_name": model_key,
                    "rating": req_float(path, entry.get("rating"), None, f"{where}.rating"),
                    "ci_low": opt_float(path, entry.get("rating_q025"), None,
                                        f"{where}.rating_q025"),
                    "ci_high": opt_float(path, entry.get("rating_q975"), None,
                                         f"{where}.rating_q975"),
                    "votes": None,
                    "rank": None,
                    "rank_style": None,
                    "org_label": None,
                    "licence_label": None,
                    "url": None,
                }
            )
    return Parsed(path, FORMAT, snapshot_date, {"board_entries": rows}, raw)
