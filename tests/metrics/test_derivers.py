"""Q15 (``metrics.derivers``): who builds on a family: the derivatives whose root is in it, by
the uploader's country or organisation, with their downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.common import wilson
from observatory.metrics.derivers import derivers
from tests.metrics import tables
from tests.metrics.hub_store import lineage_hub

# --- unit: a hand-built lineage graph (tables.FAMILY_*) -------------------------------------


def test_unit_derivers_by_uploader_country() -> None:
    frame = derivers(tables.family_graph(), tables.registry(), "qwen")
    # rooted in Qwen/Q: u1, half the merge, u6, u4's GGUF, the undated u5 (community: 4.5) and
    # NVIDIA's fine-tune (US: 1); 30-day downloads 50 + 30/2 + 20 + 10 + unknown (0) and 60
    got = [(r.group, r.derivatives, r.downloads_30d) for r in frame.itertuples()]
    assert got == [("unknown", 4.5, 95), ("US", 1.0, 60)]
    assert list(frame["share"]) == pytest.approx([4.5 / 5.5, 1 / 5.5])
    assert (frame["ci_low"].iloc[1], frame["ci_high"].iloc[1]) == pytest.approx(wilson(1, 5.5))
    assert set(frame["family_total"]) == {5.5}
    assert set(frame["lineage"]) == {"declared"}


def test_unit_derivers_by_uploader_org_and_other_family() -> None:
    graph, registry = tables.family_graph(), tables.registry()
    by_org = derivers(graph, registry, "Qwen", by="uploader-org")
    assert dict(zip(by_org["group"], by_org["derivatives"], strict=True)) == {"unknown": 4.5, "NVIDIA": 1.0}
    # Llama: u2's fine-tune and the other half of the merge: 40 + 30/2 downloads
    llama = derivers(graph, registry, "LLAMA")
    assert [(r.group, r.derivatives, r.share, r.downloads_30d) for r in llama.itertuples()] == [
        ("unknown", 1.5, 1.0, 55)]


def test_unit_derivers_errors() -> None:
    graph, registry = tables.family_graph(), tables.registry()
    with pytest.raises(EmptyResultError, match="families with derivatives: Llama, Qwen"):
        derivers(graph, registry, "Gemma")
    with pytest.raises(ValueError, match="uploader"):
        derivers(graph, registry, "Qwen", by="root-country")


# --- a hand-made Hub store ------------------------------------------------------------------

@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return lineage_hub(obs, tmp_path)


def test_derivers_of_a_family(hub: Observatory) -> None:
    frame = hub.derivers("qwen").set_index("group")
    # community: qwen-ft 1, the merge 1/2, bartowski's GGUF 1, the AWQ build 1; nvidia's
    # fine-tune 1 (US)
    assert frame.loc["unknown", "derivatives"] == 3.5
    assert frame.loc["US", "derivatives"] == 1.0
    assert frame.loc["US", "share"] == pytest.approx(1 / 4.5)
    with pytest.raises(EmptyResultError, match="no derivatives built on family 'Gemma'"):
        hub.derivers("Gemma")
