"""Attribution measured by hiding (``registry.holdout``) on the shipped boards, and the review
and accept commands that turn automatic attributions into registry rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from observatory.api import Observatory
from observatory.registry import holdout
from observatory.registry.loader import load_registry
from observatory.registry.unknowns import attributed_models
from tests.cli_runner import run_cli


def test_hiding_removes_the_model_rows_and_nothing_else(tmp_path: Path) -> None:
    registry = load_registry(tmp_path)
    names = holdout.named_models(registry)
    hidden = set(names[::3])
    less = holdout.hide(registry, hidden)
    assert not (set(less.model_facts["key"]) | set(less.arena_models["key"])) & hidden
    assert len(less.model_facts) + len(less.arena_models) < len(registry.model_facts) + len(
        registry.arena_models)
    assert less.organisations is registry.organisations and less.aliases is registry.aliases


def test_a_third_hidden_is_mostly_attributed_again_and_right(full: Observatory) -> None:
    """The benchmark's five seeds: issue 11's targets, >= 80 % attributed again and >= 98 % of
    those right on organisation, country and open weights, judged against the full registry's
    answer for the same models. (One seed alone can fall below 98 %: the registry's model rows
    exist mostly to correct noisy labels, and hiding them samples those.)"""
    con = full.connection()
    scored = holdout.run(full.registry, lambda registry, hidden: attributed_models(con, registry),
                         [0, 1, 2, 3, 4])
    total = holdout.summary(scored).iloc[0]
    assert total["models"] > 50
    assert total["attributed_share"] >= 0.80, total.to_dict()
    assert total["right_share"] >= 0.98, total.to_dict()


def test_review_lists_inferred_attributions_and_accept_writes_them(
        full_home: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVATORY_HOME", str(full_home))
    overrides = tmp_path / "registry"
    monkeypatch.setenv("OBSERVATORY_REGISTRY", str(overrides))
    listed = run_cli(capsys, monkeypatch, "registry", "review", "--all", "--format", "csv")
    assert listed.code == 0, listed.err
    rows = list(csv.DictReader(listed.out.splitlines()))
    assert rows and all(row["attribution"] != "registry" for row in rows)
    chosen = next(row for row in rows if row["org_id"] and row["open_weights"] in ("True", "False"))
    accepted = run_cli(capsys, monkeypatch, "registry", "accept", chosen["model_key"])
    assert accepted.code == 0, accepted.err
    [fact] = list(csv.DictReader((overrides / "model_facts.csv").open()))
    assert fact["model_key"] == chosen["model_key"] and fact["org_id"] == chosen["org_id"]
    assert fact["open_weights"] == {"True": "yes", "False": "no"}[chosen["open_weights"]]
    assert fact["reason"].startswith("accepted ") and chosen["attribution"] in fact["reason"]
    # now a registry fact: no longer listed for review
    again = run_cli(capsys, monkeypatch, "registry", "review", "--all", "--format", "csv")
    assert chosen["model_key"] not in {row["model_key"] for row in
                                       csv.DictReader(again.out.splitlines())}
    unknown = run_cli(capsys, monkeypatch, "registry", "accept", "no-such-model")
    assert unknown.code == 2
    assert unknown.err.strip() == ("bad input: registry accept: 'no-such-model' is not among the "
                                   "models to review (see `observatory registry review --all`)")
