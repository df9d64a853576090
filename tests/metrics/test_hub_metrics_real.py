"""Hub adoption metrics on the real Open LLM Leaderboard files, checked against the raw CSVs."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from observatory.api import Observatory
from tests.conftest import SHARED, need_shared

OPEN_LLM = SHARED / "fboulnois-llm-leaderboard-csv" / "open_llm_leaderboard_v2"
FLAT = OPEN_LLM / "huggingface_v2_2025-03-21.csv"
OLD = OPEN_LLM / "huggingface_v2_2024-09-19.csv"


@pytest.fixture(scope="module")
def hub_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_shared(OPEN_LLM)
    home = tmp_path_factory.mktemp("hub-home")
    Observatory(home).import_paths([OPEN_LLM])
    return home


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


def test_licence_mix_for_alibaba(hub_home: Path) -> None:
    frame = Observatory(hub_home).licences(org="alibaba", period="year")
    assert set(frame["licence_class"]) <= {"permissive", "open-with-restrictions",
                                          "non-commercial", "unknown"}
    for _, period in frame.groupby("period"):
        assert period["share"].sum() == pytest.approx(1.0)
