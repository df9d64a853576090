"""Regressions for wrong answers found in review: each reproduces the case and checks the fix."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import AA, OFFICIAL, need_shared

from observatory.api import Observatory, Selection
from observatory.sources.detect import parse_file
from observatory.store import Store

PAGE = AA / "raw_llms_snapshots" / "llms_2026-05-10.json"
TEXT = OFFICIAL / "arena-catalog" / "text"


def api_shaped(page: dict) -> dict:
    """The page payload's models in the API v2 shape: no country, no open-weights facts."""
    data = []
    for model in page["models"]:
        creator = model["creator"]
        data.append({"id": model["id"], "name": model["name"], "slug": model["slug"],
                     "model_creator": {"id": creator["id"], "name": creator["name"],
                                       "slug": creator["slug"]},
                     "evaluations": model["evaluations"]})
    return {"status": 200, "prompt_options": {}, "data": data}


def test_api_rows_take_open_weights_from_earlier_snapshots(obs: Observatory, tmp_path: Path) -> None:
    need_shared(PAGE)
    page = json.loads(PAGE.read_text())
    api_file = tmp_path / "aa-api_2026-05-11.json"
    api_file.write_text(json.dumps(api_shaped(page)))
    obs.import_paths([PAGE, api_file])
    open_models = [m for m in page["models"]
                   if (m.get("open_weights") or {}).get("is_open_weights")
                   and m["evaluations"].get("artificial_analysis_intelligence_index") is not None]
    best = max(open_models, key=lambda m: m["evaluations"]["artificial_analysis_intelligence_index"])
    leader = obs.leaders(as_of=date(2026, 5, 11), sel=Selection(board="aa")).iloc[0]
    assert str(leader["snapshot_date"])[:10] == "2026-05-11"
    assert leader["model_name"] == best["name"]
    assert leader["country"] == best["creator"]["country"].upper()
    everything = obs.top(n=1000, as_of=date(2026, 5, 11), open_weights_only=False,
                         sel=Selection(board="aa"))
    assert everything["open_weights"].notna().all()


def test_same_source_same_date_counts_once(obs: Observatory, tmp_path: Path) -> None:
    need_shared(TEXT)
    older, newer = tmp_path / "a", tmp_path / "b"
    older.mkdir()
    newer.mkdir()
    shutil.copyfile(TEXT / "leaderboard-text_2025-05-20.json", older / "leaderboard-text.json")
    shutil.copyfile(TEXT / "leaderboard-text_2025-05-21.json", newer / "leaderboard-text.json")
    obs.import_paths([older / "leaderboard-text.json"], snapshot_date=date(2025, 6, 1))
    obs.import_paths([newer / "leaderboard-text.json"], snapshot_date=date(2025, 6, 1))
    top = obs.top(n=50, open_weights_only=False)
    assert top["model_key"].is_unique
    latest = json.loads((TEXT / "leaderboard-text_2025-05-21.json").read_text())["full"]
    assert top.iloc[0]["rating"] == pytest.approx(max(v["rating"] for v in latest.values()))


def test_catalog_catches_up_with_snapshots_written_without_a_rebuild(obs: Observatory) -> None:
    need_shared(TEXT)
    obs.import_paths([TEXT / "leaderboard-text_2025-05-20.json"])
    # A snapshot written while the catalog could not be rebuilt (e.g. it was locked).
    Store(obs.store.home).write(parse_file(TEXT / "leaderboard-text_2025-05-24.json"))
    dates = obs.entries().to_pandas()["snapshot_date"].astype(str).str[:10]
    assert set(dates) == {"2025-05-20", "2025-05-24"}


def test_an_existing_snapshot_folder_is_a_duplicate(obs: Observatory) -> None:
    """Two imports of the same file racing: the loser finds the folder and reports a duplicate."""
    need_shared(TEXT)
    path = TEXT / "leaderboard-text_2025-05-20.json"
    first = obs.store.write(parse_file(path))
    second = obs.store.write(parse_file(path), known={})  # as if it had not seen the first
    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.snapshot_id == first.snapshot_id


HEADER = "rank,model,arena_score,95_pct_ci,votes,organization,license\n"


def write_boards(folder: Path, boards: dict[str, list[tuple]]) -> None:
    folder.mkdir()
    for day, rows in boards.items():
        lines = [HEADER] + [f"1,{m},{r},+{h}/-{h},100,{org},{lic}\n" for m, r, h, org, lic in rows]
        (folder / f"lmsys_{day}.csv").write_text("".join(lines))


def test_solid_means_clear_of_every_rival_model(obs: Observatory, tmp_path: Path) -> None:
    """The US model rated below the US best but with a wide interval still reaches the leader."""
    write_boards(tmp_path / "b", {"2025-01-01": [
        ("B", 1320, 5, "DeepSeek", "MIT"),
        ("A", 1300, 5, "Meta", "Llama 3.1 Community"),
        ("E", 1290, 40, "Meta", "Llama 3.1 Community"),
    ]})
    obs.import_paths([tmp_path / "b"])
    row = obs.timeline().iloc[0]
    assert row["runner_up_model"] == "A"
    assert row["rivals_ci_high"] == 1330
    assert not row["solid"]
    leaders = obs.leaders(by="country")
    assert bool(leaders.iloc[0]["tied_with_next"]) is True


def test_solid_from_is_where_the_lead_stays_clear(obs: Observatory, tmp_path: Path) -> None:
    meta, deepseek = ("Meta", "Llama 3.1 Community"), ("DeepSeek", "MIT")
    write_boards(tmp_path / "b", {
        "2025-01-01": [("A", 1300, 5, *meta), ("B", 1200, 5, *deepseek)],
        "2025-01-02": [("B", 1320, 5, *deepseek), ("A", 1300, 5, *meta)],   # solid
        "2025-01-03": [("B", 1305, 5, *deepseek), ("A", 1300, 5, *meta)],   # not solid
        "2025-01-04": [("B", 1330, 5, *deepseek), ("A", 1300, 5, *meta)],   # solid again
        "2025-01-05": [("B", 1331, 5, *deepseek), ("A", 1300, 5, *meta)],   # and stays so
    })
    obs.import_paths([tmp_path / "b"])
    change = obs.lead_changes().iloc[0]
    assert bool(change["solid_at_change"]) is True
    assert str(change["solid_from"])[:10] == "2025-01-04"
    assert not pd.isna(change["solid_from"])
