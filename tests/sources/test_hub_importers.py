"""Open LLM Leaderboard and model-tree CSVs -> ``hub_models``, checked against the real files.

Expected values are computed here with the csv and json modules (or read from SOURCE.md), never
through the importers.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.errors import InputError, UnknownFormatError
from observatory.sources.detect import parse_file
from tests.cli_runner import run_cli
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
QWEN = "Qwen/Qwen2.5-7B-Instruct"
CARD_OVER_TAGS = "ConicCat/MistralSmallV3R"


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


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Both shipped folders imported once through the public API."""
    need_shared(OPENLLM, TREES)
    obs = Observatory(tmp_path_factory.mktemp("hub-home"))
    report = obs.import_paths([OPENLLM, TREES])
    skipped = {Path(path).name: why for path, why in report.skipped}
    assert skipped.keys() == {JOIN.name, "SOURCE.md"}
    assert skipped[JOIN.name].startswith("unknown CSV format")
    assert len(report.imported) == len(LEADERBOARDS) + len(TREE_ROWS)
    frame = table(obs)
    frame["day"] = frame["snapshot_date"].astype(str).str[:10]
    return frame


# --- the Open LLM Leaderboard ------------------------------------------------------------------

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


# --- the model trees ---------------------------------------------------------------------------

def tree(name: str) -> dict[str, dict[str, Any]]:
    return {row["model_id"]: json.loads(row["metadata"]) for row in csv_dicts(TREES / name)}


@pytest.mark.parametrize("name", sorted(TREE_ROWS))
def test_tree_rows(imported: pd.DataFrame, name: str) -> None:
    records = tree(name)
    assert len(records) == len(csv_dicts(TREES / name)) == TREE_ROWS[name]
    day = name.rsplit("_", 1)[1].removesuffix(".csv")
    mine = imported[(imported["source"] == "hf-model-tree") & (imported["day"] == day)]
    assert len(mine) == TREE_ROWS[name]
    assert set(mine["model_id"]) == set(records)
    for row in mine.itertuples():
        tags = records[row.model_id].get("tags") or []
        declared = list(dict.fromkeys(t.split(":")[-1] for t in tags if t.startswith("base_model:")))
        if row.model_id == CARD_OVER_TAGS:
            continue
        assert list(row.base_models) == declared, row.model_id


def test_card_data_bases_win_over_tags(imported: pd.DataFrame) -> None:
    """The one real record whose card lists more bases than the Hub's tags: the card is read."""
    record = tree("mistral-small-24b-base-2501_tree_2025-04-05.csv")[CARD_OVER_TAGS]
    assert [t for t in record["tags"] if t.startswith("base_model:")] == [
        "base_model:arcee-ai/Arcee-Blitz", "base_model:finetune:arcee-ai/Arcee-Blitz"]
    assert "- mistralai/Mistral-Small-24B-Base-2501\n- arcee-ai/Arcee-Blitz" in record["card_data"]
    row = imported[imported["model_id"] == CARD_OVER_TAGS].iloc[0]
    assert list(row["base_models"]) == ["mistralai/Mistral-Small-24B-Base-2501",
                                        "arcee-ai/Arcee-Blitz"]
    assert row["base_relation"] == "finetune"  # the card states none; the tag's relation is used


def test_tree_values_of_given_models(imported: pd.DataFrame) -> None:
    rows = imported[imported["source"] == "hf-model-tree"].set_index("model_id")
    exaone = tree("exaone-deep-32b_tree_2025-04-07.csv")["LGAI-EXAONE/EXAONE-Deep-32B"]
    assert (exaone["likes"], exaone["downloads"]) == (283, 23952)
    got = rows.loc["LGAI-EXAONE/EXAONE-Deep-32B"]
    assert (got["likes"], got["downloads_30d"]) == (283, 23952)
    assert list(got["base_models"]) == ["LGAI-EXAONE/EXAONE-3.5-32B-Instruct"]  # outside the tree
    mistral = tree("mistral-small-24b-base-2501_tree_2025-04-05.csv")
    root = mistral["mistralai/Mistral-Small-24B-Base-2501"]
    got = rows.loc["mistralai/Mistral-Small-24B-Base-2501"]
    assert (got["likes"], got["downloads_30d"]) == (root["likes"], root["downloads"]) == (240, 19970)
    assert got["params_total"] == root["safetensors"]["total"]
    assert got["licence"] == "apache-2.0" and got["gated"] == "auto"
    assert pd.Timestamp(got["created_at"]) == pd.Timestamp(datetime(2025, 1, 23, 14, 13, 54,
                                                                     tzinfo=UTC))
    child = rows.loc["allura-org/Mistral-Small-24b-Sertraline-0304"]
    assert list(child["base_models"]) == ["mistralai/Mistral-Small-24B-Base-2501"]
    assert child["base_relation"] == "finetune"
    deepseek = rows.loc["deepseek-ai/DeepSeek-R1"]
    assert deepseek["downloads_30d"] == 1_622_379 and pd.isna(deepseek["likes"])
    assert deepseek["licence"] == "mit"  # from the license: tag (this file has no card data)


def test_tree_depth_and_children_kept_in_extra() -> None:
    need_shared(TREES)
    name = "exaone-deep-32b_tree_2025-04-07.csv"
    root = csv_dicts(TREES / name)[0]
    parsed = parse_file(TREES / name)
    rows = {row["model_id"]: row for row in parsed.arrow["hub_models"].to_pylist()}
    extra = json.loads(rows[root["model_id"]]["extra"])
    assert extra["tree_depth"] == int(root["depth"]) == 0
    assert len(extra["tree_children"]) == int(root["children_count"]) == 15
    assert set(extra["tree_children"]) == set(rows) - {root["model_id"]}
    assert parsed.snapshot_date == date(2025, 4, 7)
    assert parsed.notes["malformed"] == {} and parsed.notes["issues"]["counts"] == {}


def _tree_copy(tmp_path: Path, mutate: dict[int, str]) -> Path:
    """The EXAONE tree with the metadata of some rows (0-based) replaced."""
    source = TREES / "exaone-deep-32b_tree_2025-04-07.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    column = records[0].index("metadata")
    for index, text in mutate.items():
        records[index + 1][column] = text
    return write_rows(tmp_path / source.name, records[0], records[1:])


def test_corrupted_metadata_cells_are_counted_not_fatal(tmp_path: Path) -> None:
    need_shared(TREES)
    path = _tree_copy(tmp_path, {3: '{"id": "org/x", "likes": ', 7: "[1, 2]"})
    obs = Observatory(tmp_path / "home")
    report = obs.import_paths([path])
    with (TREES / "exaone-deep-32b_tree_2025-04-07.csv").open(newline="", encoding="utf-8") as handle:
        kept = [json.loads(row["metadata"]) for k, row in enumerate(csv.DictReader(handle))
                if k not in (3, 7)]
    with_facts = sum(1 for record in kept if record.get("config") or record.get("gguf")
                     or record.get("safetensors"))
    assert report.imported[0].counts == {"hub_models": 14, "hub_configs": with_facts}
    (manifest,) = obs.store.manifests()
    assert manifest["notes"]["malformed"] == {"metadata: invalid JSON": 1,
                                              "metadata: not an object": 1}
    assert manifest["notes"]["rows"] == 16
    assert len(table(obs)) == 14


def test_record_issues_reach_the_manifest(tmp_path: Path) -> None:
    need_shared(TREES)
    records = tree("exaone-deep-32b_tree_2025-04-07.csv")
    first = dict(next(iter(records.values())), likes="many")
    path = _tree_copy(tmp_path, {0: json.dumps(first)})
    parsed = parse_file(path)
    assert parsed.notes["issues"]["counts"] == {"likes: not a number": 1}
    assert parsed.arrow["hub_models"].num_rows == 16


def test_every_row_malformed_is_bad_input(tmp_path: Path) -> None:
    need_shared(TREES)
    path = _tree_copy(tmp_path, {i: "not json" for i in range(16)})
    with pytest.raises(InputError, match=r"no usable rows: metadata: invalid JSON \(16\)"):
        parse_file(path)


def test_tree_missing_metadata_column_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    need_shared(TREES)
    rows = csv_dicts(TREES / "exaone-deep-32b_tree_2025-04-07.csv")
    header = [name for name in rows[0] if name != "metadata"]
    path = write_rows(tmp_path / "exaone_tree_2025-04-07.csv", header,
                      [[row[name] for name in header] for row in rows])
    with pytest.raises(InputError, match="column 'metadata' is missing") as caught:
        parse_file(path)
    assert not isinstance(caught.value, UnknownFormatError)
    # In a folder too: a broken tree is an error, not a skipped "unknown" file.
    result = run_cli(capsys, monkeypatch, "import", str(tmp_path))
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert result.code == 1 and len(lines) == 1 and "'metadata'" in lines[0]


def test_large_cells_read_and_csv_limit_restored(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    card = "x" * (before + 10)
    record = {"id": "org/big", "likes": 1, "card_data": "license: mit\n# " + card}
    path = write_rows(tmp_path / "big_tree_2025-01-02.csv", ["model_id", "metadata", "depth"],
                      [["org/big", json.dumps(record), "0"]])
    (row,) = parse_file(path).arrow["hub_models"].to_pylist()
    assert (row["model_id"], row["likes"], row["licence"]) == ("org/big", 1, "mit")
    assert csv.field_size_limit() == before


def test_tree_files_copied_into_a_folder_import(tmp_path: Path) -> None:
    need_shared(TREES)
    folder = tmp_path / "trees"
    shutil.copytree(TREES, folder)
    report = Observatory(tmp_path / "home").import_paths([folder])
    assert sorted(r.counts["hub_models"] for r in report.imported) == sorted(TREE_ROWS.values())
    assert report.skipped == [(str(folder / "SOURCE.md"), "not a .csv or .json file")]
