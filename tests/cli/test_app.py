"""The ``observatory`` app (``cli.app``): one line per error with its prefix, usage errors,
help, version, and the real console entry point in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from observatory import __version__
from observatory.cli.app import TRANSIENT_HINT, error_lines
from observatory.errors import (
    ConfigError,
    EmptyResultError,
    InputError,
    ObservatoryError,
    OutputError,
    SourcesFailed,
    SourceUnreachableError,
    UnknownFormatError,
)
from tests.cli_runner import run_cli
from tests.jobs.bad_input import (
    LMSYS_CSV,
    TEXT_JSON,
    csv_records,
    home,
    one_error_line,
    seed_home,
    store_state,
    write_csv,
)

__all__ = ["home", "seed_home"]  # the shared fixtures, used by name

# --- error_lines: the one table that turns an error into what the user reads ---------------------


def test_each_error_type_has_its_prefix() -> None:
    assert error_lines(InputError("a.csv", "not a number: 'x'", row=3, field="votes")) == [
        "bad input: a.csv, row 3, field 'votes': not a number: 'x'"]
    assert error_lines(UnknownFormatError("b.txt", "unknown file type '.txt'")) == [
        "bad input: b.txt: unknown file type '.txt'"]
    assert error_lines(ConfigError("set AA_API_KEY")) == ["configuration: set AA_API_KEY"]
    assert error_lines(EmptyResultError("nothing imported")) == ["no data: nothing imported"]
    assert error_lines(OutputError("/x/y.png", "Not a directory")) == [
        "cannot write: /x/y.png: Not a directory"]
    assert error_lines(ObservatoryError("odd")) == ["error: odd"]


def test_a_transient_error_says_it_may_pass() -> None:
    assert TRANSIENT_HINT == " (this may pass: run the same command again)"
    assert error_lines(SourceUnreachableError("http://h/x.json", "HTTP 503")) == [
        "unreachable: could not reach http://h/x.json: HTTP 503 (this may pass: run the same "
        "command again)"]


def test_a_job_hint_replaces_the_generic_one() -> None:
    unreachable = SourceUnreachableError("http://h/api/models", "HTTP 503")
    unreachable.hint = "run the same command again to resume"
    bad_page = InputError("http://h/api/models", "expected a JSON list of models")
    bad_page.hint = "run the same command again to resume"
    assert error_lines(SourcesFailed([("hub", unreachable), ("hub", bad_page)])) == [
        "unreachable: hub: could not reach http://h/api/models: HTTP 503 (run the same command "
        "again to resume)",
        "bad input: hub: http://h/api/models: expected a JSON list of models (run the same "
        "command again to resume)",
    ]


def test_sources_failed_is_one_line_per_source_each_with_its_own_prefix() -> None:
    failed = SourcesFailed([
        ("arena", SourceUnreachableError("http://h/arena/leaderboard-text.json", "timed out")),
        ("aa", ConfigError("the Artificial Analysis API needs a key")),
        ("hub", InputError("page 3", "not a list")),
    ])
    assert error_lines(failed) == [
        "unreachable: arena: could not reach http://h/arena/leaderboard-text.json: timed out"
        " (this may pass: run the same command again)",
        "configuration: aa: the Artificial Analysis API needs a key",
        "bad input: hub: page 3: not a list",
    ]
    assert str(failed) == ("arena: could not reach http://h/arena/leaderboard-text.json: timed out; "
                           "aa: the Artificial Analysis API needs a key; hub: page 3: not a list")


# --- usage, help, version -----------------------------------------------------------------------


@pytest.mark.parametrize(("args", "line"), [
    (["leaders", "--by", "nope"],
     "usage: Invalid value for '--by': 'nope' is not one of 'country', 'org'. (see --help)"),
    (["nonsense"], "usage: No such command 'nonsense'. (see --help)"),
    (["top", "--n", "0"],
     "usage: Invalid value for '--n': Input should be greater than or equal to 1 (see --help)"),
])
def test_a_usage_error_is_one_line_and_exit_2(capsys, monkeypatch, args, line) -> None:
    result = run_cli(capsys, monkeypatch, *args)
    assert result.code == 2
    assert [text for text in result.err.splitlines() if text.strip()] == [line]
    assert result.out == ""
    assert "Traceback" not in result.err


def test_bare_observatory_prints_help_and_exits_0(capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch)
    assert result.code == 0
    first = result.out.splitlines()[0]  # the program name depends on how Python was started
    assert first.startswith("Usage: ") and first.endswith(" [OPTIONS] COMMAND [ARGS]...")
    assert "Open Weights Observatory: who leads open-weight AI" in result.out
    for command in ("import", "update", "run", "leaders", "chart", "registry", "store"):
        assert f"\n  {command} " in result.out, command
    assert result.err == ""


def test_version(capsys, monkeypatch) -> None:
    result = run_cli(capsys, monkeypatch, "--version")
    assert result.code == 0
    assert result.out == f"observatory {__version__}\n"
    assert __version__[:1].isdigit()


# --- the real console entry, in a subprocess ----------------------------------------------------


def _truncated_json(tmp_path: Path) -> tuple[list[str], Path]:
    bad = tmp_path / TEXT_JSON.name
    bad.write_bytes(TEXT_JSON.read_bytes()[:123_457])
    return [str(bad)], bad


def _good_and_ragged_csv(tmp_path: Path) -> tuple[list[str], Path]:
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    records = csv_records(LMSYS_CSV)
    records[3].append("extra")
    bad = write_csv(tmp_path / "lmsys_2025-07-17.csv", records)
    return [str(good), str(bad)], bad


@pytest.mark.parametrize(
    ("entry", "make"),
    [
        ("module", _truncated_json),
        ("script", _good_and_ragged_csv),
    ],
)
def test_console_entry_prints_one_line_and_exits_2(home, tmp_path, entry, make):
    args, bad = make(tmp_path)
    if entry == "module":
        command = [sys.executable, "-m", "observatory.cli"]
    else:
        script = Path(sys.executable).with_name("observatory")
        if not script.exists():
            pytest.skip(f"console script not installed at {script}")
        command = [str(script)]
    before = store_state(home)
    env = os.environ.copy()  # carries OBSERVATORY_HOME from the home fixture
    assert env["OBSERVATORY_HOME"] == str(home)
    done = subprocess.run(
        [*command, "import", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = one_error_line(done.returncode, done.stdout, done.stderr)
    assert line.startswith(f"bad input: {bad}"), line
    assert store_state(home) == before


def test_the_choices_of_options_are_the_library_s() -> None:
    """Option choices are spelled out for --help without loading the library; they must stay
    the library's own."""
    from observatory.cli import boards, hub, jobs, lineage
    from observatory.jobs import update
    from observatory.lineage.edges import RELATIONS
    from observatory.metrics import derivatives, downloads, leaders

    assert [relation.value for relation in lineage.Relation] == list(RELATIONS)
    assert {by.value for by in lineage.DerivBy} == set(derivatives.BY)
    assert {by.value: column for by, column in boards.GROUP_COLUMN.items()} == leaders.GROUPS
    assert {group.value for group in hub.Group} == set(downloads.GROUPS)
    assert [source.value for source in jobs.Source] == list(update.SOURCES)
