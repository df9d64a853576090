"""Open LLM Leaderboard CSVs (``sources.openllm``) -> ``hub_models``, checked against the real
files.

Expected values are computed here with the csv module (or read from SOURCE.md), never through
the importers.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from observatory.errors import InputError, UnknownFormatError
from observatory.sources.detect import parse_file
from tests.conftest import need_shared
from tests.sources.hub_files import (
    JOIN,
    LEADERBOARDS,
    OPENLLM,
    csv_dicts,
    id_column,
    imported,
    none,
    write_rows,
)

__all__ = ["imported"]  # the shared fixture, used by name

QWEN = "Qwen/Qwen2.5-7B-Instruct"


@pytest.mark.parametrize("name", sorted(LEADERBOARDS))
def test_leaderboard_rows_one_per_model(imported: pd.DataFrame, name: str) -> None:
    fmt, source_rows = LEADERBOARDS[name]
    rows = csv_dicts(OPENLLM / name)
    assert len(rows) == source_rows
    ids = {row[id_column(rows)] for row in rows}
    day = name.rsplit("_", 1)[1].removesuffix(".csv")
    mine = imported[(imported["day"] == day) & (imported["source"] == fmt)]
    assert len(mine) == len(ids) < source_rows  # deduplicated: each file lists some models twice
    assert set(mine["model_id"]) == ids


def test_formats_detected_and_join_file_left_alone() -> None:
    need_shared(OPENLLM)
    for name, (fmt, _) in LEADERBOARDS.items():
        assert parse_file(OPENLLM / name).format == fmt
    with pytest.raises(UnknownFormatError):
        parse_file(JOIN)
    with pytest.raises(UnknownFormatError):
        parse_file(OPENLLM.parent / "MANIFEST.csv")


def test_qwen_likes_history(imported: pd.DataFrame) -> None:
    """The SOURCE.md example: hub hearts of Qwen/Qwen2.5-7B-Instruct on four dates."""
    qwen = imported[imported["model_id"] == QWEN].set_index("day")
    assert qwen["likes"].to_dict() == {"2024-09-19": 47, "2024-12-13": 354, "2025-02-16": 484,
                                       "2025-03-21": 577}
    last = qwen.loc["2025-03-21"]
    assert list(last["base_models"]) == ["Qwen/Qwen2.5-7B"]
    assert last["base_relation"] == "finetune"
    assert last["params_total"] == 7_616_000_000
    assert last["licence"] == "apache-2.0"
    assert pd.Timestamp(last["created_at"]) == pd.Timestamp("2024-09-16", tz="UTC")
    assert last["source"] == "open-llm-v2-flat"
    assert list(last["tags"]) == [] and pd.isna(last["downloads_30d"])


def expected_models(name: str) -> dict[str, dict[str, Any]]:
    """Per model: the row with the most hearts (first on a tie), read as the docstring says."""
    rows = csv_dicts(OPENLLM / name)
    flat = "model_name" in rows[0]
    prefix = "metadata_" if flat else ""
    best: dict[str, dict[str, str]] = {}
    for row in rows:
        key = row[id_column(rows)]
        if key not in best or int(row[f"{prefix}hub_hearts"]) > int(best[key][f"{prefix}hub_hearts"]):
            best[key] = row
    out = {}
    for key, row in best.items():
        base = row.get("metadata_base_model" if flat else "base_model") or ""
        bases = [base] if base and base not in (key, "Removed") else []
        if flat:
            merged = row["features_is_merged"] == "TRUE"
        else:  # the older exports hold "not merged" under either name
            merged = row.get("merged", row.get("not_merged")) == "FALSE"
        params = float(row["metadata_params_billions" if flat else "params_b"])
        out[key] = {
            "likes": int(row[f"{prefix}hub_hearts"]),
            "licence": row["metadata_hub_license" if flat else "hub_license"] or None,
            "params_total": round(params * 1e9) if params > 0 else None,
            "base_models": bases,
            "base_relation": "merge" if merged else ("finetune" if bases else None),
        }
    return out


@pytest.mark.parametrize("name", ["huggingface_v1_2024-07-07.csv", "huggingface_v2_2024-09-19.csv",
                                  "huggingface_v2_2025-03-21.csv"])
def test_every_model_matches_the_file(imported: pd.DataFrame, name: str) -> None:
    fmt, _ = LEADERBOARDS[name]
    day = name.rsplit("_", 1)[1].removesuffix(".csv")
    mine = imported[(imported["day"] == day) & (imported["source"] == fmt)]
    got = {
        row.model_id: {
            "likes": int(row.likes), "licence": none(row.licence),
            "params_total": None if pd.isna(row.params_total) else int(row.params_total),
            "base_models": list(row.base_models), "base_relation": none(row.base_relation),
        }
        for row in mine.itertuples()
    }
    assert got == expected_models(name)


def test_v1_merged_column_is_read_inverted() -> None:
    """In the older exports ``merged`` means "not merged" (a hide filter): the evidence."""
    need_shared(OPENLLM)
    rows = csv_dicts(OPENLLM / "huggingface_v1_2024-07-07.csv")
    by_type = Counter((row["t"], row["merged"]) for row in rows)
    merges, finetunes = "\N{HANDSHAKE}", "\N{LARGE ORANGE DIAMOND}"
    assert by_type[merges, "FALSE"] > 2 * by_type[merges, "TRUE"]  # 732 vs 277
    assert by_type[finetunes, "TRUE"] > 8 * by_type[finetunes, "FALSE"]  # 3660 vs 454
    parsed = {row["model_id"]: row for row in
              parse_file(OPENLLM / "huggingface_v1_2024-07-07.csv").arrow["hub_models"].to_pylist()}
    assert parsed["paloalma/Le_Triomphant-ECE-TW3"]["base_relation"] == "merge"  # merged=FALSE
    assert parsed["SF-Foundation/Ein-70B-v2"]["base_relation"] is None  # merged=TRUE, no base
    assert parsed["paloalma/Le_Triomphant-ECE-TW3"]["created_at"] is None  # v1 ``date`` = submission


def test_placeholder_base_and_zero_parameters_are_null(imported: pd.DataFrame) -> None:
    rows = csv_dicts(OPENLLM / "huggingface_v2_2025-03-21.csv")
    removed = {r["model_name"] for r in rows if r["metadata_base_model"] == "Removed"}
    assert len(removed) > 500
    day = imported[imported["day"] == "2025-03-21"].set_index("model_id")
    assert all(len(day.loc[model, "base_models"]) == 0 for model in removed)
    zero = {r["model_name"] for r in rows if float(r["metadata_params_billions"]) == 0}
    assert zero and all(pd.isna(day.loc[model, "params_total"]) for model in zero)
    parsed = parse_file(OPENLLM / "huggingface_v2_2025-03-21.csv")
    assert parsed.notes == {"rows": 4576, "duplicates_dropped": 4576 - len(day),
                            "placeholder_bases": sum(r["metadata_base_model"] == "Removed"
                                                     for r in rows)}


def test_missing_leaderboard_column_is_one_clear_error(tmp_path: Path) -> None:
    need_shared(OPENLLM)
    rows = csv_dicts(OPENLLM / "huggingface_v2_2024-12-13.csv")[:5]
    header = [name for name in rows[0] if name != "metadata_hub_hearts"]
    path = write_rows(tmp_path / "huggingface_v2_2024-12-13.csv", header,
                      [[row[name] for name in header] for row in rows])
    with pytest.raises(InputError, match="missing column 'metadata_hub_hearts'") as caught:
        parse_file(path)
    assert not isinstance(caught.value, UnknownFormatError)


def test_bad_hearts_value_names_row_and_field(tmp_path: Path) -> None:
    need_shared(OPENLLM)
    source = OPENLLM / "huggingface_v2_2024-07-13.csv"
    rows = csv_dicts(source)[:3]
    rows[1]["hub_hearts"] = "lots"
    header = list(rows[0])
    path = write_rows(tmp_path / source.name, header, [[r[n] for n in header] for r in rows])
    with pytest.raises(InputError, match=r"row 3, field 'hub_hearts': not a number"):
        parse_file(path)

