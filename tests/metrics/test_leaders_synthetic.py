"""Leaders, lead changes, ties and the gap on a small synthetic board with known answers."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from observatory.api import Observatory

HEADER = "rank,rank_stylectrl,model,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url\n"
# model -> (organisation label, licence label); Meta US, DeepSeek CN, Mistral FR, OpenAI closed.
MODELS = {"A": ("Meta", "Llama 3.1 Community"), "B": ("DeepSeek", "MIT"),
          "C": ("Mistral", "Apache 2.0"), "D": ("OpenAI", "Proprietary")}
# date -> model -> (rating, +upper, -lower)
BOARDS = {
    "2025-01-01": {"A": (1300, 5, 5), "B": (1280, 5, 5), "D": (1400, 3, 3)},
    "2025-01-08": {"A": (1300, 5, 5), "B": (1302, 5, 5), "D": (1400, 3, 3)},
    "2025-01-15": {"A": (1300, 5, 5), "B": (1320, 5, 5), "D": (1400, 3, 3)},
    "2025-01-22": {"A": (1300, 5, 5), "B": (1320, 5, 5), "C": (1330, 20, 20), "D": (1400, 3, 3)},
}


@pytest.fixture
def synthetic(tmp_path: Path, isolated_home: Path) -> Observatory:
    folder = tmp_path / "boards"
    folder.mkdir()
    for day, board in BOARDS.items():
        lines = [HEADER]
        for rank, (model, (rating, plus, minus)) in enumerate(
                sorted(board.items(), key=lambda item: -item[1][0]), start=1):
            org, licence = MODELS[model]
            lines.append(f"{rank},{rank},{model},{rating},+{plus}/-{minus},1000,{org},{licence},,\n")
        (folder / f"lmsys_{day}.csv").write_text("".join(lines))
    obs = Observatory(isolated_home)
    obs.import_paths([folder])
    return obs


def test_leaders_by_country_and_ties(synthetic: Observatory) -> None:
    frame = synthetic.leaders(by="country", as_of=date(2025, 1, 22))
    assert list(frame["country"]) == ["FR", "CN", "US"]
    assert list(frame["model_name"]) == ["C", "B", "A"]
    # C [1310, 1350] overlaps B [1315, 1325]; B's low 1315 is above A's high 1305.
    assert frame["tied_with_next"].tolist()[:2] == [True, False]
    assert pd.isna(frame["tied_with_next"].iloc[2])


def test_as_of_picks_the_latest_snapshot_on_or_before(synthetic: Observatory) -> None:
    frame = synthetic.leaders(by="country", as_of=date(2025, 1, 10))
    assert str(frame["snapshot_date"].iloc[0])[:10] == "2025-01-08"
    assert frame["model_name"].iloc[0] == "B"


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


def test_gap_and_its_interval(synthetic: Observatory) -> None:
    gap = synthetic.gap()
    assert list(gap["gap"]) == [100, 98, 80, 70]
    half = math.sqrt(3**2 + 5**2)
    assert gap["gap_high"].iloc[0] - gap["gap"].iloc[0] == pytest.approx(half)
    assert gap["gap_high"].iloc[3] - gap["gap"].iloc[3] == pytest.approx(math.sqrt(3**2 + 20**2))


def test_top_all_includes_closed(synthetic: Observatory) -> None:
    assert list(synthetic.top(n=2, open_weights_only=False)["model_name"]) == ["D", "C"]
    assert list(synthetic.top(n=2)["model_name"]) == ["C", "B"]
