"""Downloads over time, crossings, window shares (plain and first-year) and artefact flags on
hand-made Hub snapshots whose answers are worked out in the comments."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.schema import HUB_MODELS

# model -> (created, {date: (all_time, last_30_days)}); Qwen is CN, meta-llama US.
MODELS = {
    "Qwen/Qwen2.5-7B": ("2024-09-01", {"2024-08-01": None, "2025-02-01": (100, 30),
                                        "2025-08-01": (400, 60)}),
    "meta-llama/Llama-3.1-8B": ("2024-07-01", {"2024-08-01": (50, 50), "2025-02-01": (250, 40),
                                               "2025-08-01": (300, 0)}),
    "someone/Qwen2.5-7B-GGUF": ("2025-01-01", {"2025-02-01": (10, 10), "2025-08-01": (8, 5)}),
}


def add_snapshot(obs: Observatory, day: str, tmp: Path) -> None:
    rows = []
    for model_id, (created, history) in MODELS.items():
        counts = history.get(day)
        if counts is None:
            continue
        rows.append({
            "source": "hub-api", "snapshot_date": date.fromisoformat(day), "model_id": model_id,
            "author": model_id.split("/")[0],
            "created_at": datetime.fromisoformat(created).replace(tzinfo=UTC),
            "downloads_all_time": counts[0], "downloads_30d": counts[1], "likes": 1,
            "tags": ["gguf"] if "GGUF" in model_id else [], "base_models": [],
            "pipeline_tag": "text-generation", "snapshot_id": f"s{day}",
        })
    folder = tmp / day
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=HUB_MODELS), folder / "hub_models.parquet")
    digest = hashlib.sha256(day.encode()).hexdigest()
    manifest = {"snapshot_id": f"s{day}", "source": "hub", "format": "hub-api",
                "snapshot_date": day, "content_hash": digest, "origin": "test",
                "counts": {"hub_models": len(rows)}, "imported_at": f"{day}T00:00:00"}
    obs.store.adopt(folder, manifest)


@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    for day in ("2024-08-01", "2025-02-01", "2025-08-01"):
        add_snapshot(obs, day, tmp_path)
    return obs


def test_downloads_by_family_and_crossing(hub: Observatory) -> None:
    frame = hub.downloads("family")
    qwen = frame[frame["family"] == "Qwen"]
    qwen = qwen.set_index(qwen["snapshot_date"].astype(str).str[:10])
    # Qwen family = Qwen2.5-7B + the GGUF repack: 110 then 408.
    assert qwen.loc["2025-02-01", "downloads_all_time"] == 110
    assert qwen.loc["2025-08-01", "downloads_all_time"] == 408
    crossings = hub.download_crossings("family")
    row = crossings[(crossings["group"] == "Qwen") & (crossings["passed"] == "Llama")].iloc[0]
    # Llama 250 > Qwen 110 on 2025-02-01; Qwen 408 > Llama 300 on 2025-08-01.
    assert (str(row["last_date_behind"])[:10], str(row["first_date_ahead"])[:10]) == (
        "2025-02-01", "2025-08-01")


def test_share_by_country_over_a_window(hub: Observatory) -> None:
    frame = hub.share(date(2024, 8, 1), date(2025, 8, 1)).set_index("country")
    # Window downloads: Qwen 400 - 0 (CN); Llama 300 - 50 (US); the GGUF repack 8 - 0 belongs
    # to its uploader, whose country the registry does not know.
    assert frame.loc["CN", "downloads"] == 400
    assert frame.loc["US", "downloads"] == 250
    assert frame.loc["(unknown)", "downloads"] == 8
    assert frame.loc["CN", "share"] == pytest.approx(400 / 658)
    shares = [400 / 658, 250 / 658, 8 / 658]
    assert frame["hhi"].iloc[0] == pytest.approx(sum(x * x for x in shares))


def test_first_year_variant(hub: Observatory) -> None:
    frame = hub.share(date(2024, 8, 1), date(2025, 8, 1), first_year_only=True).set_index("country")
    # Llama (created 2024-07-01): in-window days 2024-08-01..2025-08-01 = 365, of which its
    # first year runs to 2025-07-01 = 334 days -> 250 * 334 / 365.
    assert frame.loc["US", "downloads"] == pytest.approx(250 * 334 / 365)
    # Qwen (created 2024-09-01) is younger than a year at the end: all 400 count.
    assert frame.loc["CN", "downloads"] == pytest.approx(400)


def test_artefacts_are_flagged(hub: Observatory) -> None:
    frame = hub.download_artefacts().set_index(
        hub.download_artefacts()["snapshot_date"].astype(str).str[:10])
    # 2025-08-01: the GGUF repack's all-time count fell 10 -> 8; Llama's 30-day count fell to 0.
    assert frame.loc["2025-08-01", "all_time_decreased"] == 1
    assert frame.loc["2025-08-01", "dropped_to_zero"] == 1
    assert frame.loc["2025-08-01", "gguf"] == 1


@pytest.mark.parametrize("args", [
    ["downloads", "--by", "country", "--format", "json"],
    ["downloads", "--crossings", "--format", "json"],
    ["downloads", "--artefacts", "--format", "json"],
    ["share", "--window", "2024-08-01:2025-08-01", "--format", "json"],
    ["likes", "--format", "json"],
    ["licences", "--by", "country", "--format", "json"],
])
def test_hub_commands(hub: Observatory, capsys, monkeypatch, args) -> None:
    import json

    from tests.cli_runner import run_cli

    result = run_cli(capsys, monkeypatch, *args)
    assert result.code == 0, result.err
    assert json.loads(result.out)


@pytest.mark.parametrize("kind", ["likes", "downloads", "share", "licences"])
def test_hub_charts(hub: Observatory, capsys, monkeypatch, tmp_path: Path, kind: str) -> None:
    from tests.cli_runner import run_cli

    out = tmp_path / f"{kind}.svg"
    extra = ["--window", "2024-08-01:2025-08-01"] if kind == "share" else []
    result = run_cli(capsys, monkeypatch, "chart", kind, "--out", str(out), *extra)
    assert result.code == 0, result.err
    assert "<svg" in out.read_text()[:500]


def test_share_window_must_be_ordered(hub: Observatory, capsys, monkeypatch) -> None:
    from tests.cli_runner import run_cli

    result = run_cli(capsys, monkeypatch, "share", "--window", "2025-08-01:2024-08-01")
    assert result.code == 1 and "--window" in result.err
