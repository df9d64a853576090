"""Q2 (``metrics.lead_changes``): who held the lead on every date, when it changed hands, and
whether each change is statistically solid."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from observatory.api import Observatory

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
