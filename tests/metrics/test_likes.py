"""Q5 (``metrics.likes``): the most-liked model of each organisation at a date, beside the same
table at an earlier date; on hand-built rows and on the real Open LLM Leaderboard files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.likes import likes, likes_then_and_now, most_liked
from tests.conftest import SHARED
from tests.metrics import tables

OPEN_LLM = SHARED / "fboulnois-llm-leaderboard-csv" / "open_llm_leaderboard_v2"
FLAT = OPEN_LLM / "huggingface_v2_2025-03-21.csv"
OLD = OPEN_LLM / "huggingface_v2_2024-09-19.csv"

# --- unit: hand-built Hub rows --------------------------------------------------------------

D1, D2, D3 = "2024-06-01", "2025-06-01", "2025-09-01"


def _row(day: str, model_id: str, org: str | None, n: int | None, **extra: object) -> dict:
    return {"snapshot_date": day, "model_id": model_id, "org_id": org,
            "org_name": None if org is None else org.title(), "likes": n, **extra}


ENTRIES = [
    _row(D1, "meta-llama/Llama-2", "meta", 500), _row(D1, "meta-llama/Llama-3", "meta", 300),
    _row(D1, "meta-llama/Llama-vision", "meta", 9999, pipeline_tag="image-text-to-text"),
    _row(D1, "deepseek-ai/V2", "deepseek", 100), _row(D1, "mistralai/7B", "mistral", 400),
    _row(D1, "someone/popular", None, 10000),
    _row(D2, "meta-llama/Llama-2", "meta", 600), _row(D2, "meta-llama/Llama-3", "meta", 800),
    # a tie at 1200: the smaller id wins
    _row(D2, "deepseek-ai/V3", "deepseek", 1200), _row(D2, "deepseek-ai/R1", "deepseek", 1200),
    # the latest snapshot has no likes: it is not the table's date
    _row(D3, "meta-llama/Llama-3", "meta", None),
]


def test_unit_most_liked_per_org_at_the_latest_date_with_likes() -> None:
    frame = most_liked(tables.hub(ENTRIES), None)
    assert list(frame["org_id"]) == ["deepseek", "meta"]
    assert list(frame["model_id"]) == ["deepseek-ai/R1", "meta-llama/Llama-3"]
    assert list(frame["likes"]) == [1200, 800]
    assert {str(d)[:10] for d in frame["snapshot_date"]} == {D2}


def test_unit_most_liked_on_or_before_a_date_and_pipeline() -> None:
    entries = tables.hub(ENTRIES)
    frame = most_liked(entries, date(2025, 1, 1))
    # someone/popular has no organisation: its namespace stands as one, country unknown, never
    # dropped; the vision model is not text-generation
    assert list(zip(frame["org_id"], frame["model_id"], frame["likes"], strict=True)) == [
        ("someone", "someone/popular", 10000), ("meta", "meta-llama/Llama-2", 500),
        ("mistral", "mistralai/7B", 400), ("deepseek", "deepseek-ai/V2", 100)]
    assert list(frame["attributed"]) == [False, True, True, True]
    assert frame["country"].iloc[0] == "unknown"
    every = most_liked(entries, date(2025, 1, 1), pipeline_tag=None)
    assert every.set_index("org_id").loc["meta", "model_id"] == "meta-llama/Llama-vision"
    with pytest.raises(EmptyResultError):
        most_liked(entries, date(2024, 1, 1))


def test_unit_then_and_now() -> None:
    frame = likes_then_and_now(tables.hub(ENTRIES), None, date(2024, 12, 31))
    assert list(frame["org_id"]) == ["deepseek", "meta", "someone", "mistral"]
    assert list(frame["earlier_model_id"]) == ["deepseek-ai/V2", "meta-llama/Llama-2",
                                               "someone/popular", "mistralai/7B"]
    assert list(frame["earlier_likes"]) == [100, 500, 10000, 400]
    assert list(frame["likes"][:2]) == [1200, 800] and frame["likes"].iloc[2:].isna().all()
    assert list(frame["rank"][:2]) == [1, 2] and frame["rank"].iloc[2:].isna().all()
    assert {str(d)[:10] for d in frame["earlier_date"]} == {D1}


def test_unit_likes_dispatches_and_tolerates_an_empty_earlier_table() -> None:
    entries = tables.hub(ENTRIES)
    assert "earlier_likes" not in likes(entries).columns
    assert list(likes(entries)["model_id"]) == ["deepseek-ai/R1", "meta-llama/Llama-3"]
    frame = likes(entries, earlier=date(2020, 1, 1))
    assert list(frame["org_id"]) == ["deepseek", "meta"]
    assert frame["earlier_model_id"].isna().all()


# --- the real Open LLM Leaderboard files ----------------------------------------------------



def max_hearts(path: Path, namespace: str, id_column: str, hearts_column: str) -> tuple[str, int]:
    best: tuple[str, int] = ("", -1)
    with path.open() as handle:
        for row in csv.DictReader(handle):
            model_id = row[id_column]
            if model_id.split("/")[0] != namespace or not row[hearts_column]:
                continue
            hearts = int(float(row[hearts_column]))
            if hearts > best[1] or (hearts == best[1] and model_id < best[0]):
                best = (model_id, hearts)
    return best


@pytest.mark.parametrize("namespace,org", [("meta-llama", "meta"), ("Qwen", "alibaba"),
                                           ("mistralai", "mistral")])
def test_most_liked_model_per_org(hub_home: Path, namespace: str, org: str) -> None:
    """Per org the most-liked model over its namespaces; this namespace's best is a lower bound
    and, for these single-namespace organisations, the answer."""
    expected = max_hearts(FLAT, namespace, "model_name", "metadata_hub_hearts")
    frame = Observatory(hub_home).likes(as_of=date(2025, 3, 21))
    row = frame[frame["org_id"] == org].iloc[0]
    assert (row["model_id"], int(row["likes"])) == expected
    assert str(row["snapshot_date"])[:10] == "2025-03-21"


def test_earlier_table_beside(hub_home: Path) -> None:
    expected = max_hearts(OLD, "meta-llama", "fullname", "hub_hearts")
    frame = Observatory(hub_home).likes(as_of=date(2025, 3, 21), earlier=date(2024, 9, 19))
    row = frame[frame["org_id"] == "meta"].iloc[0]
    assert (row["earlier_model_id"], int(row["earlier_likes"])) == expected


def test_likes_history_of_one_model(hub_home: Path) -> None:
    """SOURCE.md: Qwen/Qwen2.5-7B-Instruct hub_hearts 47, 354, 484, 577."""
    table = Observatory(hub_home).connection().table("hub_models")
    rows = (table.filter(table.model_id == "Qwen/Qwen2.5-7B-Instruct")
            .select("snapshot_date", "likes").order_by("snapshot_date").to_pandas())
    assert list(rows["likes"]) == [47, 354, 484, 577]
