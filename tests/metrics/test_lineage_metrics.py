"""Q8, Q9, Q15 and the per-model lineage views on a hand-made Hub snapshot whose answers are
worked out in the comments."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.schema import HUB_MODELS
from tests.cli_runner import run_cli

# model -> (created, bases, relation, downloads_30d, tags). Qwen and DeepSeek are CN, Meta and
# Nvidia US; the user* and bartowski namespaces are community accounts (country unknown).
MODELS = {
    "Qwen/Qwen2.5-7B": ("2024-09-19", [], None, 1000, []),
    "meta-llama/Llama-3.1-8B": ("2024-07-23", [], None, 900, []),
    "deepseek-ai/DeepSeek-R1": ("2025-01-20", [], None, 800, []),
    "userA/qwen-ft": ("2025-01-05", ["Qwen/Qwen2.5-7B"], "finetune", 50, []),
    "userB/llama-ft": ("2025-01-10", ["meta-llama/Llama-3.1-8B"], "finetune", 40, []),
    "userC/merge": ("2025-01-20", ["userA/qwen-ft", "meta-llama/Llama-3.1-8B"], "merge", 30, []),
    "userD/r1-distill": ("2025-01-25", ["deepseek-ai/DeepSeek-R1"], "finetune", 70, []),
    "userF/r1-gguf": ("2025-01-22", ["deepseek-ai/DeepSeek-R1"], "quantized", 20, ["gguf"]),
    "nvidia/Qwen-ft2": ("2025-02-02", ["Qwen/Qwen2.5-7B"], "finetune", 60, []),
    "bartowski/qwen-ft-GGUF": ("2025-02-10", ["userA/qwen-ft"], "quantized", 10, ["gguf"]),
    "someone/Qwen2.5-7B-AWQ": ("2025-03-01", ["Qwen/Qwen2.5-7B"], "quantized", 5, ["awq"]),
    "userE/r1-late": ("2025-04-01", ["deepseek-ai/DeepSeek-R1"], "finetune", 3, []),
}
DAY = "2025-10-01"


@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    rows = [{
        "source": "hub-api", "snapshot_date": date.fromisoformat(DAY), "model_id": model_id,
        "author": model_id.split("/")[0],
        "created_at": datetime.fromisoformat(created).replace(tzinfo=UTC),
        "downloads_30d": downloads, "tags": tags, "base_models": bases, "base_relation": relation,
        "pipeline_tag": "text-generation", "snapshot_id": "lineage",
    } for model_id, (created, bases, relation, downloads, tags) in MODELS.items()]
    folder = tmp_path / "snap"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=HUB_MODELS), folder / "hub_models.parquet")
    manifest = {"snapshot_id": "lineage", "source": "hub", "format": "hub-api", "snapshot_date": DAY,
                "content_hash": hashlib.sha256(b"lineage").hexdigest(), "origin": "test",
                "counts": {"hub_models": len(rows)}, "imported_at": f"{DAY}T00:00:00"}
    obs.store.adopt(folder, manifest)
    return obs


def _month(frame, month: str) -> dict[str, float]:
    rows = frame[frame["month"].astype(str) == month]
    return dict(zip(rows["group"], rows["share"], strict=True))


def test_monthly_shares_by_root_country(hub: Observatory) -> None:
    frame = hub.derivatives("root-country")
    # January: qwen-ft CN, llama-ft US, the merge half CN half US, r1-distill and r1-gguf CN
    # -> 3.5 of 5 CN.
    assert _month(frame, "2025-01-01") == pytest.approx({"CN": 0.7, "US": 0.3})
    # February: nvidia's Qwen fine-tune and the GGUF of qwen-ft, both rooted in Qwen.
    assert _month(frame, "2025-02-01") == {"CN": 1.0}
    january = frame[frame["month"].astype(str) == "2025-01-01"].set_index("group")
    assert january.loc["CN", "month_total"] == 5
    assert january.loc["CN", "ci_low"] < 0.7 < january.loc["CN", "ci_high"]
    assert set(frame["lineage"]) == {"declared"}


def test_monthly_shares_by_uploader_and_family(hub: Observatory) -> None:
    uploader = hub.derivatives("uploader-country")
    assert _month(uploader, "2025-01-01") == {"unknown": 1.0}
    assert _month(uploader, "2025-02-01") == {"US": 0.5, "unknown": 0.5}
    family = hub.derivatives("root-family")
    assert _month(family, "2025-01-01") == pytest.approx({"Qwen": 0.3, "Llama": 0.3, "DeepSeek": 0.4})
    only_quantized = hub.derivatives("root-country", relations=("quantized",))
    assert _month(only_quantized, "2025-01-01") == {"CN": 1.0}  # r1-gguf


def test_burst_counts_derivatives_within_the_window(hub: Observatory) -> None:
    summary, daily = hub.burst("DeepSeek-ai/deepseek-r1", days=30)  # ids are case-insensitive
    assert summary["model_id"] == "deepseek-ai/DeepSeek-R1"
    assert summary["derivatives"] == 2 and summary["all_derivatives"] == 3
    assert summary["downloads_30d"] == 70 + 20
    by_relation = {r["relation"]: r["derivatives"] for r in summary["by_relation"]}
    assert by_relation == {"finetune": 1, "quantized": 1}
    assert daily["derivatives"].iloc[-1] == 2


def test_derivers_of_a_family(hub: Observatory) -> None:
    frame = hub.derivers("qwen").set_index("group")
    # community: qwen-ft 1, the merge 1/2, bartowski's GGUF 1, the AWQ build 1; nvidia's
    # fine-tune 1 (US)
    assert frame.loc["unknown", "derivatives"] == 3.5
    assert frame.loc["US", "derivatives"] == 1.0
    assert frame.loc["US", "share"] == pytest.approx(1 / 4.5)
    with pytest.raises(EmptyResultError, match="no derivatives built on family 'Gemma'"):
        hub.derivers("Gemma")


def test_runnable_follows_build_paths_only(hub: Observatory) -> None:
    qwen = hub.runnable("Qwen/Qwen2.5-7B")
    # the GGUF of userA's fine-tune is that fine-tune's build, not Qwen's
    assert list(qwen["model_id"]) == ["someone/Qwen2.5-7B-AWQ"]
    assert list(qwen["format"]) == ["awq"]
    assert list(hub.runnable("userA/qwen-ft")["format"]) == ["gguf"]
    with pytest.raises(EmptyResultError):
        hub.runnable("userE/r1-late")


def test_lineage_tree_json(hub: Observatory, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(capsys, monkeypatch, "lineage", "userA/qwen-ft", "--format", "json")
    assert result.code == 0, result.err
    tree = json.loads(result.out)
    assert [a["model_id"] for a in tree["ancestors"]] == ["Qwen/Qwen2.5-7B"]
    children = {c["model_id"]: c for c in tree["model"]["children"]}
    assert set(children) == {"userC/merge", "bartowski/qwen-ft-GGUF"}
    assert children["userC/merge"]["relation"] == "merge"
    assert tree["roots"][0]["root_country"] == "CN"
    shown = run_cli(capsys, monkeypatch, "lineage", "Qwen/Qwen2.5-7B")
    assert "nvidia/Qwen-ft2" in shown.out and "bartowski/qwen-ft-GGUF" in shown.out


def test_cli_commands_and_errors(hub: Observatory, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(capsys, monkeypatch, "derivatives", "--monthly", "--by", "root-country",
                     "--format", "csv")
    assert result.code == 0 and "2025-01-01,CN,3.5,0.7" in result.out
    result = run_cli(capsys, monkeypatch, "burst", "deepseek-ai/DeepSeek-R1", "--days", "30")
    assert result.code == 0 and "2 derivatives within 30 days" in result.out
    result = run_cli(capsys, monkeypatch, "derivers", "Qwen", "--by", "country")
    assert result.code == 0 and "US" in result.out
    result = run_cli(capsys, monkeypatch, "runnable", "Qwen/Qwen2.5-7B", "--format", "json")
    assert json.loads(result.out)[0]["format"] == "awq"
    missing = run_cli(capsys, monkeypatch, "burst", "nobody/nothing")
    assert missing.code != 0 and "nobody/nothing" in missing.err and len(missing.err.splitlines()) == 1


def test_unknown_relation_and_as_of(hub: Observatory, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    bad = run_cli(capsys, monkeypatch, "derivatives", "--relation", "finetunes")
    assert bad.code != 0 and "finetunes" in bad.err and len(bad.err.strip().splitlines()) == 1
    before = run_cli(capsys, monkeypatch, "derivatives", "--as-of", "2025-01-01")
    assert before.code != 0 and "no data" in before.err  # no Hub snapshot that early
