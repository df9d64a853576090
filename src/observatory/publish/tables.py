"""Render a result frame as a terminal table, CSV or JSON."""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json")


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def cell(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, bool | np.bool_):  # a nullable "boolean" column yields numpy.bool_
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"
    if isinstance(value, pd.Timestamp | datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value)


def _json_value(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else \
            value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: dates as ISO text, missing values as null."""
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def to_json(frame: pd.DataFrame) -> str:
    return json.dumps(records(frame), indent=2, ensure_ascii=False)


def to_csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, date_format="%Y-%m-%d")
    return buffer.getvalue()


def render(frame: pd.DataFrame, fmt: str, console: Console, title: str | None = None,
           columns: list[str] | None = None) -> None:
    """Print ``frame``; ``columns`` limits the terminal table (CSV/JSON keep every column)."""
    if fmt == "csv":
        console.file.write(to_csv(frame))
        return
    if fmt == "json":
        console.file.write(to_json(frame) + "\n")
        return
    shown = frame[[c for c in (columns or list(frame.columns)) if c in frame.columns]]
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in shown.columns:
        numeric = pd.api.types.is_numeric_dtype(shown[column]) and \
            not pd.api.types.is_bool_dtype(shown[column])
        table.add_column(column, justify="right" if numeric else "left")
    for row in shown.itertuples(index=False):
        table.add_row(*(cell(v) for v in row))
    console.print(table)
