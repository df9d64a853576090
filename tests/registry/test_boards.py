"""Board rows attributed (``registry.boards``): one publication per board date, facts stated by
earlier snapshots, the AA index within one version; an unknown board or category names the ones
in the store, an empty store says to import data."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

from observatory.api import Observatory, Selection
from observatory.errors import EmptyResultError, InputError
from observatory.registry.boards import entries
from observatory.registry.loader import Registry, load_registry
from observatory.schema import BOARD_ENTRIES, BOARD_MODELS, TABLES
from observatory.store.tables import SNAPSHOTS
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


# --- on a small in-memory store --------------------------------------------------------------
DAY = date(2025, 3, 7)


def _row(source: str, snapshot_id: str, key: str, org: str, licence: str, rating: float,
         board: str = "text", category: str = "full") -> dict:
    return {"source": source, "board": board, "category": category, "style_control": False,
            "snapshot_date": DAY, "model_key": key, "model_name": key, "rating": rating,
            "org_label": org, "licence_label": licence, "snapshot_id": snapshot_id}


def _connection(rows: list[dict]) -> ibis.BaseBackend:
    con = ibis.duckdb.connect()
    con.create_table("board_entries", pa.Table.from_pylist(rows, schema=BOARD_ENTRIES))
    con.create_table("board_models", pa.Table.from_pylist([], schema=BOARD_MODELS))
    for name in ("index_scores", "hub_models"):  # a catalog always has every table
        con.create_table(name, pa.Table.from_pylist([], schema=TABLES[name]))
    ids = sorted({(r["snapshot_id"], r["source"]) for r in rows})
    con.create_table("snapshots", pa.Table.from_pylist(
        [{"snapshot_id": i, "format": f, "snapshot_date": DAY, "imported_at": f"2025-04-0{n + 1}T00:00:00"}
         for n, (i, f) in enumerate(ids)], schema=SNAPSHOTS))
    return con


STORE = [
    _row("lmarena-csv", "s-csv", "DeepSeek-R1", "DeepSeek", "MIT", 1360.0),
    _row("lmarena-csv", "s-csv", "GPT-4o-2024-05-13", "OpenAI", "Proprietary", 1285.0),
    _row("arena-catalog", "s-cat", "DeepSeek-R1", "DeepSeek", "MIT", 1350.0),  # same board date
    _row("observatory-bt", "s-bt", "DeepSeek-R1", "DeepSeek", "MIT", 1200.0),  # computed
    _row("lmarena-csv", "s-csv", "DeepSeek-R1", "DeepSeek", "MIT", 1370.0, category="coding"),
    _row("arena-catalog", "s-vis", "GPT-4o-2024-05-13", "OpenAI", "Proprietary", 1200.0, board="vision"),
]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    return load_registry(tmp_path_factory.mktemp("no-overrides"))


@pytest.fixture(scope="module")
def con() -> ibis.BaseBackend:
    return _connection(STORE)


def test_entries_attribute_one_publication(con: ibis.BaseBackend, registry: Registry) -> None:
    frame = entries(con, registry, Selection()).to_pandas().sort_values("rating", ignore_index=True)
    assert frame["source"].tolist() == ["lmarena-csv", "lmarena-csv"]  # the CSV wins the date
    assert frame["model_key"].tolist() == ["GPT-4o-2024-05-13", "DeepSeek-R1"]
    assert frame["rating"].tolist() == [1285.0, 1360.0]
    assert frame["country"].tolist() == ["US", "CN"]
    assert frame["open_weights"].tolist() == [False, True]
    computed = entries(con, registry, Selection(source="observatory-bt")).to_pandas()
    assert computed["rating"].tolist() == [1200.0]  # read only when asked for by source


def test_unknown_board_names_the_boards_in_the_store(con: ibis.BaseBackend, registry: Registry) -> None:
    with pytest.raises(InputError) as caught:
        entries(con, registry, Selection(board="nope"))
    assert str(caught.value) == "--board: unknown board 'nope'; boards in the store: aa, text, vision"


def test_unknown_category_names_the_categories_of_the_board(con: ibis.BaseBackend,
                                                            registry: Registry) -> None:
    with pytest.raises(InputError) as caught:
        entries(con, registry, Selection(category="nope"))
    assert str(caught.value) == ("--category: no category 'nope' on the text board; "
                                 "categories: coding, full")
    with pytest.raises(InputError) as caught:
        entries(con, registry, Selection(board="vision", category="coding"))
    assert str(caught.value) == "--category: no category 'coding' on the vision board; categories: full"


def test_known_selection_without_rows_says_to_import(con: ibis.BaseBackend, registry: Registry) -> None:
    with pytest.raises(EmptyResultError) as caught:
        entries(con, registry, Selection(style_control=True))
    assert str(caught.value) == ("no entries for board 'text', category 'full', style control True; "
                                 "import data with `observatory import PATH`")
    with pytest.raises(EmptyResultError, match="source 'nobody'; import data"):
        entries(con, registry, Selection(source="nobody"))


def test_empty_store_says_to_import_data(registry: Registry) -> None:
    with pytest.raises(EmptyResultError) as caught:
        entries(_connection([]), registry, Selection(board="nope"))
    assert str(caught.value) == ("no board data in the store; import data with "
                                 "`observatory import PATH`")
