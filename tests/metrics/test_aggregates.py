"""Per-snapshot Hub aggregates (``metrics.aggregates``, ``jobs.aggregates``): the downloads views
read from them give the same numbers as the same views over the raw rows; they are computed once
per snapshot and again when the registry's rules change; nothing is dropped."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from observatory.api import Observatory
from observatory.jobs import aggregates as job
from observatory.metrics.aggregates import OTHER_NAMESPACES, aggregate
from observatory.metrics.downloads import downloads_by_namespace, downloads_over_time
from observatory.registry import hub
from tests.metrics.hub_store import ADOPTION_DAYS, adoption_hub


@pytest.fixture
def obs(isolated_home: Path, tmp_path: Path) -> Observatory:
    return adoption_hub(Observatory(isolated_home), tmp_path)


def _sorted(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    columns = ["snapshot_date", group, "downloads_all_time", "downloads_30d", "models",
               "gguf_models"]
    return frame[columns].sort_values(["snapshot_date", group]).reset_index(drop=True)


@pytest.mark.parametrize("by", ["family", "org", "country"])
def test_views_from_aggregates_equal_views_from_raw_rows(obs: Observatory, by: str) -> None:
    con = obs.connection()
    if by == "family":
        raw = downloads_over_time(hub.family_entries(con, obs.registry, hub.FULL_CRAWL), by)
    else:
        raw = downloads_by_namespace(hub.crawl_rows(con), hub.namespaces(obs.registry), by)
    group = {"family": "family", "org": "org_id", "country": "country"}[by]
    got = obs.downloads(by)
    if by != "family":  # the raw-row view left out the unattributed namespaces; this one keeps them
        entries = hub.hub_entries(obs.connection(), obs.registry, hub.FULL_CRAWL).to_pandas()
        unattributed = entries[entries["org_id"].isna()].groupby("snapshot_date")[
            "downloads_all_time"].sum()
        kept = got[~got[group].isin(set(raw[group]))]
        assert (kept.groupby("snapshot_date")["downloads_all_time"].sum().to_dict()
                == {d: int(v) for d, v in unattributed.items()})
        if by == "country":
            assert set(kept["country"]) == {"unknown"}
        got = got[got[group].isin(set(raw[group]))]
    pd.testing.assert_frame_equal(_sorted(got, group), _sorted(raw, group))


def test_computed_once_per_snapshot_and_again_for_new_rules(obs: Observatory) -> None:
    first = obs.update_aggregates()
    assert len(first) == len(ADOPTION_DAYS)
    assert obs.update_aggregates() == []  # nothing left to compute
    obs.downloads("family")  # reads them, computes nothing
    stored = [m for m in obs.store.manifests() if m["format"] == job.FORMAT]
    assert len(stored) == len(ADOPTION_DAYS)
    assert {m["query"]["hub_snapshot"] for m in stored} == {
        m["snapshot_id"] for m in obs.store.manifests() if m["format"] == "hub-api"}
    # a registry with one more family rule gives other aggregates
    families = obs.registry.families
    obs.registry = dataclasses.replace(obs.registry, families=pd.concat([families.iloc[:1].assign(
        pattern="^meta-llama/", family="Llama (renamed)"), families], ignore_index=True))
    again = obs.update_aggregates()
    assert len(again) == len(ADOPTION_DAYS)
    assert "Llama (renamed)" in set(obs.downloads("family")["family"])


def test_no_row_is_dropped_and_small_namespaces_share_one_row(obs: Observatory) -> None:
    con = obs.connection()
    day = ADOPTION_DAYS[-1]
    entries = hub.with_family(hub.hub_entries(con, obs.registry, "hub-api",
                                              [pd.Timestamp(day).date()]), obs.registry)
    raw = entries.to_pandas()
    summed = aggregate(entries, top=1).to_pandas()
    assert summed["downloads_all_time"].sum() == raw["downloads_all_time"].sum()
    assert summed["models"].sum() == len(raw)
    unattributed = raw[raw["org_id"].isna()]
    if unattributed["namespace"].nunique() > 1:
        kept = set(summed.loc[summed["org_id"].isna(), "org_key"])
        assert OTHER_NAMESPACES in kept and len(kept) == 2


def test_notes_say_what_the_table_cannot_show(obs: Observatory) -> None:
    """The share of the newest snapshot's downloads in unattributed namespaces, computed here
    from the raw rows, is said above the table by organisation."""
    con = obs.connection()
    newest = pd.Timestamp(ADOPTION_DAYS[-1]).date()
    raw = hub.hub_entries(con, obs.registry, "hub-api", [newest]).to_pandas()
    hidden = raw.loc[raw["org_id"].isna(), "downloads_all_time"].sum()
    share = hidden / raw["downloads_all_time"].sum()
    assert 0 < share < 1  # the store's premise: some namespaces are unattributed
    lines = obs.downloads_notes("org")
    assert (f"{share:.0%} of the all-time downloads on {newest} are in namespaces the registry "
            "does not attribute") in " ".join(lines)
    assert not any(line.startswith("single snapshot") for line in lines)


def test_one_snapshot_is_not_a_history(isolated_home: Path, tmp_path: Path) -> None:
    from tests.metrics.hub_store import add_adoption_snapshot

    one = Observatory(isolated_home)
    add_adoption_snapshot(one, ADOPTION_DAYS[-1], tmp_path)
    [first, *_] = one.downloads_notes("family")
    assert first.startswith(f"single snapshot: the Hub as of {ADOPTION_DAYS[-1]} only")
    assert "`observatory backfill --source hub-weekly" in first
