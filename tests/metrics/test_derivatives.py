"""Q8 (``metrics.derivatives``): new derivatives per month by whose base they are built on (root
country, organisation or family) or by who uploaded them; declared and, when asked, inferred."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.common import wilson
from observatory.metrics.derivatives import derivative_models, monthly
from tests.cli_runner import run_cli
from tests.metrics import tables
from tests.metrics.hub_store import lineage_hub
from tests.metrics.synth_lineage import synthetic_store


def _month(frame, month: str) -> dict[str, float]:
    rows = frame[frame["month"].astype(str) == month]
    return dict(zip(rows["group"], rows["share"], strict=True))


# --- unit: a hand-built lineage graph (tables.FAMILY_*) -------------------------------------

def test_unit_derivative_models() -> None:
    frame = derivative_models(tables.family_graph()).to_pandas().set_index("model_id")
    # every model with an edge to a parent, with its first edge's relation; bases are not
    assert sorted(frame.index) == ["nvidia/qft2", "u1/qft", "u2/lft", "u3/merge", "u4/qft-gguf",
                                   "u5/undated", "u6/qft-b"]
    assert frame.loc["u3/merge", "relation"] == "merge"
    assert frame.loc["u4/qft-gguf", "relation"] == "quantized"
    assert frame.loc["u3/merge", "downloads_all_time"] == 300
    quantized = derivative_models(tables.family_graph(), ("quantized",)).to_pandas()
    assert list(quantized["model_id"]) == ["u4/qft-gguf"]


def test_unit_monthly_by_root_country() -> None:
    frame = monthly(tables.family_graph(), tables.registry(), "root-country")
    # January: u1 (CN), u2 (US), the merge half CN half US, u6 (CN): CN 2.5, US 1.5 of 4.
    # February: NVIDIA's fine-tune and the GGUF of u1's fine-tune, both rooted in Qwen/Q.
    # The undated fine-tune is in no month.
    got = [(str(r.month), r.group, r.derivatives, r.month_total) for r in frame.itertuples()]
    assert got == [("2025-01-01", "CN", 2.5, 4), ("2025-01-01", "US", 1.5, 4), ("2025-02-01", "CN", 2.0, 2)]
    assert list(frame["share"]) == [0.625, 0.375, 1.0]
    assert (frame["ci_low"].iloc[0], frame["ci_high"].iloc[0]) == pytest.approx(wilson(2.5, 4))
    assert (frame["ci_low"].iloc[2], frame["ci_high"].iloc[2]) == pytest.approx(wilson(2, 2))
    assert set(frame["lineage"]) == {"declared"}


def test_unit_monthly_by_root_org_and_family() -> None:
    graph, registry = tables.family_graph(), tables.registry()
    assert _month(monthly(graph, registry, "root-org"), "2025-01-01") == {"Alibaba": 0.625, "Meta": 0.375}
    assert _month(monthly(graph, registry, "root-family"), "2025-01-01") == {"Qwen": 0.625, "Llama": 0.375}


def test_unit_monthly_by_uploader() -> None:
    graph, registry = tables.family_graph(), tables.registry()
    country = monthly(graph, registry, "uploader-country")
    # the u* namespaces are not in the registry; nvidia is (US)
    assert _month(country, "2025-01-01") == {"unknown": 1.0}
    assert _month(country, "2025-02-01") == {"US": 0.5, "unknown": 0.5}
    assert list(country["group"][country["month"].astype(str) == "2025-02-01"]) == ["US", "unknown"]
    assert _month(monthly(graph, registry, "uploader-org"), "2025-02-01") == {"NVIDIA": 0.5, "unknown": 0.5}


def test_unit_monthly_relations() -> None:
    graph, registry = tables.family_graph(), tables.registry()
    quantized = monthly(graph, registry, "root-country", relations=("quantized",))
    assert [(str(r.month), r.group, r.derivatives, r.month_total) for r in quantized.itertuples()] == [
        ("2025-02-01", "CN", 1.0, 1)]
    with pytest.raises(EmptyResultError):
        monthly(graph, registry, relations=("adapter",))


def test_unit_monthly_months_and_groupings() -> None:
    graph, registry = tables.family_graph(), tables.registry()
    # months from the start date's month, up to the end date
    assert {str(m) for m in monthly(graph, registry, start=date(2025, 2, 15))["month"]} == {"2025-02-01"}
    assert {str(m) for m in monthly(graph, registry, end=date(2025, 1, 31))["month"]} == {"2025-01-01"}
    with pytest.raises(ValueError, match="unknown grouping"):
        monthly(graph, registry, "country")


def test_unit_lineage_label() -> None:
    graph = tables.family_graph()
    graph.inferred = True
    assert set(monthly(graph, tables.registry())["lineage"]) == {"declared+inferred"}


# --- a hand-made Hub store ------------------------------------------------------------------

@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return lineage_hub(obs, tmp_path)


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


# --- a synthetic Hub with inferred edges stored ----------------------------------------------

@pytest.fixture
def synthetic(obs: Observatory, tmp_path: Path) -> Observatory:
    return synthetic_store(obs, tmp_path)


def test_metrics_use_inferred_edges_only_when_asked(synthetic: Observatory,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    synthetic.infer_bases()
    declared = synthetic.derivatives("root-country")
    both = synthetic.derivatives("root-country", inferred=True)
    assert set(declared["lineage"]) == {"declared"} and set(both["lineage"]) == {"declared+inferred"}
    def total(frame: object) -> int:
        return int(frame.groupby("month")["month_total"].first().sum())  # type: ignore[attr-defined]

    assert total(both) > total(declared)
    result = run_cli(capsys, monkeypatch, "derivatives", "--inferred", "--format", "json")
    assert result.code == 0 and json.loads(result.out)[0]["lineage"] == "declared+inferred"
