"""Q6 (``metrics.downloads``): downloads by family, organisation or country over time, when one
passed another, and the counts not to read at face value (artefacts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.downloads import (
    artefacts,
    crossings,
    downloads_by_namespace,
    downloads_over_time,
)
from tests.metrics import tables
from tests.metrics.hub_store import adoption_hub

# --- unit: hand-built Hub rows --------------------------------------------------------------

D1, D2, D3 = "2025-01-01", "2025-02-01", "2025-03-01"


def _row(day: str, model_id: str, family: str | None, all_time: int, last_30: int, **extra: object) -> dict:
    return {"snapshot_date": day, "model_id": model_id, "family": family, "downloads_all_time": all_time,
            "downloads_30d": last_30, "library_name": "transformers", **extra}


ENTRIES = [
    _row(D1, "Qwen/a", "Qwen", 100, 10), _row(D1, "bob/a-GGUF", "Qwen", 5, 5, tags=["gguf"]),
    _row(D1, "meta-llama/b", "Llama", 300, 30), _row(D1, "x/none", None, 1000, 100),
    _row(D2, "Qwen/a", "Qwen", 250, 20), _row(D2, "bob/a-GGUF", "Qwen", 4, 0, tags=["gguf"]),
    _row(D2, "meta-llama/b", "Llama", 320, 25),
    _row(D3, "Qwen/a", "Qwen", 400, 30), _row(D3, "meta-llama/b", "Llama", 330, 10),
]


def test_unit_downloads_over_time_by_family() -> None:
    frame = downloads_over_time(tables.hub(ENTRIES), by="family")
    got = [(str(r.snapshot_date)[:10], r.family, r.downloads_all_time, r.downloads_30d, r.models,
            r.gguf_models) for r in frame.itertuples()]
    # per date, most downloads first; the model without a family is left out
    assert got == [
        (D1, "Llama", 300, 30, 1, 0), (D1, "Qwen", 105, 15, 2, 1),
        (D2, "Llama", 320, 25, 1, 0), (D2, "Qwen", 254, 20, 2, 1),
        (D3, "Qwen", 400, 30, 1, 0), (D3, "Llama", 330, 10, 1, 0),
    ]
    with pytest.raises(EmptyResultError):
        downloads_over_time(tables.hub([_row(D1, "x/none", None, 1, 1)]))


def test_unit_downloads_by_namespace() -> None:
    models = tables.hub([
        _row(D1, "Qwen/a", None, 100, 10), _row(D1, "Qwen/b", None, 50, 5, library_name="gguf"),
        _row(D1, "meta-llama/c", None, 300, 30),
        # the author is the namespace; the id's prefix only where it is empty
        _row(D1, "renamed/d", None, 7, 7, author="Qwen"), _row(D1, "nvidia/e", None, 20, 2, author=None),
        _row(D1, "someone/f", None, 999, 99, tags=["gguf"]),
        _row(D2, "Qwen/a", None, 200, 10),
    ])
    namespaces = ibis.memtable(pd.DataFrame({  # registry.hub.namespaces: keyed in lower case
        "ns_key": ["qwen", "meta-llama", "nvidia"], "org_id": ["alibaba", "meta", "nvidia"],
        "org_name": ["Alibaba", "Meta", "NVIDIA"], "country": ["CN", "US", "US"]}))
    by_country = downloads_by_namespace(models, namespaces, "country")
    got = [(str(r.snapshot_date)[:10], r.country, r.downloads_all_time, r.downloads_30d, r.models,
            r.gguf_models) for r in by_country.itertuples()]
    # 2025-01-01: CN = Qwen/a + Qwen/b + renamed/d (author Qwen); US = meta-llama/c + nvidia/e
    assert got == [(D1, "US", 320, 32, 2, 0), (D1, "CN", 157, 22, 3, 1), (D2, "CN", 200, 10, 1, 0)]
    by_org = downloads_by_namespace(models, namespaces, "org")
    assert list(by_org["org_id"]) == ["meta", "alibaba", "nvidia", "alibaba"]
    assert list(by_org["downloads_all_time"]) == [300, 157, 20, 200]


def test_unit_crossings() -> None:
    frame = downloads_over_time(tables.hub(ENTRIES), by="family")
    found = crossings(frame, by="family")
    # Qwen: 105 < 300, 254 < 320, then 400 > 330: it passed Llama between D2 and D3
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["group"], row["passed"]) == ("Qwen", "Llama")
    assert (str(row["last_date_behind"])[:10], str(row["first_date_ahead"])[:10]) == (D2, D3)
    assert (row["value_after"], row["passed_value_after"]) == (400, 330)
    assert row["measure"] == "downloads_all_time"
    # by 30-day downloads Qwen is behind (15 < 30), then ahead on D3 (30 > 10); Llama was
    # never ahead after being behind
    monthly = crossings(frame, by="family", measure="downloads_30d")
    assert [(r.group, r.passed, str(r.first_date_ahead)[:10]) for r in monthly.itertuples()] == [
        ("Qwen", "Llama", D3)]


def test_unit_crossings_need_both_groups_on_both_dates() -> None:
    frame = pd.DataFrame({"snapshot_date": [date(2025, 1, 1), date(2025, 2, 1), date(2025, 2, 1)],
                          "family": ["Llama", "Llama", "Qwen"],
                          "downloads_all_time": [300, 320, 400]})
    assert crossings(frame, by="family").empty


def test_unit_artefacts() -> None:
    frame = artefacts(tables.hub(ENTRIES))
    got = [(str(r.snapshot_date)[:10], r.all_time_decreased, r.dropped_to_zero, r.gguf)
           for r in frame.itertuples()]
    # D2: the GGUF repack's all-time count fell 5 -> 4 and its 30-day count 5 -> 0
    assert got == [(D1, 0, 0, 1), (D2, 1, 1, 1), (D3, 0, 0, 0)]


def test_unit_no_gguf_counts_zero_when_the_library_is_unknown() -> None:
    rows = [_row(D1, "Qwen/a", "Qwen", 100, 10, library_name=None)]
    assert artefacts(tables.hub(rows))["gguf"].tolist() == [0]


# --- a hand-made Hub store ------------------------------------------------------------------

@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return adoption_hub(obs, tmp_path)


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


def test_artefacts_are_flagged(hub: Observatory) -> None:
    frame = hub.download_artefacts().set_index(
        hub.download_artefacts()["snapshot_date"].astype(str).str[:10])
    # 2025-08-01: the GGUF repack's all-time count fell 10 -> 8; Llama's 30-day count fell to 0.
    assert frame.loc["2025-08-01", "all_time_decreased"] == 1
    assert frame.loc["2025-08-01", "dropped_to_zero"] == 1
    assert frame.loc["2025-08-01", "gguf"] == 1
