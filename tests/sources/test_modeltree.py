"""Model-tree CSVs (``sources.modeltree``) -> ``hub_models``, checked against the real files.

Expected values are computed here with the csv and json modules, never through the importers.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.errors import InputError, UnknownFormatError
from observatory.sources.detect import parse_file
from tests.cli_runner import run_cli
from tests.conftest import need_shared
from tests.sources.hub_files import TREE_ROWS, TREES, csv_dicts, imported, table, write_rows

__all__ = ["imported"]  # the shared fixture, used by name

CARD_OVER_TAGS = "ConicCat/MistralSmallV3R"


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
    assert result.code == 2 and len(lines) == 1 and "'metadata'" in lines[0]


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
