"""Vote files in every layout (``sources.votes``), and bad input: counted exclusions or one-line
errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.errors import InputError
from observatory.sources.detect import parse_file
from tests.ratings.helpers import release_records


def test_release_layout_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "arena-votes.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in release_records()))
    parsed = parse_file(path)
    votes = parsed.arrow["votes"].to_pylist()
    assert parsed.format == "votes-arena"
    assert [v["outcome"] for v in votes] == ["a", "both_bad", "b", "tie"]
    first = votes[0]
    assert (first["header_count_a"], first["list_count_a"], first["bold_count_a"]) == (3, 4, 4)
    assert (first["coding"], first["math"], first["instruction_following"],
            first["hard_prompts"], first["turns"]) == (True, False, True, True, 2)
    assert str(parsed.snapshot_date) == "2025-05-24"
    assert parsed.notes["excluded"] == {"unknown winner": 1, "model plays itself": 1,
                                        "missing model name": 1, "unreadable value": 1}


def test_parquet_clean_battle_and_csv_layouts(tmp_path: Path) -> None:
    rows = release_records()[:4]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "release.parquet")
    (tmp_path / "clean_battle_20240601.json").write_text(json.dumps(rows))
    (tmp_path / "mine_2025-01-02.csv").write_text(
        "model_a,model_b,winner\nx,y,model_a\ny,x,tie\nx,x,model_b\n")
    assert parse_file(tmp_path / "release.parquet").arrow["votes"].num_rows == 4
    battles = parse_file(tmp_path / "clean_battle_20240601.json")
    assert (battles.format, battles.arrow["votes"].num_rows) == ("votes-clean-battle", 4)
    plain = parse_file(tmp_path / "mine_2025-01-02.csv")
    assert plain.format == "votes-csv"
    assert plain.arrow["votes"].column("outcome").to_pylist() == ["a", "tie"]
    assert plain.notes["excluded"] == {"model plays itself": 1}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", "", "file is empty"),
    ("nowinner.csv", "model_a,model_b,votes\nx,y,1\n", "missing column 'winner'"),
    ("allbad.csv", "model_a,model_b,winner\nx,y,draw\nx,y,??\n", "no usable votes (2 unknown winner)"),
    ("nodate.csv", "model_a,model_b,winner\nx,y,model_a\n", "give one with --date"),
    ("broken.jsonl", '{"model_a": "x", "model_b": "y", "winner": "model_a"}\n{oops\n',
     "row 2: invalid JSON"),
])
def test_bad_vote_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_file(path)
