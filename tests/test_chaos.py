"""Chaos (issue 21), bounded in time, with a fixed seed: writers killed with SIGKILL at random
moments (import, an Arena backfill from a loopback Hub, rate, report), two imports and a report
build at once while a server reads, random byte flips in the snapshots, a user's file in the report
folder. Then:

- the snapshot set (ids, dates, row counts) equals a clean single-process import's;
- no user file is lost;
- every flipped byte is found by ``store verify`` (flips found = flips made);
- every view on a board no flip touched prints what it prints on the clean store;
- ``store repair`` restores the exact rows of every damaged snapshot, and the store verifies.

Run with ``-s`` to see its figures (processes, kills that landed, flips made and found).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.store.integrity import folder_parts, table_files
from observatory.testing import FakeHub, FakeHubConfig
from observatory.testing.fake_datasets import ARENA_REPO, arena_files
from tests.cli_runner import run_cli
from tests.conftest import AA, LMSYS, OFFICIAL, SHARED, need_shared

SEED = 21
FILES = [LMSYS / "lmsys_2024-07-10.csv", LMSYS / "lmsys_2025-07-18.csv",
         OFFICIAL / "arena-catalog" / "leaderboard-vision_2025-12-11.json",
         OFFICIAL / "arena-catalog" / "leaderboard-image_2025-12-11.json",
         OFFICIAL / "arena-catalog" / "text" / "leaderboard-text_2025-05-20.json",
         # two files of one content under two dated names
         OFFICIAL / "hf-space-leaderboard-tables" / "leaderboard_table_20240307.csv",
         OFFICIAL / "hf-space-leaderboard-tables" / "leaderboard_table_20240313.csv",
         SHARED / "hub-trending-daily" / "2026-08-08.json"]
DAYS = {"text": ["2026-06-02", "2026-09-08"], "webdev": ["2026-08-20"]}
KILLED = ("import", "backfill", "rate", "report", "import", "backfill", "report", "import")
USER_FILE = "about.html"


def snapshot_set(home: Path) -> set[tuple[str, str, str]]:
    found = set()
    for path in (home / "snapshots").glob("*/*/manifest.json"):
        manifest = json.loads(path.read_text())
        found.add((manifest["snapshot_id"], manifest["snapshot_date"],
                   json.dumps(manifest["counts"], sort_keys=True)))
    return found


def tables_by_id(home: Path) -> dict[str, dict[str, object]]:
    found = {}
    for folder in (p.parent for p in (home / "snapshots").glob("*/*/manifest.json")):
        counts = json.loads((folder / "manifest.json").read_text())["counts"]
        found[folder_parts(folder)[1]] = {
            name: [pq.read_table(f).to_pylist() for f in table_files(folder, name)]
            for name, n in counts.items() if n}
    return found


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder of real files to import, and a file of votes drawn from one of them."""
    need_shared(*FILES, AA)
    folder = tmp_path_factory.mktemp("inputs")
    for path in FILES:
        shutil.copyfile(path, folder / path.name)
    lines = (AA / "aa_llms_daily_compact.csv").read_bytes().splitlines(keepends=True)
    (folder / "aa_llms_daily_compact.csv").write_bytes(b"".join(lines[:61]))
    votes = tmp_path_factory.mktemp("votes") / "votes.csv"
    Observatory.simulate_votes(folder / FILES[2].name, votes, 3000, seed=1)
    return folder, votes


@pytest.fixture(scope="module")
def hub() -> FakeHub:
    server = FakeHub(FakeHubConfig(models=10))
    server.start()
    server.datasets.commit(ARENA_REPO, arena_files(DAYS))
    yield server
    server.stop()


def commands(inputs: tuple[Path, Path], site: Path, wait: bool) -> dict[str, list[str]]:
    waiting = ["--wait", "120"] if wait else []
    folder, votes = inputs
    return {"import": ["import", str(folder), *waiting],
            "backfill": ["backfill", "--source", "arena", *waiting],
            "rate": ["rate", str(votes), "--bootstrap", "20", *waiting],
            "report": ["report", "--out", str(site), "--no-images"]}


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "observatory.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def writing(home: Path, site: Path, before: set[tuple[str, str, str]]) -> bool:
    """Whether a writer has begun: work in tmp/, a new snapshot, or a site folder being built."""
    busy = (home / "tmp").exists() and any((home / "tmp").iterdir())
    built = any(site.parent.glob(f".{site.name}.tmp-*"))
    return busy or built or ((home / "snapshots").exists() and snapshot_set(home) != before)


def views(capsys, monkeypatch, home: Path, boards: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OBSERVATORY_HOME", str(home))
    found = {}
    for board in boards:
        for args in (("leaders", "--board", board), ("top", "--all", "--n", "5", "--board", board)):
            result = run_cli(capsys, monkeypatch, *args, "--format", "json")
            found[" ".join(args)] = f"{result.code} {result.out}"
    return found


def test_chaos(inputs: tuple[Path, Path], hub: FakeHub, tmp_path: Path, capsys, monkeypatch) -> None:
    rng = random.Random(SEED)
    clean, home, site = tmp_path / "clean", tmp_path / "home", tmp_path / "site"
    env = {**os.environ, "OBSERVATORY_HUB_URL": hub.base_url, "HF_HOME": str(tmp_path / "hf")}
    figures = {"processes": 0, "kills": 0, "flips": 0, "found": 0, "lost": 0}

    # the clean store: one process, one command after another
    for args in commands(inputs, tmp_path / "clean-site", wait=False).values():
        monkeypatch.setenv("OBSERVATORY_HOME", str(clean))
        monkeypatch.setenv("OBSERVATORY_HUB_URL", hub.base_url)
        result = run_cli(capsys, monkeypatch, *args)
        assert result.code == 0, (args, result.err)
    expected = snapshot_set(clean)
    boards = sorted({b for m in (clean / "snapshots").glob("*/*/manifest.json")
                     for b in json.loads(m.read_text()).get("boards", [])} | {"aa"})

    chaos_env = {**env, "OBSERVATORY_HOME": str(home)}
    run = commands(inputs, site, wait=True)
    first = subprocess.run([sys.executable, "-m", "observatory.cli", *run["report"]],
                           env=chaos_env, capture_output=True, text=True, timeout=300)
    assert first.returncode in (0, 1), first.stderr  # an empty store: pages say "no data"
    (site / USER_FILE).write_text("<p>the user's own page</p>")

    # 1. writers killed at random moments of their writing: once they have begun (something
    # in the home's tmp/ or a new snapshot, or the report's folder being built), a random
    # fraction of a second later
    for name in KILLED:
        before = snapshot_set(home) if (home / "snapshots").exists() else set()
        process = start(run[name], chaos_env)
        figures["processes"] += 1
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline and not writing(
                home, site, before):
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            figures["kills"] += 1
        process.wait(timeout=300)

    # 2. two imports and a report at once, while a server reads
    from fastapi.testclient import TestClient

    from observatory.web.live import Live
    from observatory.web.server import create_app

    statuses: list[int] = []
    stop = threading.Event()

    def read() -> None:
        live = Live(home)
        with TestClient(create_app(live, tmp_path / "served-site")) as client:
            while not stop.wait(0.1):  # a reader, not a load test: the writers get the cores
                statuses.append(client.get("/api/leaders").status_code)
                statuses.append(client.get("/api/snapshots").status_code)
        # closed as the server's process would end: DuckDB keeps one database per file in a
        # process, and the views below run in this one
        live.obs.close()

    reader = threading.Thread(target=read)
    reader.start()
    together = [start(run["import"], chaos_env), start(run["import"], chaos_env),
                start(run["report"], chaos_env)]
    figures["processes"] += 3
    codes = [p.wait(timeout=300) for p in together]
    stop.set()
    reader.join(timeout=120)
    assert codes[:2] == [0, 0], [p.stderr.read() if p.stderr else "" for p in together]
    assert codes[2] in (0, 1)
    assert statuses and not [s for s in statuses if s >= 500], statuses

    # 3. every writer once more, to the end: the store is the clean one
    for name in ("import", "backfill", "rate", "report"):
        done = subprocess.run([sys.executable, "-m", "observatory.cli", *run[name]], env=chaos_env,
                              capture_output=True, text=True, timeout=300)
        figures["processes"] += 1
        assert done.returncode == 0, (name, done.stderr)
    assert snapshot_set(home) == expected
    assert (site / USER_FILE).read_text() == "<p>the user's own page</p>"
    figures["lost"] = 0 if (site / USER_FILE).exists() else 1
    on_clean = views(capsys, monkeypatch, clean, boards)
    assert views(capsys, monkeypatch, home, boards) == on_clean

    # 4. byte flips: in the tables of three board snapshots, and in one raw file anywhere
    folders = sorted(p.parent for p in (home / "snapshots").glob("*/*/manifest.json"))
    board_folders = [f for f in folders if "boards" in json.loads((f / "manifest.json").read_text())]
    flipped: dict[Path, Path] = {}
    for folder in rng.sample(board_folders, 3):
        flipped[folder] = rng.choice(sorted((folder / "tables").rglob("*.parquet")))
    raw_folder = rng.choice([f for f in folders if f not in flipped and any((f / "raw").iterdir())])
    flipped[raw_folder] = next((raw_folder / "raw").iterdir())
    for path in flipped.values():
        content = bytearray(path.read_bytes())
        content[rng.randrange(len(content))] ^= rng.randrange(1, 256)
        path.write_bytes(bytes(content))
    figures["flips"] = len(flipped)

    monkeypatch.setenv("OBSERVATORY_HOME", str(home))
    verified = run_cli(capsys, monkeypatch, "store", "verify")
    assert verified.code == 5
    figures["found"] = sum(str(path) in verified.out for path in flipped.values())
    assert figures["found"] == figures["flips"], verified.out

    touched = {b for f in flipped if f != raw_folder
               for b in json.loads((f / "manifest.json").read_text()).get("boards", [])}
    untouched = [b for b in boards if b not in touched]
    assert untouched  # the comparison below is not vacuous
    assert views(capsys, monkeypatch, home, untouched) == \
        {k: v for k, v in on_clean.items() if k.split("--board ")[1] in untouched}

    # 5. repair: the exact rows again. A damaged raw file cannot be rebuilt from itself: the
    # command that brought it in brings it again (and replaces the damaged copy)
    monkeypatch.setenv("OBSERVATORY_HOME", str(home))
    repaired = run_cli(capsys, monkeypatch, "store", "repair")
    assert repaired.code == 5, repaired.out + repaired.err
    assert f"{raw_folder.parent.name}/{raw_folder.name}: its raw file is missing or damaged" \
        in repaired.out or "fetch it again" in repaired.out
    assert f"{len(flipped) - 1} snapshot(s) repaired, 1 left damaged" in repaired.out
    for name in ("import", "backfill", "rate"):
        done = subprocess.run([sys.executable, "-m", "observatory.cli", *run[name]], env=chaos_env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (name, done.stderr)
    assert run_cli(capsys, monkeypatch, "store", "verify").code == 0
    assert snapshot_set(home) == expected
    ids = {folder_parts(f)[1] for f in flipped}
    clean_tables, home_tables = tables_by_id(clean), tables_by_id(home)
    assert {i: home_tables[i] for i in ids} == {i: clean_tables[i] for i in ids}
    assert hashlib.sha256((site / USER_FILE).read_bytes()).hexdigest() == hashlib.sha256(
        b"<p>the user's own page</p>").hexdigest()
    with capsys.disabled():
        print(f"\nchaos: {figures['processes']} writer processes, {figures['kills']} killed "
              f"mid-run, {len(statuses)} server reads (none failed), {figures['flips']} byte "
              f"flips made and {figures['found']} found, {figures['lost']} user files lost")
