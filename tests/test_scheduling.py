"""The unattended daily run (docs/SCHEDULING.md): the cron line, the systemd user units and the
GitHub workflow parse, run the commands this version has, and match what the document shows;
the export they publish is written whole and says where its numbers come from."""

from __future__ import annotations

import configparser
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from observatory.api import Observatory
from tests.cli_runner import run_cli

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DOC = (ROOT / "docs" / "SCHEDULING.md").read_text()
# A command: after ``bin/`` or a backtick (prose such as "the observatory every day" is not one).
COMMANDS = re.compile(r"(?:bin/|`)observatory ((?:[a-z-]+)(?: [a-z-]+)?)")


def _commands(text: str) -> set[str]:
    return {match.group(1) for match in COMMANDS.finditer(text)}


@pytest.mark.parametrize("text", [
    (DEPLOY / "cron" / "observatory.cron").read_text(),
    (DEPLOY / "systemd" / "observatory.service").read_text(),
    (DEPLOY / "github" / "observatory-daily.yml").read_text(),
    DOC,
], ids=["cron", "systemd", "github", "doc"])
def test_every_command_named_exists(text: str, capsys, monkeypatch, isolated_home: Path) -> None:
    named = _commands(text)
    assert named
    for command in sorted(named):
        words = [w for w in command.split() if not w.startswith("-")]
        result = run_cli(capsys, monkeypatch, *words, "--help")
        if result.code != 0 and len(words) == 2:  # "run >>" style: the second word is not a command
            result = run_cli(capsys, monkeypatch, words[0], "--help")
        assert result.code == 0, f"observatory {command}: {result.err}"


def test_the_cron_line_is_well_formed_and_documented() -> None:
    lines = [line for line in (DEPLOY / "cron" / "observatory.cron").read_text().splitlines()
             if line and not line.startswith("#")]
    entries = [line for line in lines if not re.match(r"^[A-Z_]+=", line)]
    [entry] = entries
    fields = entry.split(maxsplit=5)
    minute, hour, day, month, weekday, command = fields
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24 and (day, month, weekday) == ("*", "*", "*")
    shlex.split(command)  # quotes balance
    assert ".venv/bin/observatory run" in command and "store export --out" in command
    assert entry in DOC  # the document shows the same line


def test_the_systemd_units_are_well_formed() -> None:
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.optionxform = str  # type: ignore[assignment,method-assign]
    service.read(DEPLOY / "systemd" / "observatory.service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("/.venv/bin/observatory run")
    assert "store export --out" in service["Service"]["ExecStartPost"]
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.optionxform = str  # type: ignore[assignment,method-assign]
    timer.read(DEPLOY / "systemd" / "observatory.timer")
    assert timer["Timer"]["Persistent"] == "true"
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d UTC", timer["Timer"]["OnCalendar"])
    assert timer["Install"]["WantedBy"] == "timers.target"
    for name in ("observatory.service", "observatory.timer"):
        assert name in DOC


def test_the_github_workflow_runs_daily_and_publishes_the_exports() -> None:
    workflow = yaml.safe_load((DEPLOY / "github" / "observatory-daily.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads on: as True
    [schedule] = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert workflow["concurrency"]["cancel-in-progress"] is False
    steps = workflow["jobs"]["run"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "make run" in runs
    assert any("store export --out exports" in run for run in runs)
    upload = next(step for step in steps if str(step.get("uses", "")).startswith(
        "actions/upload-artifact"))
    assert upload["with"]["path"] == "exports/"


def test_the_export_is_whole_and_says_where_its_numbers_come_from(
        capsys, monkeypatch, isolated_home: Path, tmp_path: Path) -> None:
    from tests.metrics.hub_store import adoption_hub

    adoption_hub(Observatory(isolated_home), tmp_path)
    out = tmp_path / "exports"
    (out).mkdir()
    (out / "stale.csv").write_text("from an older export")
    (out / "manifest.json").write_text(json.dumps(  # an earlier export, as d02274e wrote it
        {"generated_at": "2026-12-01T00:00:00+00:00", "method_version": "2026.11.1",
         "tool_version": "0.1.0", "files": {"stale": {"rows": 1}}, "not_exported": {}}))
    (out / "thesis.tex").write_text("years of work")  # the user's: kept
    result = run_cli(capsys, monkeypatch, "store", "export", "--out", str(out))
    assert result.code == 0, result.err
    manifest = json.loads((out / "manifest.json").read_text())
    assert not (out / "stale.csv").exists()  # the folder is replaced whole
    assert (out / "thesis.tex").read_text() == "years of work"
    assert "kept 1 file(s) that are not the export's: thesis.tex" in result.out.splitlines()
    assert "downloads_by_family" in manifest["files"]
    assert manifest["files"]["downloads_by_family"]["snapshot_dates"] == ["2024-08-01",
                                                                         "2025-08-01"]
    assert "leaders" in manifest["not_exported"]  # no board in this store: said, not fatal
    assert "not exported: leaders" in result.out
    assert not list(tmp_path.glob(".exports.*"))  # no temporary folder left beside it
    rows = json.loads((out / "downloads_by_family.json").read_text())
    assert {row["family"] for row in rows} >= {"Qwen", "Llama"}


def test_an_export_into_a_folder_of_other_files_is_refused(capsys, monkeypatch, tmp_path: Path) -> None:
    """Issue 21: `store export --out DIR` deleted a thesis.tex."""
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    result = run_cli(capsys, monkeypatch, "store", "export", "--out", str(out))
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"cannot write: {out}: the folder holds files the Observatory did "
                                 "not write") and len(result.err.strip().splitlines()) == 1
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]
