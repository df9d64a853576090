"""The Hub collector end to end against the fake Hub on loopback: full and scoped snapshots,
resume after SIGKILL, injected faults, thresholds, the token, malformed records."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.jobs.hub_collect import HubOptions, collect_hub
from observatory.sources.hub_records import Issues
from observatory.testing import FakeHub, FakeHubConfig, Faults, synthetic_model

N = 3000
SEED = 7


@pytest.fixture(scope="module")
def clean_hub() -> Iterator[FakeHub]:
    hub = FakeHub(FakeHubConfig(models=N, seed=SEED))
    hub.start()
    yield hub
    hub.stop()


def collect(home: Path, url: str, **options: object) -> tuple[Observatory, object, object]:
    obs = Observatory(home)
    settings = {"page_size": 100, "timeout": 5.0, **options}
    result, run = collect_hub(obs.catalog, obs.registry, HubOptions(endpoint=url, **settings),
                              lambda state: None)
    return obs, result, run


def manifest(obs: Observatory, snapshot_id: str) -> dict:
    return next(m for m in obs.store.manifests() if m["snapshot_id"] == snapshot_id)


def test_full_snapshot_has_every_model_once(clean_hub: FakeHub, tmp_path: Path) -> None:
    obs, result, _run = collect(tmp_path / "home", clean_hub.base_url)
    frame = obs.connection().table("hub_models").to_pandas()
    assert len(frame) == N and frame["model_id"].is_unique
    for index in (0, 1, 1234, N - 1):  # values straight from the generator
        record = synthetic_model(SEED, index, N)
        row = frame[frame["model_id"] == record["id"]].iloc[0]
        assert row["likes"] == record["likes"]
        assert row["downloads_all_time"] == record["downloadsAllTime"]
        assert list(row["tags"]) == record["tags"]
    meta = manifest(obs, result.snapshot_id)
    assert meta["counts"] == {"hub_models": N}
    assert meta["notes"]["pages"] == N // 100
    assert meta["query"]["scope"] == "full"
    assert not (tmp_path / "home" / "runs").exists() or not any((tmp_path / "home" / "runs").iterdir())


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """Every served record, from the generator's fast encoder (``test_fakehub`` holds it equal
    to ``synthetic_model``, which takes seconds for all of them)."""
    from observatory.testing.synth import RECORD_FIELDS, universe

    return json.loads(universe(SEED, N).encode_many(range(N), RECORD_FIELDS))


def test_the_fast_records_are_the_generator_s(records: list[dict]) -> None:
    for index in (0, 1, N // 2, N - 1):
        assert records[index] == synthetic_model(SEED, index, N)


def test_llm_scope_and_thresholds(clean_hub: FakeHub, tmp_path: Path, records: list[dict]) -> None:
    obs, _, _ = collect(tmp_path / "llm", clean_hub.base_url, scope="llm")
    got = set(obs.connection().table("hub_models").to_pandas()["model_id"])
    expected = {r["id"] for r in records if r.get("pipeline_tag") in ("text-generation",
                                                                       "image-text-to-text")}
    assert got == expected and expected
    obs, _, _ = collect(tmp_path / "min", clean_hub.base_url, min_downloads=100)
    got = set(obs.connection().table("hub_models").to_pandas()["model_id"])
    assert got == {r["id"] for r in records if (r.get("downloads") or 0) >= 100}


def test_orgs_scope(clean_hub: FakeHub, tmp_path: Path, records: list[dict]) -> None:
    namespaces = ["Qwen", "meta-llama", "deepseek-ai"]
    obs = Observatory(tmp_path / "orgs")
    collect_hub(obs.catalog, obs.registry,
                HubOptions(scope="orgs", endpoint=clean_hub.base_url, page_size=100),
                lambda state: None, namespaces=namespaces)
    got = set(obs.connection().table("hub_models").to_pandas()["model_id"])
    assert got == {r["id"] for r in records if r["id"].split("/")[0] in namespaces}


def test_faults_lose_and_duplicate_nothing(clean_hub: FakeHub, tmp_path: Path) -> None:
    _, clean, _ = collect(tmp_path / "clean", clean_hub.base_url)
    faults = Faults(error_rate=0.15, truncate_every=7, repeat_every=5, timeout_every=11,
                    timeout_seconds=2.0, rate_limit=20, rate_window=1.0, seed=3)
    hub = FakeHub(FakeHubConfig(models=N, seed=SEED, faults=faults))
    url = hub.start()
    try:
        obs, faulty, _run = collect(tmp_path / "faulty", url, timeout=1.0)
    finally:
        hub.stop()
    assert faulty.snapshot_id == clean.snapshot_id  # same content, byte for byte
    retries = manifest(obs, faulty.snapshot_id)["notes"]["retries"]
    assert retries.get("truncated page", 0) > 0
    assert any(key.startswith("HTTP 5") for key in retries)
    assert retries.get("HTTP 429", 0) + retries.get("ReadTimeout", 0) > 0


def run_cli_collect(home: Path, url: str) -> subprocess.Popen:
    env = {**os.environ, "OBSERVATORY_HOME": str(home), "HF_HUB_DISABLE_TELEMETRY": "1",
           "HF_HOME": str(home / "hf")}
    return subprocess.Popen(
        [sys.executable, "-m", "observatory.cli", "update", "--source", "hub", "--endpoint", url,
         "--page-size", "50"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def pages_done(home: Path) -> int:
    for state in (home / "runs").glob("hub-*/state.json"):
        try:
            return json.loads(state.read_text())["pages"]
        except (OSError, ValueError):
            return 0
    return 0


RESUME_MODELS = 20_000  # 400 pages of 50: long enough to kill mid-run reliably


@pytest.fixture(scope="module")
def resume_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeHub, str]]:
    hub = FakeHub(FakeHubConfig(models=RESUME_MODELS, seed=SEED))
    hub.start()
    _, reference, _ = collect(tmp_path_factory.mktemp("reference"), hub.base_url, page_size=50)
    yield hub, reference.snapshot_id
    hub.stop()


@pytest.mark.parametrize("kill_after_pages", [1, 150, 330])
def test_resume_after_sigkill_gives_the_same_snapshot(resume_hub: tuple[FakeHub, str],
                                                      tmp_path: Path, kill_after_pages: int) -> None:
    hub, reference_id = resume_hub
    home = tmp_path / "killed"
    process = run_cli_collect(home, hub.base_url)
    deadline = time.time() + 120
    while pages_done(home) < kill_after_pages and process.poll() is None and time.time() < deadline:
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = pages_done(home)
    assert kill_after_pages <= done < RESUME_MODELS // 50  # killed mid-run, checkpoint on disk
    resumed = run_cli_collect(home, hub.base_url)
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert f"hub snapshot {reference_id}" in out
    assert "(resumed)" in out


def test_token_is_sent_but_never_stored(clean_hub: FakeHub, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    token = "hf_testtokennotasecret123"
    monkeypatch.setenv("HF_TOKEN", token)
    home = tmp_path / "home"
    collect(home, clean_hub.base_url)
    for path in home.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_malformed_and_odd_records_are_counted_not_fatal() -> None:
    from datetime import date

    from observatory.jobs.hub_collect import _rows
    from observatory.store.hub_runs import HubRun

    run = HubRun(Path("/nonexistent"), {"snapshot_date": "2025-01-01", "malformed": {},
                                        "skipped_below_threshold": 0})
    issues = Issues()
    items = [{"id": "a/ok", "likes": 3, "newField": {"x": 1}},
             {"likes": 5},  # no id
             "not an object",
             {"id": "a/bad-types", "likes": "many", "createdAt": 12, "tags": "x"}]
    rows = _rows(items, run, issues, HubOptions())
    assert [r["model_id"] for r in rows] == ["a/ok", "a/bad-types"]
    assert json.loads(rows[0]["extra"]) == {"newField": {"x": 1}}
    assert rows[1]["likes"] is None and rows[1]["created_at"] is None
    assert run.state["malformed"] == {"no model id": 1, "not an object (str)": 1}
    assert issues.counts["likes: not a number"] == 1
    assert rows[0]["snapshot_date"] == date(2025, 1, 1)


def test_enrichment_fills_parameters_and_experts(clean_hub: FakeHub, tmp_path: Path) -> None:
    import pandas as pd

    from observatory.testing import parameter_counts, synthetic_config
    from observatory.testing.synth import universe

    obs, _, run = collect(tmp_path / "enrich", clean_hub.base_url, enrich=40)
    frame = obs.connection().table("hub_models").to_pandas().set_index("model_id")
    assert manifest(obs, run.state and obs.store.manifests()[0]["snapshot_id"])["notes"]["enriched"] == 40
    checked = 0
    # Only enriched rows carry params_active: look those up (generating all N models is slow).
    enriched = frame.index[frame["params_active"].notna()]
    for index in sorted(universe(SEED, N).index_of(model_id) for model_id in enriched):
        record = synthetic_model(SEED, index, N)
        config = synthetic_config(SEED, index, N)
        row = frame.loc[record["id"]]
        if not config or pd.isna(row["params_active"]):
            continue  # not among the 40 enriched, or no config.json to read
        experts = config.get("num_local_experts") or config.get("n_routed_experts")
        if experts and experts > 1:
            assert row["num_experts"] == experts
        total, active = parameter_counts(SEED, index, N)
        if row["params_total"] == total:
            # The config-based estimate of active parameters is within 10% of the true value.
            assert abs(row["params_active"] - active) <= 0.1 * active
            checked += 1
    assert checked > 0


def test_enrichment_stores_fingerprint_facts(clean_hub: FakeHub, tmp_path: Path) -> None:
    from observatory.testing import synthetic_config
    from observatory.testing.synth import universe

    obs, _, _ = collect(tmp_path / "facts", clean_hub.base_url, enrich=40)
    configs = obs.connection().table("hub_configs").to_pandas().set_index("model_id")
    assert 0 < len(configs) <= 40
    checked = 0
    for model_id, row in configs.iterrows():
        index = universe(SEED, N).index_of(model_id)
        assert synthetic_model(SEED, index, N)["id"] == model_id
        config = synthetic_config(SEED, index, N)
        if config is None:  # a GGUF build: facts from its GGUF header only
            assert row["quant_method"] == "gguf"
            continue
        assert row["hidden_size"] == config["hidden_size"]
        assert row["num_layers"] == config["num_hidden_layers"]
        assert row["vocab_size"] == config["vocab_size"]
        checked += 1
    assert checked > 0
    assert set(configs["source"]) == {"hub-api"}
    assert obs.store.manifests()[0]["counts"]["hub_configs"] == len(configs)


def test_a_failed_collection_says_it_resumes(tmp_path: Path) -> None:
    """Whatever stops a collection, its checkpoint stays, and the error says to run it again."""
    import socket

    from observatory.errors import SourceUnreachableError
    from observatory.jobs.hub_collect import RESUME_HINT

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(SourceUnreachableError) as caught:
        collect(tmp_path / "home", closed, timeout=1.0)
    assert caught.value.hint == RESUME_HINT
    assert any((tmp_path / "home" / "runs").glob("hub-*/state.json"))
