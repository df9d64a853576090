"""Q2 (``metrics.lead_changes``): who held the lead on every date, when it changed hands, and
whether each change is statistically solid; by country or by organisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.lead_changes import lead_changes, timeline
from tests.conftest import LMSYS, need_shared
from tests.metrics import tables
from tests.metrics.raw_boards import ATOM_REGIONS, best_open, independent_country_series
from tests.metrics.synthetic_boards import synthetic_boards

HEADER = "rank,model,arena_score,95_pct_ci,votes,organization,license\n"


def write_boards(folder: Path, boards: dict[str, list[tuple]]) -> None:
    folder.mkdir()
    for day, rows in boards.items():
        lines = [HEADER] + [f"1,{m},{r},+{h}/-{h},100,{org},{lic}\n" for m, r, h, org, lic in rows]
        (folder / f"lmsys_{day}.csv").write_text("".join(lines))


# --- unit: hand-built board rows ------------------------------------------------------------

D1, D2, D3 = "2025-01-01", "2025-01-02", "2025-01-03"


def _row(day: str, name: str, org: str, country: str | None, rating: float, **extra: object) -> dict:
    return {"snapshot_date": day, "model_name": name, "org_id": org, "org_name": org.title(),
            "country": country, "rating": rating, "half": 5, **extra}


# Two US organisations (meta, google) and one CN (deepseek). By organisation the lead goes
# meta -> google -> deepseek; by country it stays US until deepseek takes it on the third date.
RACE = [
    _row(D1, "Llama", "meta", "US", 1300), _row(D1, "Gemma", "google", "US", 1290),
    _row(D1, "R1", "deepseek", "CN", 1250), _row(D1, "GPT", "openai", "US", 1500, open_weights=False),
    _row(D2, "Gemma", "google", "US", 1310), _row(D2, "Llama", "meta", "US", 1300),
    _row(D2, "R1", "deepseek", "CN", 1250),
    _row(D3, "R1", "deepseek", "CN", 1330), _row(D3, "Gemma", "google", "US", 1310),
    _row(D3, "Llama", "meta", "US", 1300),
]


def _days(values: pd.Series) -> list[str | None]:
    return [None if v is None or pd.isna(v) else str(v)[:10] for v in values]


def test_unit_timeline_by_country() -> None:
    frame = timeline(tables.board(RACE), by="country")
    assert _days(frame["snapshot_date"]) == [D1, D2, D3]
    assert list(frame["country"]) == ["US", "US", "CN"]
    assert list(frame["model_name"]) == ["Llama", "Gemma", "R1"]
    assert list(frame["runner_up_country"]) == ["CN", "CN", "US"]
    assert list(frame["runner_up_model"]) == ["R1", "R1", "Gemma"]
    # margins: 1300 - 1250, 1310 - 1250, 1330 - 1310
    assert list(frame["margin"]) == [50, 60, 20]
    # rivals' reach: the highest upper bound of any other country's model: 1255, 1255, 1315;
    # leader's low 1295, 1305, 1325 clears it every time
    assert list(frame["rivals_ci_high"]) == [1255, 1255, 1315]
    assert frame["solid"].tolist() == [True, True, True]
    assert "org_id" not in frame.columns and "runner_up_org_id" not in frame.columns


def test_unit_timeline_by_org() -> None:
    """``--by org --timeline`` answers by organisation (it used to return the country timeline)."""
    frame = timeline(tables.board(RACE), by="org")
    assert list(frame["org_id"]) == ["meta", "google", "deepseek"]
    assert list(frame["org_name"]) == ["Meta", "Google", "Deepseek"]
    assert list(frame["country"]) == ["US", "US", "CN"]
    assert list(frame["runner_up_org_id"]) == ["google", "meta", "google"]
    assert "runner_up_country" not in frame.columns
    assert list(frame["margin"]) == [10, 10, 20]
    # other organisations' reach: 1295 (Gemma), 1305 (Llama), 1315 (Gemma); the leader's low
    # 1295, 1305 touches it on the first two dates (not solid) and clears it on the third
    assert list(frame["rivals_ci_high"]) == [1295, 1305, 1315]
    assert frame["solid"].tolist() == [False, False, True]


def test_unit_lead_changes_by_country() -> None:
    changes = lead_changes(timeline(tables.board(RACE), by="country"), by="country")
    assert len(changes) == 1
    change = changes.iloc[0]
    assert (_days([change["last_date_before"], change["first_date_after"]])) == [D2, D3]
    assert (change["from_country"], change["from_model"], change["to_country"], change["to_model"]) == (
        "US", "Gemma", "CN", "R1")
    assert change["margin"] == 20 and bool(change["solid_at_change"]) is True
    assert str(change["solid_from"])[:10] == D3
    assert "from_org_id" not in changes.columns


def test_unit_lead_changes_by_org() -> None:
    changes = lead_changes(timeline(tables.board(RACE), by="org"), by="org")
    assert [c for c in changes.columns if c.startswith(("from_", "to_"))] == [
        "from_org_id", "from_model", "to_org_id", "to_model"]
    got = [(str(r.last_date_before)[:10], str(r.first_date_after)[:10], r.from_org_id, r.to_org_id,
            bool(r.solid_at_change), _days([r.solid_from])[0]) for r in changes.itertuples()]
    assert got == [
        # google's reign (one date) is never clear of meta's 1305
        (D1, D2, "meta", "google", False, None),
        (D2, D3, "google", "deepseek", True, D3),
    ]


def test_unit_unknown_group_never_leads() -> None:
    """A model without a country is not in the country race (its organisation still races)."""
    rows = [*RACE, _row(D1, "Mystery", "mystery", None, 1400)]
    assert list(timeline(tables.board(rows), by="country")["country"]) == ["US", "US", "CN"]
    assert list(timeline(tables.board(rows), by="org")["org_id"]) == ["mystery", "google", "deepseek"]


def test_unit_boards_are_raced_apart() -> None:
    rows = [*RACE, _row(D1, "V", "google", "US", 1200, category="vision"),
            _row(D2, "W", "deepseek", "CN", 1210, category="vision")]
    changes = lead_changes(timeline(tables.board(rows), by="country"), by="country")
    assert list(zip(changes["category"], changes["to_country"], strict=True)) == [
        ("full", "CN"), ("vision", "CN")]
    assert _days(changes["first_date_after"]) == [D3, D2]


def test_unit_no_open_model_with_a_country() -> None:
    with pytest.raises(EmptyResultError, match="known country"):
        timeline(tables.board([_row(D1, "GPT", "openai", "US", 1500, open_weights=False)]))


# --- boards imported into a store -----------------------------------------------------------

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


@pytest.fixture
def synthetic(tmp_path: Path, isolated_home: Path) -> Observatory:
    return synthetic_boards(tmp_path, isolated_home)


def test_lead_changes_and_when_they_became_solid(synthetic: Observatory) -> None:
    changes = synthetic.lead_changes()
    got = [(str(r.last_date_before)[:10], str(r.first_date_after)[:10], r.from_country,
            r.to_country, bool(r.solid_at_change),
            None if r.solid_from is None or pd.isna(r.solid_from) else str(r.solid_from)[:10])
           for r in changes.itertuples()]
    assert got == [
        # B 1302 [1297, 1307] overlaps A [1295, 1305]: not solid; B clears A from 01-15 on.
        ("2025-01-01", "2025-01-08", "US", "CN", False, "2025-01-15"),
        # C [1310, 1350] overlaps B [1315, 1325]: not solid, and never becomes so.
        ("2025-01-15", "2025-01-22", "CN", "FR", False, None),
    ]


def test_timeline_first_date_is_solid(synthetic: Observatory) -> None:
    timeline = synthetic.timeline()
    first = timeline.iloc[0]
    assert (first["country"], first["runner_up_country"], bool(first["solid"])) == ("US", "CN", True)
    assert first["margin"] == 20


# --- real boards ------------------------------------------------------------------------------

def test_lead_changed_to_china_between_dates(full: Observatory) -> None:
    need_shared(LMSYS, ATOM_REGIONS)
    series = independent_country_series()
    last_change = max(i for i in range(1, len(series)) if series[i][1] != series[i - 1][1])
    expected = (series[last_change - 1][0], series[last_change][0], series[last_change][1])
    changes = full.lead_changes()
    final = changes.iloc[-1]
    got = (str(final["last_date_before"])[:10], str(final["first_date_after"])[:10],
           final["to_country"])
    assert got == expected
    assert expected == ("2024-12-20", "2024-12-23", "CN")
    # Every change seen in the independent series over the lmsys dates is in the product's list.
    first_dates = {str(d)[:10] for d in changes["first_date_after"]}
    for i in range(1, len(series)):
        if series[i][1] != series[i - 1][1]:
            assert series[i][0] in first_dates


def test_real_timeline_by_org(full: Observatory) -> None:
    """By organisation the timeline names the organisation of the best open model (read from the
    raw file) and its runner-up organisation."""
    need_shared(LMSYS)
    expected = best_open(LMSYS / "lmsys_2025-07-18.csv")
    frame = full.timeline(by="org")
    assert {"org_id", "runner_up_org_id"} <= set(frame.columns)
    assert "runner_up_country" not in frame.columns
    row = frame[frame["snapshot_date"].astype(str).str[:10] == "2025-07-18"].iloc[0]
    assert row["model_name"] == expected["model"]
    assert row["org_name"].lower().startswith(expected["org"].lower()[:4])
    assert row["runner_up_org_id"] != row["org_id"]
