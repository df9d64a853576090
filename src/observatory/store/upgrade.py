"""Bringing a data home written by an earlier version up to this layout, in place, under the
lock. Layout 2 adds to each manifest the size and SHA-256 of every table file (``files``) and the
boards its rows cover (``boards``); ``<home>/store.json`` records the layout the whole home is at,
so the check costs one small read once done.

A snapshot whose tables cannot be read is left as it is (``store verify`` lists it, ``store
repair`` rebuilds it), so the upgrade never records the hash of a damaged file.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

from observatory.store import integrity
from observatory.store.integrity import LAYOUT, file_records

STORE_FILE = "store.json"


def layout(home: Path) -> int:
    """The layout the home was last brought to (1: written before layouts were recorded)."""
    try:
        found = json.loads((home / STORE_FILE).read_text())
    except (OSError, ValueError):
        return 1
    return int(found.get("layout", 1)) if isinstance(found, dict) else 1


def upgrade(home: Path, tmp: Path, folders: list[Path]) -> list[Path]:
    """Bring every older manifest among the snapshot ``folders`` to ``LAYOUT`` (the caller
    holds the lock; ``tmp`` is the home's work folder); the folders upgraded."""
    if layout(home) >= LAYOUT:
        return []
    upgraded = []
    for folder in folders:
        manifest, _ = integrity.read_manifest(folder)
        if manifest is None or int(manifest.get("layout", 1)) >= LAYOUT:
            continue
        if integrity.table_problems(folder, manifest, deep=True):
            continue
        manifest |= {"layout": LAYOUT, "files": file_records(folder)}
        boards = integrity.boards_in(folder)
        if boards:
            manifest["boards"] = boards
        write_manifest(tmp, folder, manifest)
        upgraded.append(folder)
    _write_json(tmp, home / STORE_FILE, {"layout": LAYOUT})
    return upgraded


def write_manifest(tmp: Path, folder: Path, manifest: dict[str, Any]) -> None:
    """Replace a snapshot's manifest whole (a reader sees the old one or the new one)."""
    _write_json(tmp, folder / "manifest.json",
                {k: v for k, v in manifest.items() if not k.startswith("_")})


def _write_json(tmp: Path, path: Path, value: dict[str, Any]) -> None:
    work = tmp / f"{path.name}-{uuid.uuid4().hex[:8]}"
    try:
        work.write_text(json.dumps(value, indent=2, sort_keys=True))
        os.replace(work, path)
    finally:
        with contextlib.suppress(OSError):
            work.unlink()

