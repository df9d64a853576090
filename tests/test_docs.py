"""The README is the user's first five minutes: every command is documented there, and its
examples run on the shipped data and print what it shows (in the spirit of sqlite-utils'
``test_docs.py``).

How an example is read: in a ```text (or bare ```) block, a line ``$ observatory ...`` is a
command (a trailing ``\\`` continues it; ``# ...`` is a comment; ``| ...`` pipes its output
through the shell), and the lines under it are what it prints. Box-drawing characters and runs
of spaces are ignored; ``...`` inside a line stands for any text, and a line that is only
``...`` for any number of lines. An example that shows an error line ("bad input: ...") must
exit non-zero, every other one zero. The commands of all blocks run in order in one fresh data home,
from a folder beside ``../shared``, so paths read as they do in a checkout. The ```python block
runs as written.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.conftest import SHARED, need_shared

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BOX = re.compile(r"[\u2500-\u257f]")
FENCE = re.compile(r"^```(\w*)\s*$")
# An example that shows one of these lines shows a failure: its command exits non-zero.
ERROR_LINE = re.compile(r"^(bad input|no data|unreachable|configuration|store|registry|cannot write"
                        r"|usage|error): ")


@dataclass
class Example:
    command: str  # as written after "$ ", continuation lines joined
    shown: list[str] = field(default_factory=list)
    line: int = 0  # where it stands in the README

    @property
    def args(self) -> list[str]:
        words = shlex.split(self.command.split("|", 1)[0], comments=True)
        assert words[0] == "observatory", self.command
        return words[1:]

    @property
    def pipe(self) -> str | None:
        _, bar, rest = self.command.partition("|")
        return rest.strip() if bar else None


def blocks(text: str) -> list[tuple[str, int, list[str]]]:
    """(language, first line number, lines) of every fenced block."""
    found, current, language, start = [], None, "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if fence and current is None:
            current, language, start = [], fence.group(1), number + 1
        elif line.startswith("```") and current is not None:
            found.append((language, start, current))
            current = None
        elif current is not None:
            current.append(line)
    return found


def examples(text: str) -> list[Example]:
    found: list[Example] = []
    for language, start, lines in blocks(text):
        if language not in ("", "text"):
            continue
        continuing = False
        for offset, line in enumerate(lines):
            if continuing:
                found[-1].command += " " + line.strip().rstrip("\\").strip()
            elif line.startswith("$ observatory"):
                found.append(Example(line[2:].rstrip("\\").strip(), line=start + offset))
            elif found and found[-1].line >= start:
                found[-1].shown.append(line)
            continuing = line.rstrip().endswith("\\")
    return found


def normalise(line: str) -> str:
    return " ".join(BOX.sub(" ", line).split())


def pattern(line: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in normalise(line).split("...")]
    return re.compile(".*".join(parts).replace(r"\ ", r"\s+"))


def mismatch(shown: list[str], printed: list[str]) -> str | None:
    """Why ``printed`` does not read as ``shown`` (None when it does)."""
    expected = [line for line in shown if normalise(line)]
    actual = [normalise(line) for line in printed if normalise(line)]
    position, gap = 0, False
    for line in expected:
        if normalise(line) == "...":
            gap = True
            continue
        wanted = pattern(line)
        if gap:
            while position < len(actual) and not wanted.fullmatch(actual[position]):
                position += 1
        if position >= len(actual) or not wanted.fullmatch(actual[position]):
            seen = actual[position] if position < len(actual) else "(end of output)"
            return f"expected {normalise(line)!r}\n     got {seen!r}"
        position, gap = position + 1, False
    return None


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``../shared`` beside it, like a checkout."""
    need_shared(SHARED)
    root = tmp_path_factory.mktemp("readme")
    (root / "shared").symlink_to(SHARED.parent, target_is_directory=True)
    (root / "work").mkdir()
    return root / "work"


def test_readme_examples_print_what_they_show(workdir: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("OBSERVATORY_HOME", str(workdir.parent / "home"))
    found = examples(README.read_text(encoding="utf-8"))
    assert len(found) >= 10, "the README lost its examples"
    assert found[0].args[0] == "import", "the first example must fill the data home"
    for example in found:
        result = run_cli(capsys, monkeypatch, *example.args)
        fails = any(ERROR_LINE.match(line) for line in example.shown)
        assert (result.code != 0) == fails, \
            f"README line {example.line}: {example.command}\nexit {result.code}\n{result.err}"
        out = result.out
        if example.pipe:
            out = subprocess.run(["sh", "-c", example.pipe], input=out, capture_output=True,
                                 text=True, check=True).stdout
        why = mismatch(example.shown, out.splitlines() + result.err.splitlines())
        assert why is None, f"README line {example.line}: {example.command}\n{why}"


def test_readme_python_example_runs(workdir: Path, monkeypatch) -> None:
    code = [lines for language, _, lines in blocks(README.read_text(encoding="utf-8"))
            if language == "python"]
    assert code, "the README lost its Python example"
    monkeypatch.chdir(workdir)
    # The examples' home when they ran first (its imports are then no-ops; tests of one file run
    # in one worker, see pyproject.toml), else a new one.
    monkeypatch.setenv("OBSERVATORY_HOME", str(workdir.parent / "home"))
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile("\n".join(code[0]), str(README), "exec"), namespace)
    leaders = namespace["leaders"]
    assert list(leaders["country"])[:2] == ["CN", "US"]  # the README's own leaders table


def test_mismatch_reads_gaps_and_elisions() -> None:
    printed = ["┃ a ┃ b ┃", "│ 1 │ x │", "│ 2 │ y │", "done: 3 rows in /tmp/x/file.csv"]
    assert mismatch([" a  b", " 1  x"], printed) is None
    assert mismatch([" a  b", "...", "done: ... rows in .../file.csv"], printed) is None
    assert mismatch([" a  b", " 2  y"], printed) is not None  # a row left out needs "..."
    assert mismatch([" a  b", " 1  z"], printed) is not None


def test_every_command_is_documented_in_the_readme(capsys, monkeypatch) -> None:
    import typer.main

    from observatory.cli import app

    readme = README.read_text(encoding="utf-8")
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


if __name__ == "__main__":  # print what each README command prints today, to update the README
    os.chdir(sys.argv[1] if len(sys.argv) > 1 else ".")
    for example in examples(README.read_text(encoding="utf-8")):
        print(f"$ {example.command}")
        command = [sys.executable, "-m", "observatory.cli", *example.args]
        done = subprocess.run(command, capture_output=True, text=True)
        out = done.stdout
        if example.pipe:
            out = subprocess.run(["sh", "-c", example.pipe], input=out, capture_output=True,
                                 text=True).stdout
        print(out + done.stderr)
