"""The journal of the import in progress: ``<home>/import.json`` says when it started, how many
files it had to write and how many it wrote. It is removed when the import ends, so one found
at the next import (or by ``store verify``) is an import a kill stopped: "the import of
2026-12-07 stopped after 207 of 452 files". Snapshots appear whole or not at all either way;
the journal says which import to run again. An import that covers the same files clears it.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

JOURNAL = "import.json"


def read(home: Path) -> dict[str, Any] | None:
    try:
        found = json.loads((home / JOURNAL).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and "files" in found else None


def stopped(home: Path) -> str | None:
    """The line about an import a kill stopped, if there was one."""
    found = read(home)
    if found is None:
        return None
    return (f"the import of {str(found.get('started_at', '?'))[:10]} stopped after "
            f"{found.get('done', 0):,} of {found['files']:,} files (run the same import again "
            "to finish it)")


def start(home: Path, paths: list[str], files: int) -> dict[str, Any]:
    """Begin the journal of an import that will write ``files`` snapshots from ``paths``."""
    entry = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "pid": os.getpid(),
             "paths": paths, "files": files, "done": 0}
    _write(home, entry)
    return entry


def advance(home: Path, entry: dict[str, Any]) -> None:
    entry["done"] += 1
    _write(home, entry)


def finish(home: Path, entry: dict[str, Any], earlier: dict[str, Any] | None) -> None:
    """The import ended: its journal goes, and an earlier stopped one too when this import
    covered its paths (it is kept, and still said, otherwise)."""
    if earlier is not None and not set(earlier.get("paths", [])) <= set(entry["paths"]):
        _write(home, earlier)
        return
    with contextlib.suppress(OSError):
        (home / JOURNAL).unlink()


def _write(home: Path, entry: dict[str, Any]) -> None:
    tmp = home / f"{JOURNAL}.tmp"
    tmp.write_text(json.dumps(entry, sort_keys=True))
    os.replace(tmp, home / JOURNAL)
