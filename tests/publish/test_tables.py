"""Result frames as a terminal table, CSV and JSON: dates, missing values, booleans, floats."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from observatory.publish.tables import FORMATS, render, to_csv, to_json


def frame() -> pd.DataFrame:
    """One row per kind of awkward value, in the dtypes metrics hand back."""
    return pd.DataFrame({
        "model": ["deepseek-r1", "llama-3.1", None],
        "day": pd.to_datetime(["2025-01-01", "2025-02-03T12:30:00", None], format="ISO8601"),
        "created": [date(2025, 1, 1), None, date(2025, 3, 4)],
        "rating": [1300.456, 0.12345, np.nan],
        "votes": pd.array([10, None, 3], dtype="Int64"),
        "open": [True, False, True],
        "tied": [True, None, False],  # Ibis hands back a nullable boolean as objects
        "params": [Decimal("671"), Decimal("2.5"), None],
    })


def output(data: pd.DataFrame, fmt: str, **kwargs: object) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None, force_terminal=False)
    render(data, fmt, console, **kwargs)
    return buffer.getvalue()


def table_rows(text: str) -> list[list[str]]:
    """The cells of a rendered rich table: the header first, then each body row."""
    rows = []
    for line in text.splitlines():
        if line.startswith(("┃", "│")):
            rows.append([cell.strip() for cell in line.strip("┃│").replace("┃", "│").split("│")])
    return rows


def test_formats() -> None:
    assert FORMATS == ("table", "csv", "json")


def test_table_cells() -> None:
    text = output(frame(), "table", title="Leaders")
    assert text.splitlines()[0].strip() == "Leaders"
    header, *body = table_rows(text)
    assert header == ["model", "day", "created", "rating", "votes", "open", "tied", "params"]
    assert body == [
        ["deepseek-r1", "2025-01-01", "2025-01-01", "1300.5", "10", "yes", "yes", "671"],
        ["llama-3.1", "2025-02-03 12:30:00", "", "0.123", "", "no", "", "2.5"],
        ["", "", "2025-03-04", "", "3", "yes", "no", ""],
    ]


@pytest.mark.parametrize(("value", "shown"), [
    (0.5, "0.500"), (-0.25, "-0.250"), (0.0, "0.000"), (0.9996, "1.000"), (1.0, "1.0"),
    (-1.25, "-1.2"), (1234.56, "1234.6"), (1e9, "1000000000.0"), (np.float64(2.5), "2.5"),
])
def test_table_floats(value: float, shown: str) -> None:
    assert table_rows(output(pd.DataFrame({"x": [value]}), "table"))[1] == [shown]


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT])
def test_table_missing_values_are_empty(missing: object) -> None:
    data = pd.DataFrame({"x": pd.Series(["a", missing], dtype=object)})
    assert table_rows(output(data, "table"))[1:] == [["a"], [""]]
    assert json.loads(to_json(data)) == [{"x": "a"}, {"x": None}]


def test_table_timestamps() -> None:
    data = pd.DataFrame({"t": [pd.Timestamp("2025-05-06"), pd.Timestamp("2025-05-06T07:08:09"),
                               datetime(2025, 5, 7), pd.Timestamp("2025-05-08", tz="UTC")]})
    cells = [row[0] for row in table_rows(output(data.astype(object), "table"))[1:]]
    assert cells == ["2025-05-06", "2025-05-06 07:08:09", "2025-05-07", "2025-05-08"]


def test_table_numbers_right_booleans_and_text_left() -> None:
    data = pd.DataFrame({"name": ["a"], "score": [7], "flag": [True]})
    lines = [line for line in output(data, "table").splitlines() if line.startswith("│")]
    # Headers are wider than the values: padding shows the justification.
    assert lines[0] == "│ a    │     7 │ yes  │"


def test_columns_limit_only_the_table() -> None:
    data = frame()
    header = table_rows(output(data, "table", columns=["rating", "model", "not-a-column"]))[0]
    assert header == ["rating", "model"]
    assert to_csv(data).splitlines()[0] == ",".join(data.columns)
    assert output(data, "csv", columns=["model"]) == to_csv(data)
    assert output(data, "json", columns=["model"]) == to_json(data) + "\n"
    assert list(json.loads(output(data, "json", columns=["model"]))[0]) == list(data.columns)


def test_empty_frame_table_keeps_headers() -> None:
    rows = table_rows(output(frame().head(0), "table"))
    assert rows == [list(frame().columns)]


def test_csv() -> None:
    assert to_csv(frame()).splitlines() == [
        "model,day,created,rating,votes,open,tied,params",
        "deepseek-r1,2025-01-01,2025-01-01,1300.456,10,True,True,671",
        "llama-3.1,2025-02-03,,0.12345,,False,,2.5",  # a timestamp's time is dropped
        ",,2025-03-04,,3,True,False,",
    ]


def test_render_csv_writes_to_the_console_file() -> None:
    assert output(frame(), "csv", title="ignored") == to_csv(frame())


def test_json() -> None:
    assert json.loads(to_json(frame())) == [
        {"model": "deepseek-r1", "day": "2025-01-01", "created": "2025-01-01", "rating": 1300.456,
         "votes": 10, "open": True, "tied": True, "params": 671},
        {"model": "llama-3.1", "day": "2025-02-03T12:30:00", "created": None, "rating": 0.12345,
         "votes": None, "open": False, "tied": None, "params": 2.5},
        {"model": None, "day": None, "created": "2025-03-04", "rating": None, "votes": 3,
         "open": True, "tied": False, "params": None},
    ]


def test_json_types() -> None:
    data = pd.DataFrame({
        "dec": pd.Series([Decimal("3"), Decimal("3.0"), Decimal("-0.25")], dtype=object),
        "np": pd.Series([np.int64(4), np.float32(0.5), np.bool_(True)], dtype=object),
        "text": ["Zhipu 智谱", "", "a\"b"],
    })
    text = to_json(data)
    assert "智谱" in text  # not escaped
    values = json.loads(text)
    assert [(r["dec"], type(r["dec"])) for r in values] == [(3, int), (3, int), (-0.25, float)]
    assert [r["np"] for r in values] == [4, 0.5, True]
    assert [r["text"] for r in values] == ["Zhipu 智谱", "", "a\"b"]


def test_json_empty_frame() -> None:
    assert to_json(frame().head(0)) == "[]"
    assert output(frame().head(0), "json") == "[]\n"


def test_table_nullable_boolean_dtype_as_yes_no() -> None:
    data = pd.DataFrame({"tied": pd.array([True, None, False], dtype="boolean")})
    assert [row[0] for row in table_rows(output(data, "table"))[1:]] == ["yes", "", "no"]
