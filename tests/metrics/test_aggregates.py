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
    pd.testing.assert_frame_equal(_sorted(obs.downloads(by), group), _sorted(raw, group))


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
