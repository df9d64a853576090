"""Every command of the CLI driven with generated option values (hypothesis, a fixed seed and a
bounded number of examples), on a small store copied fresh for each example.

The commands and their parameters are read from the Typer app itself, so a new command or option
is covered without editing this file (a required parameter whose value cannot be told from its
type needs a line in ``REQUIRED``; the test says so). Each example gives one option a value of a
known class, the others their defaults, and checks:

- no traceback: nothing but ``SystemExit`` escapes ``cli.main()``, no "Traceback" in the output;
- a non-zero exit says why in at most one line on stderr;
- the exit code of the class: a bad value (out of bounds, huge, not a number, an unknown choice, a
  date that is not one, a name the API would refuse) 2; a valid value 0 or 1 (1: no data for the
  question), or 2 only when the command refuses the option in that combination (a chart kind
  that does not read it); free text (ids, paths) 0, 1 or 2;
- a refused command (exit 2) leaves the ``snapshots/`` tree identical, by hash.

Commands that start servers or fetch (serve, fakehub, update, run, backfill) get only bad values,
which must fail before any network; ``report`` (seconds per build) too.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import os
import shutil
import sys
import types
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory import cli
from observatory.api import Observatory
from observatory.cli.app import app
from observatory.cli.charts import READS
from tests.conftest import need_shared
from tests.jobs.bad_input import AA_CSV, ELO_MAX, HF_TABLE, TEXT_JSON, csv_records, write_csv
from tests.metrics.hub_store import adoption_hub, lineage_hub

NETWORK = {"serve", "fakehub", "update", "run", "backfill"}  # bad values only
SLOW = {"report"}  # valid values take seconds: bad values only
# Valid values that would take long (a Spark session, 10^5 bootstrap rounds, 10^7 votes): kept to
# the option's low end and default.
COSTLY = {"backend": ["duckdb"], "bootstrap": None, "votes": None}
DATES = {"as_of", "since", "until", "earlier", "snapshot_date"}  # parsed by cli.common.parse_date
# Names checked against the API's pattern (cli.common.check_name).
NAMES = {"board", "category", "source", "index_version", "pipeline_tag", "org"}
MODEL = "userA/qwen-ft"  # in the small store's Hub snapshot
LAST_PAST_DATE = date(2025, 12, 31)


def _command_table() -> dict[str, Any]:
    """Every leaf command of the app by its words ("store verify"), with its Click command."""
    found: dict[str, Any] = {}

    def walk(command: Any, words: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            found[" ".join(words)] = command
            return
        for name, child in children.items():
            walk(child, (*words, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _command_table()


@dataclass(frozen=True)
class Param:
    command: str
    name: str
    flag: str | None  # None: an argument
    kind: str  # int, float, choice, flag, date, name, path, window, text
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = False
    multiple: bool = False


def _annotation(param: Any) -> Any:
    hint = param.type_descriptor.annotation
    while typing.get_origin(hint) in (typing.Union, types.UnionType, list):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint


def describe(command: str, param: Any) -> Param:
    hint = _annotation(param)
    flag = param.opts[0] if param.param_type_name == "option" else None
    common = {"command": command, "name": param.name, "flag": flag, "required": param.required,
              "multiple": bool(getattr(param, "multiple", False) or param.nargs == -1)}
    if getattr(param, "is_flag", False):
        return Param(kind="flag", **common)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Param(kind="choice", choices=tuple(m.value for m in hint), **common)
    if hint in (int, float):
        return Param(kind=hint.__name__, low=param.min, high=param.max, **common)
    if hint is Path:
        return Param(kind="path", **common)
    if param.type_descriptor.parameter_info.parser is not None:
        return Param(kind=param.name, **common)  # a custom parser: --window
    if param.name in DATES:
        return Param(kind="date", **common)
    if param.name in NAMES:
        return Param(kind="name", **common)
    return Param(kind="text", **common)


PARAMS = {name: [describe(name, p) for p in command.params if p.name != "ctx"]
          for name, command in COMMANDS.items() if name != "fakehub"}  # its own parser


def test_every_numeric_option_is_bounded_both_ways() -> None:
    """An unbounded integer option once let 10^20 reach a query engine (a traceback)."""
    numeric = [p for params in PARAMS.values() for p in params if p.kind in ("int", "float")]
    assert len(numeric) >= 15  # the walk found the options
    unbounded = [f"{p.command} {p.flag}" for p in numeric if p.low is None or p.high is None]
    assert unbounded == []


# --- the small store and the files the commands read ------------------------------------------


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three board files (a 2023 text board, its category maxima, 40 AA rows), a three-date Hub
    adoption history and a one-date Hub lineage snapshot."""
    need_shared(HF_TABLE, ELO_MAX, AA_CSV, TEXT_JSON)
    work = tmp_path_factory.mktemp("small")
    home = work / "home"
    obs = Observatory(home)
    aa_head = write_csv(work / "aa_llms_daily_compact.csv", csv_records(AA_CSV)[:40])
    assert len(obs.import_paths([HF_TABLE, ELO_MAX, aa_head]).imported) == 3
    (work / "adoption").mkdir()
    (work / "lineage").mkdir()
    adoption_hub(obs, work / "adoption")
    lineage_hub(obs, work / "lineage")
    obs.catalog.refresh()
    # The Hub views compute what a whole-Hub snapshot lacks when first read (a write): done here,
    # so a view run by the test writes nothing.
    obs.update_aggregates()
    obs.close()
    return home


def _votes(path: Path) -> Path:
    rows = [("a", "b", "model_a"), ("b", "c", "model_a"), ("c", "a", "model_b"),
            ("a", "c", "tie"), ("b", "a", "model_b"), ("c", "b", "model_a")] * 3
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["model_a", "model_b", "winner"])
        writer.writerows(rows)
    return path


# Values for required parameters whose value cannot be told from their type.
REQUIRED = {
    ("chart", "out_path"): lambda tmp: str(tmp / "chart.json"),
    ("report", "out_dir"): lambda tmp: str(tmp / "site"),
    ("store export", "out_dir"): lambda tmp: str(tmp / "export"),
    ("simulate-votes", "out_path"): lambda tmp: str(tmp / "votes.csv"),
    ("simulate-votes", "from_board"): lambda tmp: str(shutil.copyfile(TEXT_JSON, tmp / TEXT_JSON.name)),
    ("rate", "votes"): lambda tmp: str(_votes(tmp / "votes_2025-01-01.csv")),
    ("import", "paths"): lambda tmp: str(shutil.copyfile(HF_TABLE, tmp / HF_TABLE.name)),
    ("share", "window"): lambda tmp: "2024-08-01:2025-08-01",
    ("store remove", "ids"): lambda tmp: _a_snapshot_id(),
}


def _a_snapshot_id() -> str:
    """The id of a snapshot of the example's store (its own copy: removing it is harmless)."""
    home = Path(os.environ["OBSERVATORY_HOME"])
    return sorted(home.glob("snapshots/*/*/manifest.json"))[0].parent.name.partition("_")[2]


# What a chart kind cannot draw without (a usage error otherwise, checked by test_charts).
KIND_NEEDS = {"tree": ("model", ["--model", MODEL]),
              "share": ("window", ["--window", "2024-08-01:2025-08-01"])}


def required_value(param: Param, tmp: Path) -> str:
    if (param.command, param.name) in REQUIRED:
        return REQUIRED[(param.command, param.name)](tmp)
    if param.kind == "choice":
        return param.choices[0]
    if param.kind in ("int", "float"):
        return str(param.low)
    if param.kind == "text":
        return MODEL  # a model id, a family, a model key
    raise AssertionError(f"`{param.command}` needs {param.name}: add a value to REQUIRED")


# --- values by class ----------------------------------------------------------------------------

BAD, VALID, FREE = "bad", "valid", "free"
odd_text = st.one_of(
    st.sampled_from(["", " ", "-", "--", "../../etc/passwd", "a\x00b", "é" * 300, "%s%n", "{}", "nan",
                     "1e999", "0x10", "２０２５-01-01", "Qwen/Qwen2.5-7B", MODEL, "nobody/nothing"]),
    st.text(max_size=12))


def values(param: Param, wanted: str) -> st.SearchStrategy[tuple[str, list[str]]]:
    """(class, the words to add) for one parameter: a bad value (``wanted`` BAD), else a valid
    value or free text, as its kind allows."""
    def words(value: str) -> list[str]:
        return [param.flag, value] if param.flag else [value]

    bad: list[st.SearchStrategy[str]] = []
    valid: list[st.SearchStrategy[str]] = []
    if param.kind == "int":
        low, high = int(param.low), int(param.high)
        top = high if param.name not in COSTLY else min(high, low + 2)
        valid.append(st.sampled_from(sorted({low, top})).map(str) | st.integers(low, top).map(str))
        bad.append(st.sampled_from([low - 1, high + 1, 10**20, -(10**20), 2**63]).map(str))
        bad.append(st.sampled_from(["ten", "1.5", "", "1e3"]))
    elif param.kind == "float":
        valid.append(st.floats(param.low, param.high, allow_nan=False).map(repr))
        bad.append(st.sampled_from([param.low - 1, param.high + 1, 1e300]).map(repr))
        bad.append(st.sampled_from(["nan", "inf", "-inf", "fast", ""]))
    elif param.kind == "choice":
        valid.append(st.sampled_from(COSTLY.get(param.name) or list(param.choices)))
        bad.append(st.sampled_from(["nope", "", param.choices[0].upper() + "!"]))
    elif param.kind == "date":
        # a date in the past: one to come is refused where it makes no sense (likes --earlier,
        # import --date), and answered as the latest elsewhere
        valid.append(st.dates(max_value=LAST_PAST_DATE).map(lambda d: d.isoformat()))
        bad.append(st.sampled_from(["2025-13-40", "yesterday", "", "99999-01-01", "2025/01/01"]))
    elif param.kind == "window":
        valid.append(st.sampled_from(["2024-08-01:2025-08-01", "2020-01-01:2030-01-01"]))
        bad.append(st.sampled_from(["2025-08-01:2024-08-01", "2024-08-01", ":", "x:y", ""]))
    elif param.kind == "name":
        bad.append(st.sampled_from(["", "a b", "../x", "-x", "é", "x" * 65]))
    if wanted == BAD:
        return st.one_of(bad).map(lambda value: (BAD, words(value)))
    if param.kind == "flag":
        return st.just((VALID, [param.flag]))
    if valid:
        return st.one_of(valid).map(lambda value: (VALID, words(value)))
    return odd_text.map(lambda value: (FREE, words(value)))  # names, ids, paths: store-dependent


BOUNDED = ("int", "float", "choice", "date", "window", "name")
BAD_PROBES = [(name, param) for name, params in PARAMS.items() for param in params
              if param.kind in BOUNDED]
OTHER_PROBES = [(name, param) for name, params in PARAMS.items() for param in params
                if name not in NETWORK | SLOW]


def snapshot_hashes(home: Path) -> dict[str, str]:
    return {path.relative_to(home).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((home / "snapshots").rglob("*")) if path.is_file()}


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        args: list[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["observatory", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# Valid options the test's data cannot honour, refused as bad input: the votes it rates carry no
# response style features, which --style-control needs.
DATA_REFUSES = {("rate", "style_control")}


def expected_codes(kind: str, param: Param, chart_kind: str | None) -> set[int]:
    if kind == BAD:
        return {2}
    if kind == FREE or (param.command, param.name) in DATA_REFUSES:
        return {0, 1, 2}
    if chart_kind is not None and param.name not in (*READS[chart_kind], "kind", "out_path",
                                                     "backend"):
        return {2}  # a chart kind that does not read the option refuses it
    return {0, 1}


def check(data: st.DataObject, probes: list[tuple[str, Param]], wanted: str, small_store: Path,
          tmp_path: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> None:
    command, param = data.draw(st.sampled_from(probes), label="probe")
    kind, words = data.draw(values(param, wanted), label="value")
    case = tmp_path / f"case-{len(list(tmp_path.iterdir()))}"
    case.mkdir()
    home = case / "home"
    shutil.copytree(small_store, home)
    monkeypatch.setenv("OBSERVATORY_HOME", str(home))
    monkeypatch.chdir(case)
    args = command.split()
    chart_kind = words[-1] if command == "chart" and param.name == "kind" else None
    for other in PARAMS[command]:  # the required ones the probe does not give
        if other.required and other != param:
            if other.name == "kind" and command == "chart":
                value = chart_kind = data.draw(st.sampled_from(other.choices), label="kind")
            else:
                value = required_value(other, case)
            args += [other.flag, value] if other.flag else [value]
    if chart_kind in KIND_NEEDS and param.name != KIND_NEEDS[chart_kind][0]:
        args += KIND_NEEDS[chart_kind][1]
    args += words
    before = snapshot_hashes(home)
    code, out, err = run(capsys, monkeypatch, args)
    shown = f"observatory {' '.join(args)!r} -> {code}\nstdout: {out[-800:]}\nstderr: {err[-1500:]}"
    assert "Traceback" not in out + err, shown
    if code != 0:
        assert len([line for line in err.splitlines() if line.strip()]) <= 1, shown
    assert code in expected_codes(kind, param, chart_kind if kind == VALID else None), shown
    if code == 2:
        assert snapshot_hashes(home) == before, shown


SETTINGS = {"derandomize": True, "deadline": None, "database": None,  # no replays: one fixed run
            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


@settings(max_examples=200, **SETTINGS)
@given(data=st.data())
def test_a_bad_option_value_is_one_usage_line_and_exit_2(
        data: st.DataObject, small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of bounds, huge, not a number, an unknown choice, not a date, a name the API refuses:
    every command, the servers and fetchers included, says so before doing anything."""
    check(data, BAD_PROBES, BAD, small_store, tmp_path, capsys, monkeypatch)


@settings(max_examples=60, **SETTINGS)
@given(data=st.data())
def test_a_valid_option_value_answers_or_says_there_is_no_data(
        data: st.DataObject, small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Values within bounds, known choices, dates, flags: 0 or 1; free text (ids, paths): one
    line at most, and no traceback."""
    check(data, OTHER_PROBES, VALID, small_store, tmp_path, capsys, monkeypatch)
