"""The commands that read files, driven with mutated copies of real shipped files (hypothesis, a
fixed seed and a bounded number of examples): truncated, bytes flipped, a column renamed, the
date shifted into the past or the future.

Whatever the mutation: no traceback, a non-zero exit says why in exactly one line, and a refused
write leaves the ``snapshots/`` tree identical by hash. The exit code is the one of its class: a
future date 2, a required column renamed 2, a date shifted into the past 0; a cut or a flipped
byte may still leave a readable file (a CSV cut at a line's end is a shorter board), so those are
0 or 2, and 0 only with the snapshot stored (or found already stored).
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory.api import Observatory
from tests.cli_runner import run_cli
from tests.conftest import AA, LMSYS, OFFICIAL, SHARED, need_shared

# Small real files of each kind the store reads: an LMArena CSV, an arena-catalog JSON, an HF
# Space table, a saved Hub listing, a model-tree CSV.
FILES = {
    "lmarena-csv": LMSYS / "lmsys_2024-07-10.csv",
    "arena-catalog": OFFICIAL / "arena-catalog" / "leaderboard-vision_2025-12-11.json",
    "hf-space-table": OFFICIAL / "hf-space-leaderboard-tables" / "leaderboard_table_20230619.csv",
    "hub-listing": SHARED / "hub-trending-daily" / "2026-08-08.json",
    "aa": AA / "aa_llms_daily_compact.csv",
}
REQUIRED = {"lmarena-csv": "votes", "hf-space-table": "Model", "aa": "slug"}
SETTINGS = settings(derandomize=True, deadline=None, max_examples=10, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def tree(home: Path) -> dict[str, str]:
    root = home / "snapshots"
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    found = {}
    for kind, path in FILES.items():
        if not path.exists():
            continue
        raw = path.read_bytes()
        if kind == "aa":  # the daily CSV is large: its header and first 60 rows
            raw = b"".join(raw.splitlines(keepends=True)[:61])
        found[kind] = raw
    if not found:
        need_shared(*FILES.values())
    return found


def name_of(kind: str, day: date) -> str:
    return {"lmarena-csv": f"lmsys_{day}.csv", "arena-catalog": f"leaderboard-vision_{day}.json",
            "hf-space-table": f"leaderboard_table_{day:%Y%m%d}.csv",
            "hub-listing": f"listing_{day}.json", "aa": f"aa_llms_daily_compact_{day}.csv"}[kind]


def original_day(kind: str) -> date:
    return {"lmarena-csv": date(2024, 7, 10), "arena-catalog": date(2025, 12, 11),
            "hf-space-table": date(2023, 6, 19), "hub-listing": date(2026, 8, 8),
            "aa": date(2026, 1, 1)}[kind]


def check(result, home: Path, before: dict[str, str], codes: set[int]) -> None:  # type: ignore[no-untyped-def]
    text = result.out + result.err
    assert "Traceback" not in text, text
    assert result.code in codes, (result.code, result.err)
    if result.code != 0:
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert len(lines) == 1, result.err
        assert tree(home) == before  # refused: not a byte of snapshots/ changed
    else:
        assert "imported 1 snapshot(s)" in result.out or "already in the store" in result.out


def run_import(capsys, monkeypatch, home: Path, path: Path, *options: str):  # type: ignore[no-untyped-def]
    capsys.readouterr()
    return run_cli(capsys, monkeypatch, "import", str(path), *options)


@given(kind=st.sampled_from(sorted(FILES)), fraction=st.floats(0.0, 0.999))
@SETTINGS
def test_a_truncated_file(isolated_home: Path, tmp_path_factory, originals, capsys, monkeypatch,
                          kind: str, fraction: float) -> None:
    if kind not in originals:
        return
    raw = originals[kind]
    path = tmp_path_factory.mktemp("cut") / name_of(kind, original_day(kind))
    path.write_bytes(raw[: int(len(raw) * fraction)])
    before = tree(isolated_home)
    check(run_import(capsys, monkeypatch, isolated_home, path), isolated_home, before, {0, 2})


@given(kind=st.sampled_from(sorted(FILES)),
       flips=st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(1, 255)), min_size=1,
                      max_size=4))
@SETTINGS
def test_flipped_bytes(isolated_home: Path, tmp_path_factory, originals, capsys, monkeypatch,
                       kind: str, flips: list[tuple[float, int]]) -> None:
    if kind not in originals:
        return
    content = bytearray(originals[kind])
    for where, mask in flips:
        content[int(len(content) * where)] ^= mask
    path = tmp_path_factory.mktemp("flip") / name_of(kind, original_day(kind))
    path.write_bytes(bytes(content))
    before = tree(isolated_home)
    check(run_import(capsys, monkeypatch, isolated_home, path), isolated_home, before, {0, 2})


@given(kind=st.sampled_from(sorted(REQUIRED)), new=st.sampled_from(["", "x", "Votes ", "rank"]))
@SETTINGS
def test_a_required_column_renamed(isolated_home: Path, tmp_path_factory, originals, capsys,
                                   monkeypatch, kind: str, new: str) -> None:
    if kind not in originals:
        return
    lines = originals[kind].decode("utf-8-sig").splitlines(keepends=True)
    header = lines[0].split(",")
    header = [new if cell.strip() == REQUIRED[kind] else cell for cell in header]
    path = tmp_path_factory.mktemp("renamed") / name_of(kind, original_day(kind))
    path.write_text(",".join(header) + "".join(lines[1:]), encoding="utf-8")
    before = tree(isolated_home)
    check(run_import(capsys, monkeypatch, isolated_home, path), isolated_home, before, {2})


@given(kind=st.sampled_from(["lmarena-csv", "arena-catalog", "hf-space-table", "hub-listing"]),
       days=st.integers(-3000, 30000))
@SETTINGS
def test_a_shifted_date(isolated_home: Path, tmp_path_factory, originals, capsys, monkeypatch,
                        kind: str, days: int) -> None:
    """The date in the file's name (or, for a listing, in its body) moved: into the past it is a
    board of another day; beyond tomorrow it is refused."""
    if kind not in originals:
        return
    from observatory.sources.checks import today

    day = original_day(kind) + timedelta(days=days)
    raw = originals[kind]
    if kind == "hub-listing":
        raw = raw.replace(f'"{original_day(kind)}'.encode(), f'"{day}'.encode(), 1)
    path = tmp_path_factory.mktemp("shifted") / name_of(kind, day)
    path.write_bytes(raw)
    before = tree(isolated_home)
    future = day > today() + timedelta(days=1)
    result = run_import(capsys, monkeypatch, isolated_home, path)
    check(result, isolated_home, before, {2} if future else {0})
    if future:
        assert "is after today" in result.err


def test_the_listing_carries_its_date_where_the_test_shifts_it(originals) -> None:
    """The shifted-date test edits the listing's first date string: make sure it is its date."""
    if "hub-listing" not in originals:
        pytest.skip("no listing")
    assert f'"date": "{original_day("hub-listing")}'.encode() in originals["hub-listing"] or \
        f'"{original_day("hub-listing")}'.encode() in originals["hub-listing"][:200]


@given(fraction=st.floats(0.0, 0.999))
@settings(derandomize=True, deadline=None, max_examples=5, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_simulate_votes_from_a_truncated_board(tmp_path_factory, originals, capsys, monkeypatch,
                                               fraction: float) -> None:
    """The other command that reads a board file: a cut file is one line (exit 2) or votes."""
    raw = originals.get("arena-catalog")
    if raw is None:
        return
    folder = tmp_path_factory.mktemp("board")
    path = folder / name_of("arena-catalog", original_day("arena-catalog"))
    path.write_bytes(raw[: int(len(raw) * fraction)])
    capsys.readouterr()
    result = run_cli(capsys, monkeypatch, "simulate-votes", "--from-board", str(path),
                     "--votes", "200", "--out", str(folder / "votes.csv"))
    assert "Traceback" not in result.out + result.err
    assert result.code in (0, 2)
    if result.code:
        assert len(result.err.strip().splitlines()) == 1
        assert not (folder / "votes.csv").exists()


def test_a_store_of_the_real_files_imports(isolated_home: Path, tmp_path: Path, originals) -> None:
    """The unmutated files import (so the mutations above start from valid input)."""
    for kind, raw in originals.items():
        (tmp_path / name_of(kind, original_day(kind))).write_bytes(raw)
    report = Observatory(isolated_home).import_paths([tmp_path])
    assert len(report.imported) == len(originals)
    shutil.rmtree(tmp_path)
