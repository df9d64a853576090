"""The main job's headline (``metrics.headline``) and data ages (``metrics.freshness``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from observatory.metrics.freshness import board_age, source_freshness
from observatory.metrics.headline import index_headline, stale_lines, text_headline

TODAY = date(2026, 12, 2)


def leaders(*rows: tuple, shown: int | None = None, dated_by: str = "publisher") -> pd.DataFrame:
    """(country, model, rating, ci_low, ci_high, tied_with_next) per position."""
    frame = pd.DataFrame(rows, columns=["country", "model_name", "rating", "ci_low", "ci_high",
                                        "tied_with_next"])
    frame["position"] = range(1, len(frame) + 1)
    frame["next_model"] = frame["model_name"].shift(-1)
    frame["next_group"] = frame["country"].shift(-1)
    return frame.assign(board="text", style_control=False, snapshot_date=date(2026, 9, 8),
                        shown_rows=shown, dated_by=dated_by)


def test_a_solid_lead_and_the_boards_age() -> None:
    lines = text_headline(leaders(("CN", "glm-5", 1456, 1450, 1462, False),
                                  ("US", "gemma-4", 1430, 1425, 1435, None)), TODAY)
    assert lines == [
        "Best open model today: glm-5 (CN), rating 1456 (95% interval 1450 to 1462)",
        "  its lead over gemma-4 (US) is statistically solid: their 95% intervals do not overlap",
        "  on the text board published 2026-09-08, 85 days ago"]


def test_an_overlap_a_missing_interval_one_country_a_partial_board() -> None:
    overlap = text_headline(leaders(("CN", "a", 1456, 1450, 1462, True),
                                    ("US", "b", 1452, 1443, 1461, None)), TODAY)
    assert overlap[1] == "  its lead over b (US) is not statistically solid: their 95% intervals overlap"
    missing = text_headline(leaders(("CN", "a", 1456, None, None, pd.NA),
                                    ("(unknown)", "b", 1452, 1443, 1461, None)), TODAY)
    assert missing[0].endswith("rating 1456 (no interval published)")
    assert missing[1] == ("  whether its lead over b (country unknown) is solid cannot be judged: "
                          "an interval is missing")
    alone = text_headline(leaders(("CN", "a", 1456, 1450, 1462, None), shown=30,
                                  dated_by="fetch date"), TODAY)
    assert alone[1] == "  no other country has an open model on this board"
    assert alone[2] == ("  on the text board fetched 2026-09-08, 85 days ago (its publisher gave "
                        "no date); partial: the publisher showed its top 30 only")


def test_the_index_headline() -> None:
    top = pd.DataFrame([{"position": 1, "model_name": "Kimi K2.6", "org_name": "Moonshot AI",
                         "country": "CN", "rating": 53.904, "snapshot_date": date(2026, 5, 31),
                         "dated_by": None}])
    assert index_headline(top, "intelligence", TODAY) == [
        "Best open model on the Artificial Analysis intelligence index: Kimi K2.6 (Moonshot AI, "
        "CN), 53.9", "  on the Artificial Analysis index published 2026-05-31, 185 days ago"]


def test_stale_sources_count_publisher_dates_first() -> None:
    snapshots = pd.DataFrame({
        "format": ["arena-dataset", "arena-daily", "aa-api-json", "aa-api-json"],
        "snapshot_date": ["2026-09-13", "2026-11-30", "2026-11-20", "2026-12-02"],
        "dated_by": [None, "fetch date", None, "fetch date"]})
    assert stale_lines(snapshots, ["arena", "aa", "hub"], TODAY) == [
        "stale: arena: nothing new published since 2026-09-13 (80 days)"]
    fresh = source_freshness(snapshots.assign(format="x"), TODAY)
    assert fresh.to_dict("records") == [{"source": "x", "latest": date(2026, 11, 20),
                                         "age_days": 12, "stale": False, "dated_by": "publisher"}]


def test_board_age_words() -> None:
    assert board_age("vision", "2026-12-02", None, TODAY) == "vision board published 2026-12-02, today"
    assert board_age("text", date(2026, 12, 1), None, TODAY) == "text board published 2026-12-01, 1 day ago"
