"""Shared by ``test_openllm`` and ``test_modeltree``: the shipped Open LLM Leaderboard and
model-tree folders, csv helpers, and both folders imported once through the public API.

Expected values are computed with the csv and json modules (or read from SOURCE.md), never
through the importers.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from observatory.api import Observatory
from tests.conftest import SHARED, need_shared

OPENLLM = SHARED / "fboulnois-llm-leaderboard-csv" / "open_llm_leaderboard_v2"
TREES = SHARED / "hf-model-tree"
JOIN = OPENLLM / "merged_hf_x_lmarena_2025-03-21.csv"
# file -> (format, rows per SOURCE.md)
LEADERBOARDS = {
    "huggingface_v1_2024-07-07.csv": ("open-llm-v1", 7169),
    "huggingface_v2_2024-07-13.csv": ("open-llm-v2", 237),
    "huggingface_v2_2024-09-19.csv": ("open-llm-v2", 1056),
    "huggingface_v2_2024-12-13.csv": ("open-llm-v2-flat", 2223),
    "huggingface_v2_2025-02-16.csv": ("open-llm-v2-flat", 3834),
    "huggingface_v2_2025-03-21.csv": ("open-llm-v2-flat", 4576),
}
TREE_ROWS = {"deepseek-r1_tree_2025-04-16.csv": 299,
             "mistral-small-24b-base-2501_tree_2025-04-05.csv": 67,
             "exaone-deep-32b_tree_2025-04-07.csv": 16}


@cache
def csv_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def id_column(rows: list[dict[str, str]]) -> str:
    return "model_name" if "model_name" in rows[0] else "fullname"


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def none(value: Any) -> Any:
    return None if pd.isna(value) else value


def table(obs: Observatory) -> pd.DataFrame:
    return obs.connection().table("hub_models").to_pandas()


_IMPORTED: list[pd.DataFrame] = []  # the import below, done once per session for both modules


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Both shipped folders imported once through the public API."""
    if _IMPORTED:
        return _IMPORTED[0]
    need_shared(OPENLLM, TREES)
    obs = Observatory(tmp_path_factory.mktemp("hub-home"))
    report = obs.import_paths([OPENLLM, TREES])
    skipped = {Path(path).name: why for path, why in report.skipped}
    assert skipped.keys() == {JOIN.name, "SOURCE.md"}
    assert skipped[JOIN.name].startswith("unknown CSV format")
    assert len(report.imported) == len(LEADERBOARDS) + len(TREE_ROWS)
    frame = table(obs)
    frame["day"] = frame["snapshot_date"].astype(str).str[:10]
    _IMPORTED.append(frame)
    return frame
