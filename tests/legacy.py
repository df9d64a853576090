"""The code of an earlier commit, for tests that a data home, site or export folder it wrote
keeps working: ``git archive`` of its ``src`` and ``tests`` into a folder, run in a subprocess
with that folder first on the path. Skips (with the reason) when git or the commit is missing."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
D02274E = "d02274e"  # the last commit before issue 21 (no marker, no table hashes, no lock)


def checkout(commit: str, root: Path) -> Path:
    """``commit``'s src and tests under ``root``; returns ``root``."""
    if shutil.which("git") is None:
        pytest.skip(f"git is not installed: cannot check out {commit}")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "src", "tests"],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        pytest.skip(f"commit {commit} is not in this clone ({archive.stderr.decode().strip()})")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(root, filter="data")
    return root


def run(root: Path, script: str, env: dict[str, str], timeout: float = 600
        ) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with the checked-out code (and its tests) first on the path."""
    full = {**os.environ, **env, "PYTHONPATH": f"{root / 'src'}{os.pathsep}{root}"}
    return subprocess.run([sys.executable, "-c", script], cwd=root, env=full, capture_output=True,
                          text=True, timeout=timeout, check=False)
