"""Q7 (``metrics.share``): the share of downloads by developer country (organisation, family)
over a window, the EOI-style first-year variant and the concentration (HHI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from observatory.metrics.share import download_share
from tests.metrics import tables
from tests.metrics.hub_store import adoption_hub

# --- unit: hand-built Hub rows --------------------------------------------------------------

START, MIDDLE, END = "2024-01-01", "2024-07-01", "2025-01-01"


def _row(day: str, model_id: str, country: str | None, org: str | None, created: str,
         all_time: int) -> dict:
    return {"snapshot_date": day, "model_id": model_id, "country": country, "org_id": org,
            "family": model_id.split("/")[0].title(), "created_at": created,
            "downloads_all_time": all_time}


ENTRIES = [
    # cn/a: 100 -> 700 (600 in the window); created 2023-06-01, a year before the window ended
    _row(START, "cn/a", "CN", "cn-org", "2023-06-01", 100),
    _row(MIDDLE, "cn/a", "CN", "cn-org", "2023-06-01", 5000),
    _row(END, "cn/a", "CN", "cn-org", "2023-06-01", 700),
    # us/b: new in the window, 300
    _row(END, "us/b", "US", "us-org", "2024-03-01", 300),
    # us/c: its all-time count fell 500 -> 400: clipped to 0, not negative
    _row(START, "us/c", "US", "us-org", "2023-01-01", 500),
    _row(END, "us/c", "US", "us-org", "2023-01-01", 400),
    # x/d: no country known, 100
    _row(END, "x/d", None, None, "2024-06-01", 100),
]


def test_unit_window_downloads_by_country_and_hhi() -> None:
    # 2024-02-01 is not a snapshot: the window starts at the last one on or before it
    frame = download_share(tables.hub(ENTRIES), date(2024, 2, 1), date(2025, 1, 1))
    assert list(frame["country"]) == ["CN", "US", "(unknown)"]
    assert list(frame["downloads"]) == [600, 300, 100]
    assert list(frame["models"]) == [1, 2, 1]
    assert list(frame["share"]) == pytest.approx([0.6, 0.3, 0.1])
    assert list(frame["hhi"]) == pytest.approx([0.36 + 0.09 + 0.01] * 3)
    assert set(frame["window_start"]) == {date(2024, 1, 1)} and set(frame["window_end"]) == {date(2025, 1, 1)}
    assert set(frame["variant"]) == {"all downloads"}


def test_unit_window_downloads_by_org_and_family() -> None:
    by_org = download_share(tables.hub(ENTRIES), date(2024, 1, 1), date(2025, 1, 1), by="org")
    assert dict(zip(by_org["org_id"], by_org["downloads"], strict=True)) == {
        "cn-org": 600, "us-org": 300, "(unknown)": 100}
    by_family = download_share(tables.hub(ENTRIES), date(2024, 1, 1), date(2025, 1, 1), by="family")
    assert dict(zip(by_family["family"], by_family["downloads"], strict=True)) == {
        "Cn": 600, "Us": 300, "X": 100}


def test_unit_first_year_fraction() -> None:
    frame = download_share(tables.hub(ENTRIES), date(2024, 1, 1), date(2025, 1, 1),
                           first_year_only=True).set_index("country")
    # cn/a (created 2023-06-01): in the window 2024-01-01..2025-01-01 = 366 days (leap year); its
    # first year ends 365 days after creation, on 2024-05-31: 151 of those days -> 600 * 151 / 366
    assert frame.loc["CN", "downloads"] == pytest.approx(600 * 151 / 366)
    # us/b (created 2024-03-01) and x/d (2024-06-01) are younger than a year at the end: all count
    assert frame.loc["US", "downloads"] == pytest.approx(300)
    assert frame.loc["(unknown)", "downloads"] == pytest.approx(100)
    total = 600 * 151 / 366 + 400
    assert frame.loc["CN", "share"] == pytest.approx(600 * 151 / 366 / total)
    assert set(frame["variant"]) == {"first-year (EOI)"}


def test_unit_window_needs_two_snapshots_and_downloads() -> None:
    entries = tables.hub(ENTRIES)
    with pytest.raises(EmptyResultError, match="no whole-Hub snapshot on or before 2023-12-31"):
        download_share(entries, date(2023, 12, 31), date(2025, 1, 1))
    with pytest.raises(EmptyResultError, match="one snapshot covers both ends"):
        download_share(entries, date(2025, 1, 1), date(2025, 6, 1))
    with pytest.raises(EmptyResultError, match="no downloads between"):
        download_share(tables.hub([row for row in ENTRIES if row["model_id"] == "us/c"]),
                       date(2024, 1, 1), date(2025, 1, 1))


# --- a hand-made Hub store ------------------------------------------------------------------

@pytest.fixture
def hub(obs: Observatory, tmp_path: Path) -> Observatory:
    return adoption_hub(obs, tmp_path)


def test_share_by_country_over_a_window(hub: Observatory) -> None:
    frame = hub.share(date(2024, 8, 1), date(2025, 8, 1)).set_index("country")
    # Window downloads: Qwen 400 - 0 (CN); Llama 300 - 50 (US); the GGUF repack 8 - 0 belongs
    # to its uploader, whose country the registry does not know.
    assert frame.loc["CN", "downloads"] == 400
    assert frame.loc["US", "downloads"] == 250
    assert frame.loc["(unknown)", "downloads"] == 8
    assert frame.loc["CN", "share"] == pytest.approx(400 / 658)
    shares = [400 / 658, 250 / 658, 8 / 658]
    assert frame["hhi"].iloc[0] == pytest.approx(sum(x * x for x in shares))


def test_first_year_variant(hub: Observatory) -> None:
    frame = hub.share(date(2024, 8, 1), date(2025, 8, 1), first_year_only=True).set_index("country")
    # Llama (created 2024-07-01): in-window days 2024-08-01..2025-08-01 = 365, of which its
    # first year runs to 2025-07-01 = 334 days -> 250 * 334 / 365.
    assert frame.loc["US", "downloads"] == pytest.approx(250 * 334 / 365)
    # Qwen (created 2024-09-01) is younger than a year at the end: all 400 count.
    assert frame.loc["CN", "downloads"] == pytest.approx(400)
