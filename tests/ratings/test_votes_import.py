"""Vote files in every layout, and bad input: counted exclusions or one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.errors import InputError
from observatory.sources.detect import parse_file
from tests.cli_runner import run_cli

RELEASE_ROW = {
    "model_a": "qwen3-32b", "model_b": "gpt-4o-2024-05-13", "winner": "model_a",
    "tstamp": 1748044800.0, "language": "English", "judge_hash": "j1", "turn": 2,
    "is_code": True,
    "category_tag": {"math_v0.1": {"math": False}, "if_v0.1": {"if": True},
                     "criteria_v0.1": {k: True for k in "abcdefg"}},
    "conv_metadata": {"sum_assistant_a_tokens": 420, "sum_assistant_b_tokens": 300,
                      "header_count_a": {"h1": 1, "h2": 2}, "header_count_b": {"h1": 0},
                      "list_count_a": {"ordered": 3, "unordered": 1},
                      "list_count_b": {"ordered": 0, "unordered": 0},
                      "bold_count_a": {"**": 4, "__": 0}, "bold_count_b": {"**": 1, "__": 0}},
}


def _records() -> list[dict]:
    rows = [dict(RELEASE_ROW), dict(RELEASE_ROW, winner="tie (bothbad)"),
            dict(RELEASE_ROW, winner="model_b"), dict(RELEASE_ROW, winner="tie")]
    rows.append(dict(RELEASE_ROW, winner="draw"))  # unknown winner
    rows.append(dict(RELEASE_ROW, model_b="qwen3-32b"))  # self-play
    rows.append(dict(RELEASE_ROW, model_a=None))  # no model
    rows.append(dict(RELEASE_ROW, turn="two"))  # unreadable value
    return rows


def test_release_layout_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "arena-votes.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records()))
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
    rows = _records()[:4]
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


def test_import_reports_exclusions_and_stores_votes(tmp_path: Path, capsys, monkeypatch,
                                                    obs: Observatory) -> None:
    path = tmp_path / "arena-votes.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records()))
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 0, result.err
    assert "4 votes" in result.out
    assert "excluded 4 of 8 vote row(s)" in result.err and "unknown winner 1" in result.err
    assert obs.connection().table("votes").count().to_pyarrow().as_py() == 4
    bad = tmp_path / "bad_2025-01-01.csv"
    bad.write_text("model_a,model_b\nx,y\n")
    result = run_cli(capsys, monkeypatch, "import", str(bad))
    assert result.code == 1
    assert result.err.strip().count("\n") == 0 and "missing column 'winner'" in result.err
