"""Board rows attributed (``registry.boards``): one publication per board date, facts stated by
earlier snapshots, the AA index within one version."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from observatory.api import Observatory, Selection
from tests.conftest import AA, OFFICIAL, need_shared

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


def test_one_publication_per_board_date(full: Observatory) -> None:
    """2025-03-07 has both an LMArena CSV and an arena-catalog JSON: the CSV (with votes) is used."""
    frame = full.entries().to_pandas()
    assert frame.groupby("snapshot_date")["source"].nunique().max() == 1
    day = frame[frame["snapshot_date"].astype(str).str[:10] == "2025-03-07"]
    assert set(day["source"]) == {"lmarena-csv"}
    assert day["votes"].notna().all()
