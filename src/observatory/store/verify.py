"""``store verify``: check every snapshot against its manifest, changing nothing.

A raw file must exist with the size and SHA-256 its manifest records; a table the manifest counts
rows for must be a readable Parquet file with that many rows and (layout 2) the bytes the manifest
records; a folder under ``snapshots/`` without a manifest is an unfinished write; a snapshot id
names one folder (a second folder of the same id, or the same id under two dates, is reported);
an import a kill stopped says how far it got. Temporary folders that killed runs left in ``tmp/``
are listed; ``clean_tmp`` removes those, and nothing else.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

from observatory.errors import StoreError
from observatory.store import integrity, journal
from observatory.store.integrity import Problem, folder_id
from observatory.store.lock import holder, lock_if_free
from observatory.store.snapshots import Store

__all__ = ["Problem", "clean_tmp", "damaged_folders", "leftovers", "problems", "writer"]


def _folders(store: Store) -> list[Path]:
    return sorted(p for p in store.snapshots_dir.glob("*/*") if p.is_dir())


def damaged_folders(store: Store) -> dict[Path, list[Problem]]:
    """The snapshot folders with problems, each with its problems."""
    found: dict[Path, list[Problem]] = {}
    for folder in _folders(store):
        _, problems = integrity.problems(folder)
        if problems:
            found[folder] = problems
    return found


def _duplicates(store: Store) -> list[Problem]:
    by_id: dict[str, list[Path]] = defaultdict(list)
    for folder in _folders(store):
        named = folder_id(folder)
        if named:
            by_id[named[1]].append(folder)
    found = []
    for snapshot_id, folders in sorted(by_id.items()):
        if len(folders) > 1:
            dates = sorted({(folder_id(f) or ("?",))[0] for f in folders})
            where = ", ".join(store.relative(f) for f in folders)
            found.append(Problem(folders[0], f"snapshot {snapshot_id} is stored {len(folders)} times"
                                 + (f", under {len(dates)} dates" if len(dates) > 1 else "")
                                 + f" ({where}); keep one with `observatory store remove`"))
    return found


def problems(store: Store) -> list[Problem]:
    """Every problem with the snapshots, in folder order, then duplicates and stopped imports."""
    found = [p for folder_problems in damaged_folders(store).values() for p in folder_problems]
    found += _duplicates(store)
    stopped = journal.stopped(store.home)
    if stopped:
        found.append(Problem(store.home / journal.JOURNAL, stopped))
    return found


def leftovers(store: Store) -> list[Path]:
    """What killed runs left in ``tmp/`` (nothing while a writer is at work: it is its)."""
    if not store.tmp_dir.exists() or writer(store):
        return []
    return sorted(store.tmp_dir.iterdir())


def writer(store: Store) -> str | None:
    """Who is writing into the home now (None: no one)."""
    with lock_if_free(store.home) as free:
        return None if free else holder(store.home)


def clean_tmp(store: Store) -> list[Path]:
    """Remove the leftovers in ``tmp/`` (only those), holding the lock so that no running
    writer's work is taken; returns what was removed."""
    listed = sorted(store.tmp_dir.iterdir()) if store.tmp_dir.exists() else []
    with store.writing():  # the first holder of the lock clears tmp/ (store.Store._on_lock)
        for path in leftovers(store):
            try:
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            except OSError as exc:
                raise StoreError(f"cannot remove {path}: {exc.strerror}") from exc
    return [path for path in listed if not path.exists()]
