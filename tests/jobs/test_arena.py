"""Arena's leaderboard dataset end to end (``jobs.arena``, ``observatory update --source arena``
and ``observatory backfill --source arena``) against the fake Hub's dataset repositories on
loopback: huggingface_hub's real requests, synthetic parquet files in the documented schema.

Expected dates and counts are read from the rows the fake Hub serves, not from the product."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.errors import InputError, SourceUnreachableError
from observatory.jobs import arena
from observatory.sources import hub_datasets
from observatory.sources.http import RetryPolicy
from observatory.testing import FakeHub
from observatory.testing.fake_datasets import ARENA_REPO, arena_files, arena_rows, parquet_bytes
from tests.cli_runner import run_cli
from tests.jobs.dataset_hub import no_wait

DAYS = {"text": ["2026-06-02", "2026-07-14", "2026-09-08"],
        "text_style_control": ["2026-07-14", "2026-09-08"],
        "webdev": ["2026-08-20"],
        "vision": ["2026-05-30", "2026-09-01"]}


def served_days(files: dict[str, bytes], split: str) -> dict[str, list[str]]:
    """Publish dates per subset, read straight from the served parquet files."""
    found = {}
    for path, content in files.items():
        if path.endswith(f"/{split}-00000-of-00001.parquet"):
            table = pq.read_table(pa.BufferReader(content))
            found[path.split("/")[0]] = sorted(set(table["leaderboard_publish_date"].to_pylist()))
    return found


def manifests(home: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(home.glob("snapshots/*/*/manifest.json"))]


def stored(home: Path) -> list[tuple[str, str]]:
    """(snapshot date, snapshot id) of every snapshot in the store."""
    return sorted((m["snapshot_date"], m["snapshot_id"]) for m in manifests(home))


def test_update_reads_the_latest_publication_of_every_subset(hub: FakeHub, capsys, monkeypatch,
                                                             isolated_home: Path) -> None:
    files = arena_files(DAYS)
    sha = hub.datasets.commit(ARENA_REPO, files)
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena")
    assert result.code == 0, result.err
    assert f"imported {len(DAYS)} snapshot(s)" in result.out
    found = manifests(isolated_home)
    # the snapshot date is the publish date on the rows, never the day of the fetch
    latest = served_days(files, "latest")
    assert sorted(m["snapshot_date"] for m in found) == sorted(days[-1] for days in latest.values())
    assert {m["dated_by"] for m in found} == {"publisher"}
    assert {m["query"]["revision"] for m in found} == {sha}
    assert {m["query"]["split"] for m in found} == {"latest"}
    assert all(m["query"]["licence"].startswith("CC-BY-4.0") for m in found)
    assert {m["query"]["path"] for m in found} == {p for p in files if "/latest-" in p}
    again = run_cli(capsys, monkeypatch, "update", "--source", "arena")
    assert again.code == 0, again.err
    assert "imported 0 snapshot(s)" in again.out and "already in the store" in again.out
    assert len(manifests(isolated_home)) == len(DAYS)


def test_backfill_loads_every_publication_then_only_what_is_new(hub: FakeHub, capsys, monkeypatch,
                                                                isolated_home: Path) -> None:
    files = arena_files(DAYS)
    hub.datasets.commit(ARENA_REPO, files)
    result = run_cli(capsys, monkeypatch, "backfill", "--source", "arena")
    assert result.code == 0, result.err
    full = served_days(files, "full")
    expected = sorted(day for days in full.values() for day in days)
    assert sorted(m["snapshot_date"] for m in manifests(isolated_home)) == expected
    # Arena publishes a new text board: the same command adds that one board only.
    grown = {**DAYS, "text": [*DAYS["text"], "2026-10-01"]}
    hub.datasets.commit(ARENA_REPO, arena_files(grown))
    again = run_cli(capsys, monkeypatch, "backfill", "--source", "arena")
    assert again.code == 0, again.err
    assert "imported 1 snapshot(s)" in again.out
    added = set(stored(isolated_home)) - {(d, i) for d, i in stored(isolated_home) if d != "2026-10-01"}
    assert [day for day, _ in added] == ["2026-10-01"]
    obs = Observatory(isolated_home)
    top = obs.top(n=1, open_weights_only=False)
    assert str(top.iloc[0]["snapshot_date"])[:10] == "2026-10-01"
    assert top.iloc[0]["source"] == "arena-dataset"


def test_update_then_backfill_stores_each_publication_once(hub: FakeHub, obs: Observatory) -> None:
    hub.datasets.commit(ARENA_REPO, arena_files(DAYS))
    first = arena.load(obs.catalog, hub.base_url, "latest", no_wait())
    history = arena.load(obs.catalog, hub.base_url, "full", no_wait())
    assert {r.snapshot_id for r in history.duplicates} == {r.snapshot_id for r in first.imported}
    assert len(history.imported) == sum(len(d) for d in DAYS.values()) - len(DAYS)


def test_subsets_and_boards(hub: FakeHub, obs: Observatory) -> None:
    hub.datasets.commit(ARENA_REPO, arena_files(DAYS))
    report = arena.load(obs.catalog, hub.base_url, "latest", no_wait(),
                        subsets=["webdev", "text_style_control"])
    assert len(report.imported) == 2
    boards = obs.connection().table("board_entries").select("board", "style_control").distinct()
    assert sorted(map(tuple, boards.to_pandas().to_numpy().tolist())) == [("text", True),
                                                                           ("webdev", False)]


def test_a_429_with_retry_after_is_waited_out(hub: FakeHub, obs: Observatory) -> None:
    hub.datasets.commit(ARENA_REPO, arena_files(DAYS))
    hub.set_faults(rate_limit=3, rate_window=2.0)
    policy = RetryPolicy()
    started = time.monotonic()
    report = arena.load(obs.catalog, hub.base_url, "latest", policy)
    assert len(report.imported) == len(DAYS)
    refused = hub.stats()["faults"]["rate_limited"]
    # every 429 is retried: by our policy, or by huggingface_hub itself, whose retries the policy
    # counts from its log (a HEAD it retries silently is not logged, hence <=)
    assert refused > 0 and 1 <= policy.retries.get("HTTP 429", 0) <= refused
    # the seconds the server asked for were waited, not a blind retry
    assert time.monotonic() - started >= policy.waited >= 1.0


def test_a_truncated_download_is_fetched_again(hub: FakeHub, obs: Observatory, tmp_path: Path) -> None:
    hub.datasets.commit(ARENA_REPO, arena_files(DAYS))
    hub.set_faults(truncate_every=3)
    policy = no_wait()
    cut = arena.load(obs.catalog, hub.base_url, "full", policy)
    assert hub.stats()["faults"]["truncated"] > 0 and sum(policy.retries.values()) > 0
    hub.set_faults(truncate_every=0)
    clean = Observatory(tmp_path / "clean")
    whole = arena.load(clean.catalog, hub.base_url, "full", no_wait())
    assert sorted(r.snapshot_id for r in cut.imported) == sorted(r.snapshot_id for r in whole.imported)


def test_a_download_that_stays_truncated_is_one_line(hub: FakeHub, obs: Observatory,
                                                     isolated_home: Path) -> None:
    hub.datasets.commit(ARENA_REPO, arena_files({"text": DAYS["text"]}))
    revision = hub_datasets.revision(hub.base_url, ARENA_REPO, no_wait())
    [file] = [f for f in hub_datasets.folder_files(hub.base_url, ARENA_REPO, revision.sha, "text",
                                                   no_wait()) if "/full-" in f.path]
    hub.set_faults(truncate_every=1)
    with pytest.raises(SourceUnreachableError) as caught:
        hub_datasets.download(hub.base_url, ARENA_REPO, revision.sha, file, no_wait())
    message = str(caught.value)
    assert "\n" not in message
    assert f"/datasets/{ARENA_REPO}/resolve/{revision.sha}/text/full-00000-of-00001.parquet" in message
    assert "truncated download" in message
    with pytest.raises(SourceUnreachableError):  # the whole job: nothing stored
        arena.load(obs.catalog, hub.base_url, "full", no_wait())
    assert manifests(isolated_home) == []


def test_the_token_is_sent_and_never_stored(hub: FakeHub, capsys, monkeypatch,
                                            isolated_home: Path) -> None:
    token = "hf_test_not_a_secret_0123456789"
    monkeypatch.setenv("HF_TOKEN", token)
    hub.datasets.commit(ARENA_REPO, arena_files({"webdev": DAYS["webdev"]}))
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena")
    assert result.code == 0, result.err
    stats = hub.stats()
    assert stats["with_token"] == stats["dataset_api"] + stats["dataset_files"] > 0
    for path in isolated_home.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes()


# --- bad input: one line each, the store unchanged -------------------------------------------

def one_line(result: object) -> str:
    lines = [line for line in result.err.splitlines() if line.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1, result.err  # type: ignore[attr-defined]
    return lines[0]


def test_a_renamed_column_is_one_line(hub: FakeHub, capsys, monkeypatch, isolated_home: Path) -> None:
    rows = [{("elo" if k == "rating" else k): v for k, v in r.items()} for r in arena_rows(DAYS["text"])]
    hub.datasets.commit(ARENA_REPO, {"text/latest-00000-of-00001.parquet": parquet_bytes(rows)})
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena")
    assert result.code == 2
    line = one_line(result)
    assert "text/latest-00000-of-00001.parquet" in line
    assert "missing column 'rating' or 'arena_score' or 'score'" in line and "elo" in line
    assert manifests(isolated_home) == []


def test_a_board_without_any_date_is_one_line(hub: FakeHub, capsys, monkeypatch,
                                              isolated_home: Path) -> None:
    rows = [{**r, "leaderboard_publish_date": None} for r in arena_rows(DAYS["text"])]
    hub.datasets.commit(ARENA_REPO, {"text/latest-00000-of-00001.parquet": parquet_bytes(rows)})
    result = run_cli(capsys, monkeypatch, "update", "--source", "arena")
    assert result.code == 2
    line = one_line(result)
    assert "row 1, field 'leaderboard_publish_date': the publish date is missing" in line
    assert manifests(isolated_home) == []


def test_an_unknown_subset_is_one_line(hub: FakeHub, capsys, monkeypatch, isolated_home: Path) -> None:
    hub.datasets.commit(ARENA_REPO, arena_files(DAYS))
    result = run_cli(capsys, monkeypatch, "backfill", "--subset", "text_to_speech")
    assert result.code == 2
    assert one_line(result).startswith(
        "bad input: --subset: unknown arena subset 'text_to_speech'; known subsets: text,")
    assert hub.stats()["requests"] == 0
    assert manifests(isolated_home) == []


def test_a_subset_no_board_maps_is_reported_not_guessed(hub: FakeHub, obs: Observatory) -> None:
    speech = arena_files({"text": ["2026-09-01"]})
    files = {**arena_files({"text": DAYS["text"]}),
             **{p.replace("text/", "text_to_speech/"): c for p, c in speech.items()}}
    hub.datasets.commit(ARENA_REPO, files)
    report = arena.load(obs.catalog, hub.base_url, "latest", no_wait())
    assert len(report.imported) == 1
    assert report.skipped == [("text_to_speech/latest-00000-of-00001.parquet",
                               "unknown arena subset 'text_to_speech'")]


def test_a_dataset_that_is_not_there_is_one_line(hub: FakeHub, obs: Observatory) -> None:
    with pytest.raises(SourceUnreachableError, match=f"/api/datasets/{ARENA_REPO}/revision/main: HTTP 404"):
        arena.load(obs.catalog, hub.base_url, "latest", no_wait())
    with pytest.raises(InputError, match="split: expected one of latest, full"):
        arena.load(obs.catalog, hub.base_url, "newest", no_wait())


# --- a backfill killed midway, then run again ------------------------------------------------

def test_a_killed_backfill_ends_as_an_uninterrupted_one(hub: FakeHub, tmp_path: Path) -> None:
    many = {subset: DAYS["text"] for subset in ("text", "text_style_control", "vision",
                                                 "vision_style_control", "search", "webdev")}
    hub.datasets.commit(ARENA_REPO, arena_files(many))
    home = tmp_path / "killed"
    env = {**os.environ, "OBSERVATORY_HOME": str(home), "OBSERVATORY_HUB_URL": hub.base_url,
           "HF_HOME": str(tmp_path / "hf-killed")}
    hub.set_faults(timeout_every=1, timeout_seconds=0.25)  # slow answers, so the kill lands midway
    command = [sys.executable, "-m", "observatory.cli", "backfill", "--source", "arena"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(home.glob("snapshots/*/*/manifest.json")) and process.poll() is None:
        assert time.monotonic() < deadline, "no snapshot was written"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the backfill ended before it could be killed"
    partial = stored(home)
    assert 0 < len(partial) < 6 * len(DAYS["text"])
    hub.set_faults(timeout_every=0)
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    clean = tmp_path / "clean"
    obs = Observatory(clean)
    arena.load(obs.catalog, hub.base_url, "full", no_wait())
    assert stored(home) == stored(clean)
    assert set(partial) <= set(stored(home))
    assert Observatory(home).top(n=3, open_weights_only=False).equals(obs.top(n=3, open_weights_only=False))
