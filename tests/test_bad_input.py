"""Acceptance: bad input gives one clear line (file, row or field) and leaves the store unchanged.

Covers truncated JSON, a CSV with a missing or renamed column, ragged rows, bad values, unknown
formats, empty files, missing paths, a bad ``--format``, duplicate imports and multi-file imports
where one file is bad. Bad inputs are built in ``tmp_path`` from real shipped files; the shared
data is only ever read.

The CLI is driven through ``observatory.cli.main()`` (the console entry, which maps errors to one
line), in process for speed and in a subprocess to prove the real entry point behaves.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory import cli
from observatory.api import Observatory
from observatory.errors import InputError, ObservatoryError, UnknownFormatError
from observatory.sources.detect import parse_file
from tests.conftest import AA, LMSYS, OFFICIAL, need_shared

LMSYS_CSV = LMSYS / "lmsys_2025-07-18.csv"
TEXT_JSON = OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-03-07.json"
IMAGE_JSON = OFFICIAL / "arena-catalog" / "leaderboard-image_2025-12-11.json"
HF_TABLES = OFFICIAL / "hf-space-leaderboard-tables"
HF_TABLE = HF_TABLES / "leaderboard_table_20230619.csv"
ELO_MAX = HF_TABLES / "elo_data_max_by_category.json"
AA_CSV = AA / "aa_llms_daily_compact.csv"
AA_PAGE = AA / "raw_llms_snapshots" / "llms_2026-04-10.json"
REAL_FILES = (LMSYS_CSV, TEXT_JSON, IMAGE_JSON, HF_TABLE, ELO_MAX, AA_CSV)

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- helpers ------------------------------------------------------------------------------------


def store_state(home: Path) -> dict[str, tuple[int, int] | None]:
    """Every path under the data home: files with (size, mtime_ns), folders as None."""
    state: dict[str, tuple[int, int] | None] = {}
    for path in sorted(home.rglob("*")):
        key = path.relative_to(home).as_posix()
        if path.is_file():
            stat = path.stat()
            state[key] = (stat.st_size, stat.st_mtime_ns)
        else:
            state[key] = None
    return state


def manifests(home: Path) -> list[Path]:
    return sorted((home / "snapshots").glob("*/*/manifest.json"))


def csv_records(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, records: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(records)
    return path


def build_seed(home: Path, work: Path) -> None:
    """A store holding real snapshots (every catalog table non-empty), so 'unchanged' is never
    vacuous."""
    need_shared(*REAL_FILES)
    aa_head = write_csv(work / "aa_llms_daily_compact.csv", csv_records(AA_CSV)[:40])
    report = Observatory(home).import_paths([HF_TABLE, ELO_MAX, aa_head])
    assert len(report.imported) == 3


@pytest.fixture(scope="module")
def seed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("seed") / "home"
    build_seed(home, tmp_path_factory.mktemp("seed-files"))
    return home


@pytest.fixture
def home(isolated_home: Path, seed_home: Path) -> Path:
    """The test's data home ($OBSERVATORY_HOME), holding a copy of the seeded store."""
    shutil.copytree(seed_home, isolated_home)
    assert len(manifests(isolated_home)) == 3
    return isolated_home


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the console entry ``observatory.cli.main`` in process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["observatory", *args])
    capsys.readouterr()
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(code: int, out: str, err: str) -> str:
    """Assert the CLI failed with exactly one non-empty line on stderr; return that line."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1, f"exit code {code}; stderr: {err!r}"
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "Traceback" not in err
    assert out.strip() == ""
    return lines[0]


def expect_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path, *args: str
) -> str:
    """Run an import that must fail: one 'bad input' line and no change at all to the store."""
    before = store_state(home)
    line = one_error_line(*run_cli(monkeypatch, capsys, "import", *args))
    assert line.startswith("bad input: "), line
    assert store_state(home) == before
    return line


# --- bad files, one at a time -------------------------------------------------------------------


def test_truncated_json_names_the_file_and_position(monkeypatch, capsys, home, tmp_path):
    raw = TEXT_JSON.read_bytes()
    bad = tmp_path / TEXT_JSON.name
    bad.write_bytes(raw[: len(raw) // 2])
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert f"bad input: {bad}: invalid JSON at line " in line
    reported = int(line.split("invalid JSON at line ")[1].split()[0])
    assert 1 <= reported <= raw[: len(raw) // 2].count(b"\n") + 1


def test_csv_without_votes_column_names_the_column(monkeypatch, capsys, home, tmp_path):
    records = csv_records(LMSYS_CSV)
    drop = records[0].index("votes")
    bad = write_csv(tmp_path / LMSYS_CSV.name, [r[:drop] + r[drop + 1 :] for r in records])
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line.startswith(f"bad input: {bad}: missing column 'votes'"), line


def test_csv_with_renamed_rating_column_names_the_missing_column(monkeypatch, capsys, home, tmp_path):
    records = csv_records(LMSYS_CSV)
    records[0][records[0].index("arena_score")] = "score"
    bad = write_csv(tmp_path / LMSYS_CSV.name, records)
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line.startswith(f"bad input: {bad}: "), line
    assert "lmarena-csv" in line
    assert "column 'arena_score' is missing" in line


def test_ragged_csv_row_names_the_row(monkeypatch, capsys, home, tmp_path):
    records = csv_records(LMSYS_CSV)
    width = len(records[0])
    records[7] = records[7][:-2]  # the 7th data row, line 8 of the file
    bad = write_csv(tmp_path / LMSYS_CSV.name, records)
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line == f"bad input: {bad}, row 8: expected {width} fields, found {width - 2}"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("arena_score", "about 1400", "not a number: 'about 1400'"),
        ("arena_score", "", "value is missing"),
        ("votes", "many", "not a number: 'many'"),
        ("votes", "12.5", "not a whole number: '12.5'"),
        ("95_pct_ci", "5 either way", "interval is not of the form +H/-L: '5 either way'"),
    ],
)
def test_bad_value_names_file_row_and_field(monkeypatch, capsys, home, tmp_path, column, value, message):
    records = csv_records(LMSYS_CSV)
    data_row = 41  # line 42 of the file (line 1 is the header)
    records[data_row][records[0].index(column)] = value
    bad = write_csv(tmp_path / LMSYS_CSV.name, records)
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line == f"bad input: {bad}, row {data_row + 1}, field '{column}': {message}"


@pytest.mark.parametrize(
    ("mutate", "field_suffix", "message"),
    [
        (lambda entry: entry.pop("rating"), "rating", "value is missing"),
        (lambda entry: entry.update(rating="high"), "rating", "not a number: 'high'"),
        (lambda entry: entry.update(rating_q025=True), "rating_q025", "not a number: True"),
    ],
)
def test_bad_json_value_names_the_field(monkeypatch, capsys, home, tmp_path, mutate, field_suffix, message):
    data = json.loads(IMAGE_JSON.read_text(encoding="utf-8"))
    model = list(data["full"])[3]  # not the first entry, which format detection looks at
    mutate(data["full"][model])
    bad = tmp_path / IMAGE_JSON.name
    bad.write_text(json.dumps(data, indent=4), encoding="utf-8")
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line == f"bad input: {bad}, field 'full.{model}.{field_suffix}': {message}"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.txt",
            "rank,model,arena_score\n1,a,1000\n",
            "unknown file type '.txt'; expected .csv, .json, .jsonl or .parquet",
        ),
        ("lmsys_2025-07-18", "rank,model,arena_score\n1,a,1000\n", "unknown file type '(none)'"),
        ("weather_2025-07-18.csv", "city,temperature,humidity\nParis,21,40\n", "unknown CSV format"),
        ("weather_2025-07-18.json", '{"city": "Paris", "temperature": 21}', "unknown JSON layout"),
        ("list_2025-07-18.json", "[1, 2, 3]", "unknown JSON layout"),
    ],
)
def test_unknown_format_given_explicitly(monkeypatch, capsys, home, tmp_path, name, content, message):
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line.startswith(f"bad input: {bad}: {message}"), line
    with pytest.raises(UnknownFormatError):
        parse_file(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"   \n\t\r\n  \n", "file is empty"),
        (b"\xef\xbb\xbf", "no header row"),  # a UTF-8 byte-order mark and nothing else
        (None, "no data rows after the header"),  # header only
    ],
)
def test_empty_file(monkeypatch, capsys, home, tmp_path, content, message):
    bad = tmp_path / LMSYS_CSV.name
    bad.write_bytes(LMSYS_CSV.read_bytes().split(b"\n", 1)[0] + b"\n" if content is None else content)
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line == f"bad input: {bad}: {message}"


def test_empty_json_file(monkeypatch, capsys, home, tmp_path):
    bad = tmp_path / TEXT_JSON.name
    bad.write_bytes(b"\n\n")
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line == f"bad input: {bad}: file is empty"


def test_not_utf8_names_the_byte(monkeypatch, capsys, home, tmp_path):
    raw = LMSYS_CSV.read_bytes()
    bad = tmp_path / LMSYS_CSV.name
    bad.write_bytes(raw[:1000] + b"\xff\xfe" + raw[1000:])
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert line == f"bad input: {bad}: not UTF-8 text (byte 1000)"


def test_nonexistent_path(monkeypatch, capsys, home, tmp_path):
    missing = tmp_path / "nowhere" / LMSYS_CSV.name
    line = expect_bad_input(monkeypatch, capsys, home, str(missing))
    assert line == f"bad input: {missing}: no such file or folder"


def test_unknown_forced_format(monkeypatch, capsys, home, tmp_path):
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    line = expect_bad_input(monkeypatch, capsys, home, "--format", "nonsense", str(good))
    assert line.startswith(f"bad input: {good}: unknown format 'nonsense'; known formats: "), line
    assert "lmarena-csv" in line


def test_wrong_forced_format(monkeypatch, capsys, home, tmp_path):
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    line = expect_bad_input(monkeypatch, capsys, home, "--format", "arena-catalog", str(good))
    assert line.startswith(f"bad input: {good}: invalid JSON at line 1 column 1"), line


def test_bad_date_option(monkeypatch, capsys, home, tmp_path):
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    line = expect_bad_input(monkeypatch, capsys, home, "--date", "18/07/2025", str(good))
    assert line == "bad input: --date: not a date (YYYY-MM-DD): '18/07/2025'"


def test_file_name_without_date(monkeypatch, capsys, home, tmp_path):
    good = tmp_path / "lmsys_latest.csv"
    shutil.copyfile(LMSYS_CSV, good)
    line = expect_bad_input(monkeypatch, capsys, home, str(good))
    assert line == (f"bad input: {good}: no date (YYYY-MM-DD or YYYYMMDD) in the file name; "
                    "give one with --date")


# --- duplicates and multi-file imports ----------------------------------------------------------


def test_duplicate_import_is_a_no_op(monkeypatch, capsys, home, tmp_path):
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    code, out, err = run_cli(monkeypatch, capsys, "import", str(good))
    assert code == 0, err
    assert "imported 1 snapshot(s): 218 board_entries" in out
    assert len(manifests(home)) == 4
    before = store_state(home)

    code, out, err = run_cli(monkeypatch, capsys, "import", str(good))
    assert code == 0, err
    assert "imported 0 snapshot(s)" in out
    assert "already in the store" in out
    assert "Traceback" not in err
    assert store_state(home) == before

    # The same bytes under another name are still the same content.
    renamed = tmp_path / "lmsys_2025-07-19.csv"
    shutil.copyfile(LMSYS_CSV, renamed)
    code, out, _ = run_cli(monkeypatch, capsys, "import", str(renamed))
    assert code == 0
    assert "already in the store" in out
    assert store_state(home) == before


@pytest.mark.parametrize("order", ["good-first", "bad-first"])
def test_good_and_bad_file_together_write_nothing(monkeypatch, capsys, home, tmp_path, order):
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    records = csv_records(LMSYS_CSV)
    records[100][records[0].index("arena_score")] = "n/a?"
    bad = write_csv(tmp_path / "lmsys_2025-07-17.csv", records)
    paths = [str(good), str(bad)] if order == "good-first" else [str(bad), str(good)]
    line = expect_bad_input(monkeypatch, capsys, home, *paths)
    assert line.startswith(f"bad input: {bad}, row 101, field 'arena_score': ")
    assert len(manifests(home)) == 3


def test_folder_with_a_bad_file_writes_nothing(monkeypatch, capsys, home, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    shutil.copyfile(LMSYS_CSV, folder / LMSYS_CSV.name)
    shutil.copyfile(IMAGE_JSON, folder / IMAGE_JSON.name)
    raw = TEXT_JSON.read_bytes()
    bad = folder / TEXT_JSON.name
    bad.write_bytes(raw[: len(raw) // 3])
    line = expect_bad_input(monkeypatch, capsys, home, str(folder))
    assert line.startswith(f"bad input: {bad}: invalid JSON"), line


def test_two_bad_files_still_give_one_line(monkeypatch, capsys, home, tmp_path):
    empty = tmp_path / "lmsys_2025-07-16.csv"
    empty.write_bytes(b"")
    truncated = tmp_path / TEXT_JSON.name
    truncated.write_bytes(TEXT_JSON.read_bytes()[:5000])
    line = expect_bad_input(monkeypatch, capsys, home, str(empty), str(truncated))
    assert line == f"bad input: {empty}: file is empty"


def test_folder_of_non_data_files_is_skipped_not_imported(monkeypatch, capsys, home, tmp_path):
    folder = tmp_path / "misc"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello\n", encoding="utf-8")
    (folder / "weather_2025-07-18.csv").write_text("city,temperature\nParis,21\n", encoding="utf-8")
    before = store_state(home)
    code, out, err = run_cli(monkeypatch, capsys, "import", str(folder))
    assert code == 0, err
    assert "imported 0 snapshot(s)" in out
    assert "skipped 2 file(s) that are not leaderboard data" in err
    assert "notes.txt" in err
    assert "weather_2025-07-18.csv" in err
    assert store_state(home) == before


def test_good_import_into_empty_store_succeeds(monkeypatch, capsys, isolated_home, tmp_path):
    """The positive control: a good file into a brand-new store (one table only) imports."""
    need_shared(LMSYS_CSV)
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    code, out, err = run_cli(monkeypatch, capsys, "import", str(good))
    assert code == 0, err
    assert "imported 1 snapshot(s): 218 board_entries" in out
    assert len(manifests(isolated_home)) == 1
    assert (isolated_home / "catalog.duckdb").is_file()


def test_value_that_does_not_fit_arrow_writes_nothing(home, tmp_path):
    """Values are checked against the table schema before anything is written, so a good file
    earlier in the same import is not stored either."""
    good = tmp_path / LMSYS_CSV.name
    shutil.copyfile(LMSYS_CSV, good)
    records = csv_records(LMSYS_CSV)
    records[5][records[0].index("votes")] = "1e30"  # a whole number, but beyond int64
    bad = write_csv(tmp_path / "lmsys_2025-07-17.csv", records)
    before = store_state(home)
    # OverflowError rather than InputError is the bug pinned in test_votes_beyond_int64_is_bad_input.
    with pytest.raises((ObservatoryError, OverflowError)):
        Observatory(home).import_paths([good, bad])
    assert store_state(home) == before


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
def test_console_entry_prints_one_line_and_exits_1(home, tmp_path, entry, make):
    args, bad = make(tmp_path)
    if entry == "module":
        command = [sys.executable, "-m", "observatory.cli"]
    else:
        script = Path(sys.executable).with_name("observatory")
        if not script.exists():
            pytest.skip(f"console script not installed at {script}")
        command = [str(script)]
    before = store_state(home)
    env = os.environ.copy()  # carries OBSERVATORY_HOME from the isolated_home fixture
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


# --- regressions: bugs found by these tests and fixed in src ------------------------------------


def test_csv_with_carriage_return_line_endings_reads_the_same_rows(tmp_path, isolated_home):
    """Classic-Mac line endings once crashed the reader with csv.Error; now they are plain CSV."""
    need_shared(LMSYS_CSV)
    bad = tmp_path / LMSYS_CSV.name
    bad.write_bytes(LMSYS_CSV.read_bytes().replace(b"\n", b"\r"))
    expected_rows = len(csv_records(LMSYS_CSV)) - 1
    assert parse_file(bad).counts() == {"board_entries": expected_rows}


@pytest.mark.parametrize(("column", "value"), [("votes", "inf"), ("votes", "NaN"), ("rank", "1e400")])
def test_non_finite_count_names_row_and_field(tmp_path, column, value):
    need_shared(LMSYS_CSV)
    records = csv_records(LMSYS_CSV)
    records[5][records[0].index(column)] = value
    bad = write_csv(tmp_path / LMSYS_CSV.name, records)
    with pytest.raises(InputError) as caught:
        parse_file(bad)
    assert caught.value.row == 6
    assert caught.value.field == column


def test_votes_beyond_int64_is_bad_input(tmp_path, isolated_home):
    need_shared(LMSYS_CSV)
    records = csv_records(LMSYS_CSV)
    records[5][records[0].index("votes")] = "1e30"
    bad = write_csv(tmp_path / LMSYS_CSV.name, records)
    with pytest.raises(InputError):
        Observatory(isolated_home).import_paths([bad])


@pytest.mark.parametrize("column", ["votes", "model"])  # missing column; near match of a format
def test_header_with_a_newline_still_gives_one_line(monkeypatch, capsys, home, tmp_path, column):
    records = csv_records(LMSYS_CSV)
    records[0][records[0].index(column)] = column[:2] + "\n" + column[2:]
    bad = write_csv(tmp_path / LMSYS_CSV.name, records)
    before = store_state(home)
    code, _, err = run_cli(monkeypatch, capsys, "import", str(bad))
    assert code == 1
    assert store_state(home) == before
    assert err.strip().startswith(f"bad input: {bad}: ")
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err


# --- property tests: mutated real files ---------------------------------------------------------


def check_mutant(home: Path, name: str, data: bytes) -> None:
    """Parsing fails only with an ObservatoryError naming the file; a failed import changes nothing;
    a successful one adds exactly one snapshot holding these bytes (or is a duplicate)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            parse_file(path)
        except ObservatoryError as exc:
            assert isinstance(exc, InputError), repr(exc)
            assert str(exc).startswith(str(path)), str(exc)
            assert "\n" not in str(exc), str(exc)

        before = store_state(home)
        old = set(manifests(home))
        try:
            report = Observatory(home).import_paths([path])
        except ObservatoryError:
            assert store_state(home) == before
            return
        new = set(manifests(home)) - old
        if report.duplicates:
            assert store_state(home) == before
        else:
            assert len(new) == 1
            (manifest,) = new
            assert (manifest.parent / "raw" / name).read_bytes() == data


def _edit(data: bytes, edits: list[tuple[bool, int, bytes]]) -> bytes:
    for insert, position, payload in edits:
        at = position % (len(data) + 1)
        data = data[:at] + payload + data[at:] if insert else data[:at] + data[at + len(payload) :]
    return data


EDITS = st.lists(
    st.tuples(
        st.booleans(),
        st.integers(0, 2**31),
        st.binary(min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=6,
)
# Values for one CSV cell, including non-finite numbers and integers beyond int64.
CELL = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "-",
            "N/A",
            "nan",
            "None",
            "+5/-4",
            "+ 3 / - 2",
            "1,234",
            "12%",
            "True",
            "-1",
            "0.5",
            "1e3",
            "Proprietary",
            "Unknown",
        ]
    ),
    st.integers(-(2**70), 2**70).map(str),
    st.floats().map(str),
)


@pytest.fixture
def lmsys_bytes() -> bytes:
    need_shared(LMSYS_CSV)
    return LMSYS_CSV.read_bytes()


@FAST
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_csv_never_crashes(home, lmsys_bytes, cut):
    check_mutant(home, LMSYS_CSV.name, lmsys_bytes[: int(cut * len(lmsys_bytes))])


@FAST
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_json_never_crashes(home, cut):
    need_shared(TEXT_JSON)
    raw = TEXT_JSON.read_bytes()
    check_mutant(home, TEXT_JSON.name, raw[: int(cut * len(raw))])


@FAST
@given(edits=EDITS)
def test_byte_edits_to_csv_never_crash(home, lmsys_bytes, edits):
    check_mutant(home, LMSYS_CSV.name, _edit(lmsys_bytes, edits))


@FAST
@given(edits=EDITS)
def test_byte_edits_to_json_never_crash(home, edits):
    need_shared(IMAGE_JSON)
    check_mutant(home, IMAGE_JSON.name, _edit(IMAGE_JSON.read_bytes(), edits))


@FAST
@given(cells=st.lists(st.tuples(st.integers(1, 10**6), st.integers(0, 10**6), CELL), min_size=1, max_size=4))
def test_cell_replacements_never_crash(home, lmsys_bytes, cells):
    records = list(csv.reader(io.StringIO(lmsys_bytes.decode("utf-8"))))
    for row, column, value in cells:
        record = records[1 + (row - 1) % (len(records) - 1)]
        record[column % len(record)] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(records)
    check_mutant(home, LMSYS_CSV.name, buffer.getvalue().encode("utf-8"))


@pytest.mark.parametrize(("patch", "field"), [
    ({"open_weights": "yes"}, "models[0].open_weights"),
    ({"capabilities": [1]}, "models[0].capabilities"),
    ({"evaluations": None, "creator": "Z AI"}, "models[0].creator"),
])
def test_aa_page_with_wrong_types_is_one_line(monkeypatch, capsys, home, tmp_path, patch, field):
    need_shared(AA_PAGE)
    page = json.loads(AA_PAGE.read_text())
    page["models"][0].update(patch)
    bad = tmp_path / AA_PAGE.name
    bad.write_text(json.dumps(page))
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert f"field '{field}'" in line


def test_aa_page_without_index_values_is_rejected(monkeypatch, capsys, home, tmp_path):
    bad = tmp_path / "llms_2026-05-10.json"
    bad.write_text(json.dumps({"meta": {}, "models": []}))
    line = expect_bad_input(monkeypatch, capsys, home, str(bad))
    assert "no model has an index value" in line
