"""Where the data home is and which endpoints to use; everything overridable from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ARENA_BASE_URL = "https://raw.githubusercontent.com/lmarena/arena-catalog/main/data"
AA_BASE_URL = "https://artificialanalysis.ai/api/v2"
HUB_BASE_URL = "https://huggingface.co"
# GitHub's commits API for the arena-catalog files: the date of a file's last commit dates a board
# whose payload carries none (``?path=data/<file>&per_page=1``).
ARENA_COMMITS_URL = "https://api.github.com/repos/lmarena/arena-catalog/commits"
ARENA_COMMITS_PREFIX = "data/"


def data_home() -> Path:
    """The data home: ``$OBSERVATORY_HOME`` or the platform's user data dir."""
    override = os.environ.get("OBSERVATORY_HOME")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("observatory", appauthor=False))


@dataclass(frozen=True)
class Endpoints:
    """Base URLs of the live sources, configurable so tests can point them at loopback."""

    arena: str = ARENA_BASE_URL  # arena-catalog on GitHub (a secondary source now)
    aa: str = AA_BASE_URL
    hub: str = HUB_BASE_URL  # the Hugging Face Hub: model listings and dataset repositories
    arena_commits: str = ""  # GitHub's commits API for the arena files (``from_env``: when the
    # arena files come from GitHub itself)

    @classmethod
    def from_env(cls) -> Endpoints:
        hub = (os.environ.get("OBSERVATORY_HUB_URL") or os.environ.get("HF_ENDPOINT")
               or HUB_BASE_URL)
        arena = os.environ.get("OBSERVATORY_ARENA_URL", ARENA_BASE_URL).rstrip("/")
        # the upstream's commit dates describe the upstream's files, not a mirror's
        commits = os.environ.get("OBSERVATORY_ARENA_COMMITS_URL",
                                 ARENA_COMMITS_URL if arena == ARENA_BASE_URL else "")
        return cls(
            arena=arena,
            arena_commits=commits.rstrip("/"),
            aa=os.environ.get("OBSERVATORY_AA_URL", AA_BASE_URL).rstrip("/"),
            hub=hub.rstrip("/"),
        )
