"""The README is the user's first five minutes: every command is documented there, and its
examples run on the shipped data and print what it shows."""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import run_cli


def test_every_command_is_documented_in_the_readme(capsys, monkeypatch) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    import typer.main

    from observatory.cli import app

    group = typer.main.get_group(app)
    names = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {inner}" for inner in sub] if sub else [name]
    missing = [name for name in names if f"observatory {name}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
    for name in names:
        result = run_cli(capsys, monkeypatch, *name.split(), "--help")
        assert result.code == 0 and "usage" in result.out.lower()
