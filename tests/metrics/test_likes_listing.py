"""Q5 on the real daily Hub listings (../shared/data/hub-trending-daily): the most-liked
text-generation model of several organisations on two dates, computed here from the raw files,
against `observatory likes`. A namespace the registry does not attribute is its own
organisation (bigscience/bloom, the seed analysis's example), never dropped."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.errors import EmptyResultError
from tests.conftest import SHARED, need_shared

LISTINGS = SHARED / "hub-trending-daily"
ALIASES = Path(__file__).resolve().parents[2] / "src/observatory/registry/data/org_aliases.csv"
DATES = ["2026-08-07", "2026-08-15"]


def expected(day: str) -> dict[str, tuple[str, int]]:
    """Per organisation (the registry's Hub namespaces, read from its CSV; otherwise the
    namespace itself) the most-liked text-generation model of that day's file."""
    with ALIASES.open() as handle:
        owners = {row["alias"].lower(): row["org_id"] for row in csv.DictReader(handle)
                  if row["kind"] == "hf"}
    best: dict[str, tuple[str, int]] = {}
    for record in json.loads((LISTINGS / f"{day}.json").read_text())["models"]:
        if record.get("pipeline_tag") != "text-generation" or not isinstance(record.get("likes"), int):
            continue
        namespace = record["id"].split("/")[0]
        org = owners.get(namespace.lower(), namespace)
        mine = (record["id"], record["likes"])
        if org not in best or (-mine[1], mine[0]) < (-best[org][1], best[org][0]):
            best[org] = mine
    return best


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Observatory:
    need_shared(LISTINGS)
    obs = Observatory(tmp_path_factory.mktemp("listings"))
    obs.import_paths([LISTINGS])
    return obs


@pytest.mark.parametrize("day", DATES)
def test_most_liked_per_organisation_matches_the_raw_listing(listed: Observatory, day: str) -> None:
    want = expected(day)
    frame = listed.likes(as_of=date.fromisoformat(day))
    got = {row.org_id: (row.model_id, int(row.likes)) for row in frame.itertuples()}
    assert {str(d)[:10] for d in frame["snapshot_date"]} == {day}
    for org in ("deepseek", "openai", "meta", "alibaba", "bigscience"):
        assert got[org] == want[org], org
    assert got == want  # every organisation, none dropped
    bloom = frame[frame["org_id"] == "bigscience"].iloc[0]
    assert bloom["country"] == "unknown" and not bloom["attributed"]
    assert set(frame["source"]) == {"hub-listing"}


def test_views_that_need_whole_hub_crawls_name_the_command(listed: Observatory) -> None:
    """Listings are partial and have no all-time counts: downloads and shares say what fills
    them instead of answering from a top-N set."""
    with pytest.raises(EmptyResultError, match=r"no Hub history in the store .*"
                                               r"`observatory backfill --source hub-weekly"):
        listed.downloads("family")
    with pytest.raises(EmptyResultError,
                       match=r"no whole-Hub snapshot on or before 2026-08-07: .*--source hub-weekly"):
        listed.share(date(2026, 8, 7), date(2026, 8, 15), "country")
