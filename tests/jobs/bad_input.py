"""Shared by the bad-input tests of the import job (``test_imports``) and of the console entry
(``tests/cli/test_app``): real shipped files to break, a seeded store, and the contract's checks
(one 'bad input' line, the store unchanged).

Bad inputs are built in ``tmp_path`` from real shipped files; the shared data is only ever read.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from observatory.api import Observatory
from tests.cli_runner import run_cli
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


def store_state(home: Path) -> dict[str, tuple[int, int] | None]:
    """Every path under the data home: files with (size, mtime_ns), folders as None; but the
    lock file, which a writer fills with its name even when it writes nothing else."""
    state: dict[str, tuple[int, int] | None] = {}
    for path in sorted(home.rglob("*")):
        key = path.relative_to(home).as_posix()
        if key == "run.lock":
            continue
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


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the console entry ``observatory.cli.main`` in process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    result = run_cli(capsys, monkeypatch, *args)
    return result.code, result.out, result.err


def one_error_line(code: int, out: str, err: str) -> str:
    """Assert the CLI failed as bad input (exit 2) with exactly one non-empty line on stderr;
    return that line."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, f"exit code {code}; stderr: {err!r}"
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "Traceback" not in err
    assert out.strip() == ""
    return lines[0]


def expect_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path, *args: str
) -> str:
    """Run an import that must fail: one 'bad input' line and no change at all to the store."""
    before = store_state(home)
    line = one_error_line(*run(monkeypatch, capsys, "import", *args))
    assert line.startswith("bad input: "), line
    assert store_state(home) == before
    return line

