"""Run the real ``observatory`` entry point in-process (error mapping included)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from observatory import cli


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
            *args: str) -> Result:
    monkeypatch.setattr(sys, "argv", ["observatory", *args])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
