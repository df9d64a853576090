"""The import job (``jobs.imports``): every shipped leaderboard file becomes a snapshot, and bad
input gives one clear line (file, row or field) and leaves the store unchanged.

The bad-input contract covers truncated JSON, a CSV with a missing or renamed column, ragged rows,
bad values, unknown formats, empty files, missing paths, a bad ``--format``, duplicate imports and
multi-file imports where one file is bad, and fuzzed (mutated) real files. Bad inputs are built in
``tmp_path`` from real shipped files; the shared data is only ever read. The import is driven
through ``observatory.cli.main()`` (the console entry, which maps errors to one line) in process;
``tests/cli/test_app`` runs the real entry point in a subprocess.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory.api import Observatory
from observatory.errors import InputError, ObservatoryError, UnknownFormatError
from observatory.sources.detect import parse_file
from tests.conftest import AA, LMARENA_2025, LMSYS, OFFICIAL, need_shared
from tests.jobs.bad_input import (
    AA_PAGE,
    IMAGE_JSON,
    LMSYS_CSV,
    TEXT_JSON,
    csv_records,
    expect_bad_input,
    home,
    manifests,
    one_error_line,
    run,
    seed_home,
    store_state,
    write_csv,
)

__all__ = ["home", "seed_home"]  # the shared fixtures, used by name

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def leaderboard_files() -> list:
    """The leaderboard files named in the SOURCE.md files, found by their own patterns."""
    return sorted(
        [*LMSYS.glob("lmsys_*.csv"), *LMARENA_2025.glob("lmarena_*_*.csv"),
         *OFFICIAL.glob("arena-catalog/**/leaderboard-*.json"),
         *OFFICIAL.glob("arena-catalog/scatterplot-data_*.json"),
         *OFFICIAL.glob("hf-space-leaderboard-tables/leaderboard_table_*.csv"),
         OFFICIAL / "hf-space-leaderboard-tables" / "elo_data_max_by_category.json",
         *AA.glob("raw_llms_snapshots/llms_*.json"), AA / "aa_llms_daily_compact.csv"]
    )


def test_every_leaderboard_file_is_a_snapshot(full: Observatory) -> None:
    files = leaderboard_files()
    assert len(files) >= 240  # 88 + 9 + 28 + 1 + 111 + 1 + 2 + 1 per the SOURCE.md files
    hashes = {hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    stored = {m["content_hash"] for m in full.store.manifests()}
    assert hashes == stored


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
    before = store_state(home)  # a usage error, before the file is read
    line = one_error_line(*run(monkeypatch, capsys, "import", "--format", "nonsense", str(good)))
    assert line.startswith("usage: --format: unknown format 'nonsense'; known formats: "), line
    assert store_state(home) == before
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
    code, out, err = run(monkeypatch, capsys, "import", str(good))
    assert code == 0, err
    assert "imported 1 snapshot(s): 218 board_entries" in out
    assert len(manifests(home)) == 4
    before = store_state(home)

    code, out, err = run(monkeypatch, capsys, "import", str(good))
    assert code == 0, err
    assert "imported 0 snapshot(s)" in out
    assert "already in the store" in out
    assert "Traceback" not in err
    assert store_state(home) == before

    # The same bytes under another name are still the same content.
    renamed = tmp_path / "lmsys_2025-07-19.csv"
    shutil.copyfile(LMSYS_CSV, renamed)
    code, out, _ = run(monkeypatch, capsys, "import", str(renamed))
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
    code, out, err = run(monkeypatch, capsys, "import", str(folder))
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
    code, out, err = run(monkeypatch, capsys, "import", str(good))
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


# --- regressions: bugs found by these tests and fixed in src ------------------------------------


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
    code, _, err = run(monkeypatch, capsys, "import", str(bad))
    assert code == 2
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
