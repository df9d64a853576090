"""Damage kept local: which snapshots the catalog leaves out, and the line a view prints when it
would have read one of them.

Before the catalog is built, every snapshot is checked: its manifest reads, its table files are
there with the row counts the manifest records and, from layout 2 on, the bytes it records (the
SHA-256 of a file is computed again only when the file's size or modification time differs from
what the last build verified). A snapshot that fails is quarantined: left in place, listed by
``store verify``, and skipped by the catalog, so every other board answers as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observatory.sources.base import file_sha256
from observatory.store import integrity
from observatory.store.integrity import Problem, all_table_files, folder_parts

FILE_STAT = tuple[int, int]  # (bytes, mtime in ns)


@dataclass(frozen=True)
class Damage:
    """A quarantined snapshot: where it is (relative to the home), what it held and why."""

    folder: str
    snapshot_id: str
    format: str
    snapshot_date: str
    reason: str
    tables: tuple[str, ...] | None = None  # None: unknown (its manifest is unreadable)
    boards: tuple[str, ...] | None = None  # None: unknown or not a board

    def concerns(self, tables: set[str], boards: set[str] | None) -> bool:
        """Whether a view that read ``tables`` (board rows of ``boards``; None: of any board)
        would have read this snapshot."""
        if self.tables is None:  # its manifest is unreadable: tell every view
            return True
        shared = tables & set(self.tables)
        if not shared:
            return False
        if shared - {"board_entries"}:
            return True
        return boards is None or self.boards is None or bool(boards & set(self.boards))


@dataclass
class Checked:
    """The outcome of checking every snapshot: the healthy manifests, the quarantined ones and
    the files verified (path -> (bytes, mtime), for the next build to skip rehashing)."""

    manifests: list[dict[str, Any]] = field(default_factory=list)
    damaged: list[Damage] = field(default_factory=list)
    verified: dict[str, FILE_STAT] = field(default_factory=dict)


def stat_of(path: Path) -> FILE_STAT:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def file_stats(home: Path, folders: list[Path]) -> list[tuple[str, int, int]]:
    """Every manifest and table file of the snapshots, with size and modification time: what
    the catalog's fingerprint covers, so a file changed in place (a flipped byte, a cut) makes
    the next query rebuild the catalog and check it."""
    found = []
    for folder in folders:
        for path in [folder / "manifest.json", *all_table_files(folder)]:
            try:
                size, mtime = stat_of(path)
            except OSError:
                continue
            found.append((os.path.relpath(path, home), size, mtime))
    return found


def _table_hashes(folder: Path, manifest: dict[str, Any], home: Path,
                  trusted: dict[str, FILE_STAT], verified: dict[str, FILE_STAT]) -> list[Problem]:
    """Layout 2: every recorded file against its SHA-256, but for files already verified with
    the same size and modification time."""
    found = []
    for relative, entry in (manifest.get("files") or {}).items():
        path = folder / relative
        key = os.path.relpath(path, home)
        try:
            stat = stat_of(path)
        except OSError:
            found.append(Problem(path, "table file missing"))
            continue
        if trusted.get(key) == stat:
            verified[key] = stat
        elif stat[0] != entry.get("bytes") or file_sha256(path) != entry.get("sha256"):
            found.append(Problem(path, "table file differs from the manifest's record "
                                       "(size or SHA-256)"))
        else:
            verified[key] = stat
    return found


def check(home: Path, folders: list[Path], trusted: dict[str, FILE_STAT]) -> Checked:
    """Check every complete snapshot folder (see the module's docstring)."""
    checked = Checked()
    for folder in folders:
        manifest, problem = integrity.read_manifest(folder)
        if manifest is None:
            checked.damaged.append(damage(home, folder, None, [problem] if problem else []))
            continue
        problems = _table_hashes(folder, manifest, home, trusted, checked.verified)
        if not problems:  # row counts and footers (the hashes cover bytes, not structure)
            problems = integrity.table_problems(folder, {**manifest, "files": {}}, deep=False)
        if problems:
            checked.damaged.append(damage(home, folder, manifest, problems))
        else:
            manifest["_dir"] = str(folder)
            checked.manifests.append(manifest)
    return checked


def damage(home: Path, folder: Path, manifest: dict[str, Any] | None,
           problems: list[Problem]) -> Damage:
    day, snapshot_id = folder_parts(folder)
    reason = problems[0].what if problems else "damaged"
    tables = boards = None
    if manifest is not None:
        tables = tuple(sorted(k for k, v in manifest["counts"].items() if v))
        if manifest.get("boards"):
            boards = tuple(manifest["boards"])
    return Damage(os.path.relpath(folder, home), snapshot_id, folder.parent.name, day, reason,
                  tables, boards)


def notes(damaged: list[Damage], tables: set[str], boards: set[str] | None) -> list[str]:
    """One line for a view that would have read quarantined snapshots (none when it would not)."""
    hit = [d for d in damaged if d.concerns(tables, boards)]
    if not hit:
        return []
    first = hit[0]
    more = f", and {len(hit) - 1} more" if len(hit) > 1 else ""
    ids = " ".join(d.snapshot_id for d in hit[:5])
    return [f"damaged: {len(hit)} snapshot(s) left out of this answer ({first.folder}: "
            f"{first.reason}{more}); `observatory store verify` lists them, `observatory store "
            f"repair {ids}` rebuilds them"]
