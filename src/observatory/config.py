"""Where the data home is and which endpoints to use; everything overridable from the environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

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


# --- what published files say instead of the machine's paths ------------------------------------
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# An absolute path inside free text: a slash not after a word, a dot, ~, $, a colon or another
# slash (so neither a URL, nor "and/or", nor a path already named from ~ or $OBSERVATORY_HOME).
ABSOLUTE = re.compile(r"(?<![\w.~$:/\\-])/(?:[^\s/'\"<>|;,()]+/)*(?P<name>[^\s/'\"<>|;,()]+)")


def _forms(path: Path) -> list[str]:
    """The spellings of an absolute path a message may carry: as given, and with links resolved."""
    absolute = Path(path).expanduser().absolute()
    return sorted({str(absolute), os.path.realpath(absolute)}, key=len, reverse=True)


def home_label(home: Path) -> str:
    """The data home as published files name it, never by the machine's absolute path:
    ``$OBSERVATORY_HOME`` when that variable chose it, else a path under the user's home
    (``~/...``), else the folder's name."""
    home = Path(home).expanduser().absolute()
    override = os.environ.get("OBSERVATORY_HOME")
    if override and os.path.realpath(Path(override).expanduser()) == os.path.realpath(home):
        return "$OBSERVATORY_HOME"
    for user in _forms(Path.home()):
        for form in _forms(home):
            if form != user and Path(form).is_relative_to(user):
                return "~/" + Path(form).relative_to(user).as_posix()
    return home.name or "the data home"


def public_origin(origin: str) -> str:
    """Where a snapshot came from, as published: a URL as it is, a local path by the file's name
    (its folders name the machine), anything else (``observatory``, ``votes snapshot ...``) as
    it is."""
    if not origin or URL.match(origin):
        return origin
    if "/" in origin or "\\" in origin:
        return PureWindowsPath(origin).name if "\\" in origin else PurePosixPath(origin).name
    return origin


def public_text(text: str, home: Path | None = None) -> str:
    """Free text that is published (an error, a note): the data home named by ``home_label``,
    the user's home as ``~``, any other absolute path by its last name."""
    named = [(form, home_label(home)) for form in _forms(home)] if home is not None else []
    named += [(form, "~") for form in _forms(Path.home()) if form != os.sep]
    for form, label in named:  # a whole path only: /home/ann is not the start of /home/anna
        text = re.sub(re.escape(form) + r"(?![^\s/'\"<>|;,()])", label.replace("\\", "\\\\"), text)
    return ABSOLUTE.sub(lambda match: match.group("name"), text)


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
