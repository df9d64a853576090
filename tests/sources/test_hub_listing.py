"""Saved Hub listings (``sources.hub_listing``): a saved ``/api/models`` answer, bare or as the
daily files of ../shared/data/hub-trending-daily, read as a dated, partial Hub snapshot."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from observatory.errors import InputError
from observatory.sources import hub_listing
from observatory.sources.detect import detect

RECORDS = [
    {"id": "deepseek-ai/DeepSeek-R1", "likes": 13583, "downloads": 5894003,
     "pipeline_tag": "text-generation", "library_name": "transformers",
     "createdAt": "2025-01-20T03:46:07.000Z", "lastModified": None},
    {"id": "bigscience/bloom", "likes": "many", "downloads": 100, "pipeline_tag": "text-generation"},
    {"likes": 5, "downloads": 1},  # no id
]


def raw(value: object) -> bytes:
    return json.dumps(value).encode()


def test_the_daily_layout_is_dated_by_its_date_and_partial() -> None:
    content = raw({"date": "2026-08-22", "fetched_at": "x", "source": "huggingface.co/api/models",
                   "models": RECORDS})
    assert detect(Path("listing.json"), content).format == "hub-listing"
    one = hub_listing.parse(Path("listing.json"), content)
    assert one.format == "hub-listing" and one.snapshot_date == date(2026, 8, 22)
    assert one.dated_by == "publisher"
    rows = one.tables["hub_models"]
    assert [r["model_id"] for r in rows] == ["deepseek-ai/DeepSeek-R1", "bigscience/bloom"]
    assert rows[0]["likes"] == 13583 and rows[0]["downloads_30d"] == 5894003
    assert rows[1]["likes"] is None  # a wrong type is nulled and reported, never guessed
    assert one.notes["scope"] == "partial listing" and one.notes["listed"] == 2
    assert one.notes["malformed"] == {"no model id": 1}
    assert one.notes["issues"]["counts"] == {"likes: not a number": 1}


def test_a_bare_list_takes_its_date_from_the_name_or_the_option() -> None:
    named = hub_listing.parse(Path("models_2026-08-09.json"), raw(RECORDS[:1]))
    assert named.snapshot_date == date(2026, 8, 9) and named.dated_by is None
    given = hub_listing.parse(Path("models.json"), raw(RECORDS[:1]), date(2026, 1, 2))
    assert given.snapshot_date == date(2026, 1, 2)
    with pytest.raises(InputError, match=r"no date .* in the file name; give one with --date"):
        hub_listing.parse(Path("models.json"), raw(RECORDS[:1]))


@pytest.mark.parametrize(("content", "message"), [
    ({"date": "2026-08-22", "models": []}, "an empty listing: no model records"),
    ({"date": "2026-08-22", "models": [{"likes": 1}]}, "no usable model records: no model id (1)"),
    ({"date": "someday", "models": RECORDS}, "'date' is not a date: 'someday'"),
])
def test_bad_listings_are_one_line(content: object, message: str) -> None:
    with pytest.raises(InputError) as caught:
        hub_listing.parse(Path("bad.json"), raw(content))
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert "bad.json" in str(caught.value)


def test_other_json_is_not_taken_for_a_listing() -> None:
    assert not hub_listing.sniff({"data": [{"id": "x"}]})  # the AA API's shape
    assert not hub_listing.sniff([{"id": "x"}])  # an id alone is not a Hub record
    assert not hub_listing.sniff([])
    assert hub_listing.sniff([{"id": "a/b", "likes": 1}])
