"""Arena's leaderboard dataset (``sources.arena_dataset``): parquet files in the documented schema
become one snapshot per publish date; the same publication read from two files is stored once;
bad files are one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.api import Observatory
from observatory.errors import InputError
from observatory.sources import arena_dataset
from observatory.sources.detect import parse_raw
from tests.cli_runner import run_cli

MODELS = [("deepseek-r1", "DeepSeek", "MIT"), ("gpt-4o", "OpenAI", "Proprietary"),
          ("gemma-3-27b-it", "Google", "Gemma")]


def rows(days: list[str], categories: tuple[str, ...] = ("overall", "coding")) -> list[dict]:
    """Rows in the schema the dataset card documents."""
    found = []
    for day in days:
        for category in categories:
            for position, (name, org, licence) in enumerate(MODELS):
                rating = 1400.0 - 10 * position + (5.0 if day == days[-1] else 0.0)
                found.append({"model_name": name, "organization": org, "license": licence,
                              "rating": rating, "rating_lower": rating - 4, "rating_upper": rating + 4,
                              "variance": 4.0, "vote_count": 1000 + position, "rank": position + 1,
                              "category": category, "leaderboard_publish_date": day})
    return found


def write(folder: Path, subset: str, split: str, records: list[dict]) -> Path:
    path = folder / subset / f"{split}-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(records), path)
    return path


def test_one_snapshot_per_publish_date(tmp_path: Path) -> None:
    path = write(tmp_path, "text_style_control", "full", rows(["2025-05-01", "2025-06-01"]))
    parsed = parse_raw(path, path.read_bytes())
    assert [str(p.snapshot_date) for p in parsed] == ["2025-05-01", "2025-06-01"]
    table = parsed[1].arrow["board_entries"].to_pylist()
    assert {r["board"] for r in table} == {"text"} and {r["style_control"] for r in table} == {True}
    assert sorted({r["category"] for r in table}) == ["coding", "full"]  # overall is the full board
    first = next(r for r in table if r["category"] == "full" and r["model_key"] == "deepseek-r1")
    assert (first["rating"], first["ci_low"], first["ci_high"], first["votes"], first["rank"]) == \
        (1405.0, 1401.0, 1409.0, 1000, 1)
    assert (first["org_label"], first["licence_label"]) == ("DeepSeek", "MIT")
    assert json.loads(first["extra"]) == {"variance": 4.0}  # a column the board does not read
    assert first["shown_rows"] is None  # the dataset publishes every row


def test_the_same_publication_from_latest_and_full_is_one_snapshot(tmp_path: Path) -> None:
    full = write(tmp_path / "a", "text", "full", rows(["2025-05-01", "2025-06-01"]))
    # the latest file holds the newest publication, its rows in another order
    latest = write(tmp_path / "b", "text", "latest", list(reversed(rows(["2025-05-01", "2025-06-01"])[6:])))
    obs = Observatory(tmp_path / "home")
    first = obs.import_paths([full])
    again = obs.import_paths([latest])
    assert len(first.imported) == 2
    assert [r.snapshot_id for r in again.duplicates] == [first.imported[1].snapshot_id]


def test_every_subset_has_its_board() -> None:
    assert arena_dataset.SUBSETS["webdev"] == ("webdev", False)
    assert arena_dataset.SUBSETS["document_style_control"] == ("document", True)
    assert arena_dataset.SUBSETS["text_to_image"] == ("image", False)
    assert len(arena_dataset.SUBSETS) == 14  # the subsets Arena's announcement lists


def test_a_documented_variant_of_a_column_name_is_read(tmp_path: Path) -> None:
    records = [{("arena_score" if k == "rating" else k): v for k, v in r.items()}
               for r in rows(["2025-05-01"])]
    path = write(tmp_path, "vision", "latest", records)
    parsed = parse_raw(path, path.read_bytes())
    assert parsed[0].arrow["board_entries"]["rating"].to_pylist()[0] == 1405.0


@pytest.mark.parametrize(("drop", "message"), [
    ("rating", "missing column 'rating' or 'arena_score' or 'score' (found: model_name,"),
    ("leaderboard_publish_date", "missing column 'leaderboard_publish_date' or 'publish_date'"),
])
def test_a_missing_column_names_what_was_found(tmp_path: Path, drop: str, message: str) -> None:
    records = [{k: v for k, v in r.items() if k != drop} for r in rows(["2025-05-01"])]
    path = write(tmp_path, "text", "latest", records)
    with pytest.raises(InputError) as caught:
        arena_dataset.parse(path, path.read_bytes(), subset="text")
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_a_row_without_a_date_is_named(tmp_path: Path) -> None:
    records = rows(["2025-05-01"])
    records[2]["leaderboard_publish_date"] = None
    path = write(tmp_path, "text", "latest", records)
    expected = r"row 3, field 'leaderboard_publish_date': the publish date is missing"
    with pytest.raises(InputError, match=expected):
        parse_raw(path, path.read_bytes())


def test_an_unknown_subset_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    path = write(tmp_path, "speech_to_text", "latest", rows(["2025-05-01"]))
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown arena subset 'speech_to_text'" in lines[0]
    assert not (Path(str(tmp_path)) / "home" / "snapshots").exists() or \
        not any((tmp_path / "home" / "snapshots").glob("*/*"))


def test_a_truncated_file_is_one_line(tmp_path: Path, capsys, monkeypatch, isolated_home) -> None:
    path = write(tmp_path, "text", "latest", rows(["2025-05-01"]))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = run_cli(capsys, monkeypatch, "import", str(path))
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0], result.err
    assert not any(isolated_home.glob("snapshots/*/*"))


def test_a_vote_file_is_still_read_as_votes(tmp_path: Path) -> None:
    votes = tmp_path / "votes_2025-05-01.parquet"
    pq.write_table(pa.table({"model_a": ["x"], "model_b": ["y"], "winner": ["model_a"]}), votes)
    assert [p.format for p in parse_raw(votes, votes.read_bytes())] == ["votes-arena"]


def test_the_dataset_is_read_before_other_publications_of_the_same_date(tmp_path: Path) -> None:
    """Arena's dataset and an LMArena CSV both cover 2025-05-01: the dataset's board is used."""
    dataset = write(tmp_path, "text", "latest", rows(["2025-05-01"], ("overall",)))
    csv = tmp_path / "lmsys_2025-05-01.csv"
    csv.write_text("rank,model,arena_score,95_pct_ci,votes,organization,license\n"
                   "1,deepseek-r1,1300,+5/-5,100,DeepSeek,MIT\n")
    obs = Observatory(tmp_path / "home")
    obs.import_paths([csv, dataset])
    top = obs.top(n=5, open_weights_only=False)
    assert set(top["source"]) == {"arena-dataset"}
    assert top.iloc[0]["rating"] == 1405.0
