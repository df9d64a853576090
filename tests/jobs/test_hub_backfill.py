"""The Hub history from the public dumps (``observatory backfill --source hub-weekly|hub-stats``)
end to end against the fake Hub's dataset repositories on loopback, in both layouts, with
synthetic ``models.parquet`` files in the dumps' schema.

Expected dates, counts and values are read in the test from the parquet the fake Hub serves."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.errors import InputError, SourceUnreachableError
from observatory.jobs import hub_backfill
from observatory.jobs.hub_backfill import BackfillOptions
from observatory.sources.http import RetryPolicy
from observatory.testing import FakeHub
from observatory.testing.fake_dumps import (
    DAILY_REPO,
    WEEKLY_REPO,
    commit_daily,
    models_table,
    weekly_files,
    write_models,
)
from tests.cli_runner import run_cli
from tests.jobs.dataset_hub import no_wait

WEEKS = ["2026-01-07", "2026-01-14", "2026-01-21", "2026-01-28"]


def manifests(home: Path) -> list[dict]:
    """The Hub snapshots (not the aggregates computed from them)."""
    return [json.loads(p.read_text()) for p in sorted(home.glob("snapshots/hub-*/*/manifest.json"))
            if "hub-aggregates" not in p.parts]


def stored(home: Path) -> list[tuple[str, str]]:
    return sorted((m["snapshot_date"], m["snapshot_id"]) for m in manifests(home))


def served(files: dict[str, bytes], path: str) -> pa.Table:
    return pq.read_table(pa.BufferReader(files[path]))


def test_weekly_backfill_stores_each_week_dated_by_its_folder(hub: FakeHub, capsys, monkeypatch,
                                                              isolated_home: Path) -> None:
    files = weekly_files(WEEKS, 400, row_group_size=100, grow=25)
    sha = hub.datasets.commit(WEEKLY_REPO, files)
    result = run_cli(capsys, monkeypatch, "backfill", "--source", "hub-weekly", "--since",
                     "2026-01-10")
    assert result.code == 0, result.err
    found = manifests(isolated_home)
    assert sorted(m["snapshot_date"] for m in found) == WEEKS[1:]
    for manifest in found:
        path = f"models/{manifest['snapshot_date']}/models.parquet"
        assert manifest["query"]["path"] == path and manifest["query"]["revision"] == sha
        assert manifest["query"]["licence"].startswith("ODbL-1.0")
        assert manifest["query"]["sha256"] == hub.datasets.tree(WEEKLY_REPO, sha, "models",
                                                                True)[WEEKS.index(
                                                                    manifest["snapshot_date"])
                                                                ]["lfs"]["oid"]
        assert manifest["counts"]["hub_models"] == served(files, path).num_rows
        assert manifest["dated_by"] == "folder date"
        assert "cardData" in manifest["notes"]["columns_skipped"]
    assert f"imported {len(WEEKS) - 1} Hub snapshot(s)" in result.out
    again = run_cli(capsys, monkeypatch, "backfill", "--source", "hub-weekly")
    assert again.code == 0, again.err
    assert "imported 1 Hub snapshot(s)" in again.out  # only the week before --since was left
    assert again.out.count("already in the store") == len(WEEKS) - 1


def test_backfilled_rows_carry_the_dump_values(hub: FakeHub, obs: Observatory) -> None:
    files = weekly_files(WEEKS[:1], 300, row_group_size=64)
    hub.datasets.commit(WEEKLY_REPO, files)
    hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"), policy=no_wait())
    raw = served(files, f"models/{WEEKS[0]}/models.parquet").to_pylist()
    rows = {r["model_id"]: r for r in obs.connection().table("hub_models").to_pyarrow().to_pylist()}
    assert len(rows) == len(raw)
    for record in raw[::7]:
        row = rows[record["id"]]
        assert (row["likes"], row["downloads_30d"], row["downloads_all_time"]) == (
            record["likes"], record["downloads"], record["downloadsAllTime"])
        licence = next(t[len("license:"):] for t in record["tags"] if t.startswith("license:"))
        assert row["licence"] == licence and row["author"] == record["author"]
        declared = record["baseModels"]
        assert row["base_models"] == ([m["id"] for m in declared["models"]] if declared else [])
        assert row["base_relation"] == (declared["relation"] if declared else None)
        config = record["config"]
        assert row["architecture"] == (config["architectures"][0] if config else None)
    configs = {r["model_id"]: r for r in obs.connection().table("hub_configs").to_pyarrow().to_pylist()}
    with_config = [r for r in raw if r["config"] or r["gguf"]]
    assert len(configs) == len(with_config)
    for record in with_config[::5]:  # each model gets its own config's facts (computed here)
        facts, config, gguf = configs[record["id"]], record["config"], record["gguf"]
        tokenizer = (config or {}).get("tokenizer_config") or {}
        template = tokenizer.get("chat_template") or (gguf or {}).get("chat_template")
        assert facts["chat_template_hash"] == hashlib.sha256(template.encode()).hexdigest()[:16]
        assert facts["model_type"] == (config["model_type"] if config else gguf["architecture"])
        total = (record["safetensors"] or {}).get("total") or (gguf or {}).get("total")
        assert facts["params_total"] == total


def test_the_daily_dump_keeps_a_day_a_period_and_skips_unchanged_files(hub: FakeHub, capsys,
                                                                       monkeypatch,
                                                                       isolated_home: Path) -> None:
    days = ["2026-03-01", "2026-03-02", "2026-03-05", "2026-03-09"]
    commit_daily(hub.datasets, days, 150)
    # a later commit that leaves models.parquet as it was on the 9th
    hub.datasets.commit(DAILY_REPO, {"README.md": b"no data change"},
                        when=datetime(2026, 3, 20, 8, 0, tzinfo=UTC))
    result = run_cli(capsys, monkeypatch, "backfill", "--source", "hub-stats", "--every", "4d")
    assert result.code == 0, result.err
    assert sorted(m["snapshot_date"] for m in manifests(isolated_home)) == ["2026-03-01",
                                                                           "2026-03-05",
                                                                           "2026-03-09"]
    assert "skipped 2026-03-20" in result.out and "unchanged" in result.out
    assert {m["dated_by"] for m in manifests(isolated_home)} == {"commit date (UTC)"}


def test_a_missing_daily_dump_is_one_line(hub: FakeHub, capsys, monkeypatch,
                                          isolated_home: Path) -> None:
    result = run_cli(capsys, monkeypatch, "backfill", "--source", "hub-stats")
    assert result.code != 0
    message = result.err.strip()
    assert "cfahlgren1/hub-stats" in message and "use --source hub-weekly" in message
    assert manifests(isolated_home) == []


def test_only_what_the_store_needs_is_transferred(hub: FakeHub, obs: Observatory) -> None:
    content = write_models(models_table(6000), None, row_group_size=2000)
    hub.datasets.commit(WEEKLY_REPO, {f"models/{WEEKS[0]}/models.parquet": content})
    report = hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                                   policy=no_wait())
    assert report.bytes_declared == len(content)
    assert hub.stats()["dataset_bytes"] == report.bytes_read
    assert report.bytes_read < 0.6 * len(content)  # cardData and siblings are never read


def test_a_429_with_retry_after_is_waited_out(hub: FakeHub, obs: Observatory, tmp_path: Path) -> None:
    hub.datasets.commit(WEEKLY_REPO, weekly_files(WEEKS[:2], 200, row_group_size=50))
    hub.set_faults(rate_limit=2, rate_window=1.0)
    policy = RetryPolicy()
    started = time.monotonic()
    report = hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                                   policy=policy)
    refused = hub.stats()["faults"]["rate_limited"]
    assert refused > 0 and 1 <= policy.retries.get("HTTP 429", 0) <= refused
    # the seconds the server asked for (Retry-After, the exhausted quota) were waited
    assert time.monotonic() - started >= policy.waited >= 1.0
    hub.set_faults(rate_limit=0)
    clean = Observatory(tmp_path / "clean")
    whole = hub_backfill.backfill(clean.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                                  policy=no_wait())
    assert sorted(r.snapshot_id for r in report.results) == sorted(r.snapshot_id
                                                                    for r in whole.results)


def test_a_truncated_range_is_fetched_again(hub: FakeHub, obs: Observatory, tmp_path: Path) -> None:
    hub.datasets.commit(WEEKLY_REPO, weekly_files(WEEKS[:2], 200, row_group_size=50))
    hub.set_faults(truncate_every=4)
    policy = no_wait()
    cut = hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                                policy=policy)
    assert hub.stats()["faults"]["truncated"] > 0
    assert any("cut short" in reason or "unreadable" in reason for reason in policy.retries)
    hub.set_faults(truncate_every=0)
    clean = Observatory(tmp_path / "clean")
    whole = hub_backfill.backfill(clean.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                                  policy=no_wait())
    assert sorted(r.snapshot_id for r in cut.results) == sorted(r.snapshot_id for r in whole.results)


def test_a_range_that_stays_truncated_leaves_the_store_unchanged(hub: FakeHub, obs: Observatory,
                                                                 isolated_home: Path) -> None:
    hub.datasets.commit(WEEKLY_REPO, weekly_files(WEEKS[:1], 100, row_group_size=50))
    hub.set_faults(truncate_every=1)
    with pytest.raises(SourceUnreachableError) as caught:
        hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                              policy=no_wait())
    assert "\n" not in str(caught.value)
    assert manifests(isolated_home) == []


def test_a_file_without_ids_is_one_line_and_stores_nothing(hub: FakeHub, obs: Observatory,
                                                          isolated_home: Path) -> None:
    table = models_table(50).drop_columns(["id"])
    hub.datasets.commit(WEEKLY_REPO, {f"models/{WEEKS[0]}/models.parquet": write_models(table)})
    with pytest.raises(InputError, match=r"models/2026-01-07/models.parquet.*no column 'id'"):
        hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                              policy=no_wait())
    assert manifests(isolated_home) == []


def test_unknown_columns_are_kept_and_json_text_columns_are_read(hub: FakeHub,
                                                                 obs: Observatory) -> None:
    table = models_table(80)
    config_text = pa.array([json.dumps(c) if c else None for c in table["config"].to_pylist()])
    table = table.set_column(table.schema.get_field_index("config"), "config", config_text)
    table = table.append_column("usedStorage", pa.array(range(80), pa.int64()))
    hub.datasets.commit(WEEKLY_REPO, {f"models/{WEEKS[0]}/models.parquet": write_models(table)})
    hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"), policy=no_wait())
    rows = obs.connection().table("hub_models").to_pyarrow().to_pylist()
    by_id = {r["model_id"]: r for r in rows}
    for number, record in enumerate(table.to_pylist()):
        row = by_id[record["id"]]
        assert json.loads(row["extra"])["used_storage"] == number
        config = json.loads(record["config"]) if record["config"] else None
        assert row["model_type"] == (config["model_type"] if config else None)


def test_bad_periods_and_dates_are_one_line(hub: FakeHub, obs: Observatory) -> None:
    with pytest.raises(InputError, match="--every"):
        hub_backfill.parse_every("weekly")
    with pytest.raises(InputError, match="--since"):
        hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions(
            "hub-weekly", since=date(2026, 2, 1), until=date(2026, 1, 1)), policy=no_wait())


def test_views_read_the_backfilled_history(hub: FakeHub, obs: Observatory) -> None:
    files = weekly_files(WEEKS, 3000, row_group_size=1000, grow=10)
    hub.datasets.commit(WEEKLY_REPO, files)
    hub_backfill.backfill(obs.catalog, hub.base_url, BackfillOptions("hub-weekly"), policy=no_wait())
    frame = obs.downloads("org")
    assert sorted({str(d)[:10] for d in frame["snapshot_date"]}) == WEEKS
    last = served(files, f"models/{WEEKS[-1]}/models.parquet")
    qwen = last.filter(pa.compute.equal(last["author"], "Qwen"))  # Alibaba's one namespace here
    row = frame[(frame["org_id"] == "alibaba") & (frame["snapshot_date"].astype(str).str[:10]
                                                  == WEEKS[-1])]
    assert qwen.num_rows > 0
    assert int(row["downloads_all_time"].iloc[0]) == pa.compute.sum(qwen["downloadsAllTime"]).as_py()


# --- a backfill killed midway, then run again ------------------------------------------------

def test_a_killed_backfill_ends_as_an_uninterrupted_one(hub: FakeHub, tmp_path: Path) -> None:
    hub.datasets.commit(WEEKLY_REPO, weekly_files(WEEKS, 600, row_group_size=50))
    home = tmp_path / "killed"
    env = {**os.environ, "OBSERVATORY_HOME": str(home), "OBSERVATORY_HUB_URL": hub.base_url,
           "HF_HOME": str(tmp_path / "hf-killed"), "HF_HUB_DISABLE_TELEMETRY": "1"}
    hub.set_faults(timeout_every=1, timeout_seconds=0.05)  # slow answers, so the kill lands midway
    command = [sys.executable, "-m", "observatory.cli", "backfill", "--source", "hub-weekly"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120

    def parts_written() -> bool:
        return any(json.loads(p.read_text())["done"] for p in home.glob("runs/dump-*/state.json")
                   if p.stat().st_size) if list(home.glob("snapshots/*/*/manifest.json")) else False

    while process.poll() is None and not parts_written():
        assert time.monotonic() < deadline, "nothing was written"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the backfill ended before it could be killed"
    partial = stored(home)
    assert 0 < len(partial) < len(WEEKS)
    assert list(home.glob("runs/dump-*/parts/m-*.parquet")), "no checkpointed row group to resume"
    hub.set_faults(timeout_every=0)
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    clean = Observatory(tmp_path / "clean")
    hub_backfill.backfill(clean.catalog, hub.base_url, BackfillOptions("hub-weekly"),
                          policy=no_wait())
    assert stored(home) == stored(tmp_path / "clean")
    assert set(partial) <= set(stored(home))
    assert not list(home.glob("runs/dump-*")), "the finished run's checkpoint stays behind"


def test_the_token_is_sent_and_nothing_but_the_snapshot_stays(hub: FakeHub, capsys, monkeypatch,
                                                              isolated_home: Path,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_secret_for_the_test")
    hub.datasets.commit(WEEKLY_REPO, weekly_files(WEEKS[:1], 200, row_group_size=50))
    result = run_cli(capsys, monkeypatch, "backfill", "--source", "hub-weekly")
    assert result.code == 0, result.err
    stats = hub.stats()
    assert stats["with_token"] == stats["dataset_api"] + stats["dataset_files"] > 0
    assert "hf_secret_for_the_test" not in "".join(
        p.read_text(errors="ignore") for p in isolated_home.rglob("*") if p.is_file()
        and p.suffix in (".json", ".parquet", ".duckdb"))
    assert not list(isolated_home.glob("runs/*")) and not list(isolated_home.glob("tmp/*"))
    cached = [p for p in (tmp_path / "hf").rglob("*") if p.is_file()]
    assert cached == []  # read by range requests: no copy of the dump anywhere
