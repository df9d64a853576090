"""Snapshots: raw files as received + normalized Parquet + ``manifest.json``.

Layout under the data home::

    snapshots/<format>/<snapshot_date>_<hash12>/raw/<file>
                                               /tables/<table>.parquet
                                               /tables/<table>/part-*.parquet (big ones)
                                               /manifest.json
    tmp/        work in progress; a snapshot is built here, then renamed into place
    run.lock    held by whoever writes (``store/lock.py``)
    store.json  the store's layout version (``store/upgrade.py``)
    store.log   what was removed or replaced, one JSON line each
    catalog.duckdb

A snapshot is visible only once its folder is renamed into ``snapshots/`` with the manifest
inside, so a crash never leaves half a snapshot. Every write holds the data home's lock, and a
snapshot id (the first 12 hex digits of the content's SHA-256) names one folder: identical content
is imported once, whatever date it comes with; a second import is a no-op that says so, unless
the stored copy is damaged, which the new one then replaces.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from observatory import METHOD_VERSION, __version__
from observatory.errors import ConfigError, StoreError
from observatory.sources.base import Parsed
from observatory.sources.checks import excluded_line
from observatory.store import integrity, upgrade
from observatory.store.integrity import LAYOUT, boards_in, boards_of, file_records, table_files
from observatory.store.lock import held, held_cache, lock_if_free, write_lock

__all__ = ["LISTING", "ImportResult", "Store", "table_files"]
LISTING = ("snapshot_id", "format", "snapshot_date", "counts", "imported_at", "origin")
LOG_NAME = "store.log"


@dataclass(frozen=True)
class ImportResult:
    path: str
    format: str
    snapshot_id: str
    snapshot_date: str
    counts: dict[str, int]
    duplicate: bool
    replaced: tuple[str, ...] = ()  # folders (relative to the home) this write replaced
    excluded: str | None = None  # the rows the file lost, and why ("excluded 3 of 50 row(s): ...")


class Store:
    """The data home. Only this class writes data files."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.snapshots_dir = home / "snapshots"
        self.tmp_dir = home / "tmp"
        self.catalog_path = home / "catalog.duckdb"
        try:
            self.snapshots_dir.mkdir(parents=True, exist_ok=True)
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the data home {home}: {exc.strerror}") from exc

    # --- the lock -----------------------------------------------------------------------------
    def writing(self, wait: float = 0.0,
                on_wait: Callable[[str], None] | None = None) -> contextlib.AbstractContextManager[Path]:
        """Hold the data home's write lock (re-entrant). The first holder clears what killed
        writers left in ``tmp/`` and brings an older store's layout up to date."""
        return write_lock(self.home, wait, on_wait, self._on_lock)

    def writing_if_free(self) -> contextlib.AbstractContextManager[bool]:
        """The write lock if no other process holds it (True), else nothing (False)."""
        return lock_if_free(self.home, self._on_lock)

    def _on_lock(self) -> None:
        for leftover in list(self.tmp_dir.iterdir()):  # nobody else writes now: all of it is dead
            with contextlib.suppress(OSError):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
        upgrade.upgrade(self.home, self.tmp_dir, self.snapshot_folders())

    @property
    def locked(self) -> bool:
        return held(self.home)

    # --- reading ----------------------------------------------------------------------------
    def snapshot_folders(self) -> list[Path]:
        """The complete snapshots' folders (a manifest marks a folder complete); no file read."""
        return sorted(path.parent for path in self.snapshots_dir.glob("*/*/manifest.json"))

    def manifests(self) -> list[dict[str, Any]]:
        """The readable manifests (``_dir``: the folder); an unreadable one is left out here and
        reported by ``store verify`` and the catalog's quarantine."""
        found = []
        for folder in self.snapshot_folders():
            manifest, _ = integrity.read_manifest(folder)
            if manifest is not None:
                manifest["_dir"] = str(folder)
                found.append(manifest)
        return found

    def listing(self) -> list[dict[str, Any]]:
        """One row per snapshot: id, format, date, counts, when imported, origin."""
        return [{key: m.get(key) for key in LISTING} for m in self.manifests()]

    def known_hashes(self) -> dict[str, dict[str, Any]]:
        return {m["content_hash"]: m for m in self.manifests() if m.get("content_hash")}

    def folders_of(self, snapshot_id: str) -> list[Path]:
        """Every folder named after ``snapshot_id`` (one, unless something went wrong). Under
        the lock, from an index of the home made once per holding (a write of many snapshots
        looks each up)."""
        cache = held_cache(self.home)
        if cache is None:
            return sorted(p for p in self.snapshots_dir.glob(f"*/*_{snapshot_id}") if p.is_dir())
        if "ids" not in cache:
            index: dict[str, list[Path]] = {}
            for folder in self.snapshots_dir.glob("*/*_*"):
                index.setdefault(folder.name.partition("_")[2], []).append(folder)
            cache["ids"] = index
        return sorted(p for p in cache["ids"].get(snapshot_id, []) if p.is_dir())

    def _indexed(self, folder: Path, present: bool) -> None:
        """Keep the lock holder's index of folders by id true after a rename or a removal."""
        cache = held_cache(self.home)
        if cache is None or "ids" not in cache:
            return
        folders = cache["ids"].setdefault(folder.name.partition("_")[2], [])
        if present and folder not in folders:
            folders.append(folder)
        elif not present and folder in folders:
            folders.remove(folder)

    def intact(self, folder: Path) -> bool:
        """Whether a stored snapshot's files are all as its manifest records."""
        return not integrity.problems(folder)[1]

    def relative(self, path: Path) -> str:
        """A path inside the home, as published (never the machine's absolute path)."""
        with contextlib.suppress(ValueError):
            return Path(path).relative_to(self.home).as_posix()
        return Path(path).name

    # --- writing ----------------------------------------------------------------------------
    def write(self, parsed: Parsed, known: dict[str, dict[str, Any]] | None = None,
              query: dict[str, Any] | None = None, replace: bool = False) -> ImportResult:
        """Write one parsed file as a snapshot (or report the intact copy already stored).
        ``replace``: the same content stored under another date is replaced (a misdated import
        corrected), logged."""
        if parsed.tables:
            parsed.freeze()
        day = parsed.snapshot_date.isoformat()
        with self.writing():
            stored = self._stored(parsed.snapshot_id, parsed.content_hash)
            if stored is not None and (not replace or stored["snapshot_date"] == day):
                return _result(str(parsed.path), stored, duplicate=True)
            work = self.tmp_dir / f"{parsed.snapshot_id}-{uuid.uuid4().hex[:8]}"
            manifest = self._fill(work, lambda: self._build(work, parsed, query))
            why = "replaced by `import --replace`" if stored is not None else "damaged"
            replaced = self._move_in(work, parsed.format, day, parsed.snapshot_id, why)
        if known is not None:
            known[parsed.content_hash] = manifest
        return _result(str(parsed.path), manifest, duplicate=False, replaced=replaced)

    def adopt(self, prepared: Path, manifest: dict[str, Any],
              known: dict[str, dict[str, Any]] | None = None) -> ImportResult:
        """Move a folder of prepared tables (``<name>.parquet`` or ``<name>/part-*.parquet``)
        in as a snapshot."""
        snapshot_id, day = manifest["snapshot_id"], manifest["snapshot_date"]
        with self.writing():
            stored = self._stored(snapshot_id, manifest["content_hash"])
            if stored is not None:
                return _result(manifest["origin"], stored, duplicate=True)
            work = self.tmp_dir / f"{snapshot_id}-{uuid.uuid4().hex[:8]}"

            def fill() -> dict[str, Any]:
                (work / "raw").mkdir(parents=True)
                shutil.move(str(prepared), work / "tables")
                return self._finish(work, dict(manifest), boards_in(work))

            written = self._fill(work, fill)
            replaced = self._move_in(work, manifest["format"], day, snapshot_id, "damaged")
        if known is not None:
            known[manifest["content_hash"]] = written
        return _result(manifest["origin"], written, duplicate=False, replaced=replaced)

    def remove(self, folder: Path, why: str) -> None:
        """Remove one snapshot folder (under the lock), logged in ``store.log``."""
        with self.writing():
            manifest, _ = integrity.read_manifest(folder)
            trash = self.tmp_dir / f"removed-{folder.name}-{uuid.uuid4().hex[:8]}"
            try:
                os.rename(folder, trash)  # out of sight at once, then deleted
            except OSError as exc:
                raise StoreError(f"cannot remove {self.relative(folder)}: {exc.strerror}") from exc
            self._indexed(folder, present=False)
            self.log("removed", folder, why, manifest)
            shutil.rmtree(trash, ignore_errors=True)

    def log(self, action: str, folder: Path, why: str, manifest: dict[str, Any] | None) -> None:
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "action": action,
                 "snapshot": self.relative(folder), "why": why, "tool_version": __version__}
        if manifest:
            entry |= {k: manifest.get(k) for k in ("snapshot_id", "format", "snapshot_date",
                                                   "content_hash", "counts")}
        with (self.home / LOG_NAME).open("a") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")

    def log_entries(self) -> Iterator[dict[str, Any]]:
        with contextlib.suppress(OSError):
            for line in (self.home / LOG_NAME).read_text().splitlines():
                with contextlib.suppress(ValueError):
                    yield json.loads(line)

    # --- inside the lock ----------------------------------------------------------------------
    def _stored(self, snapshot_id: str, content_hash: str) -> dict[str, Any] | None:
        """The intact snapshot already holding this content, if any (the id names it)."""
        for folder in self.folders_of(snapshot_id):
            manifest, problems = integrity.problems(folder)
            if manifest is not None and not problems and manifest.get("content_hash") == content_hash:
                return manifest
        return None

    def _fill(self, work: Path, fill: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return fill()
        except OSError as exc:
            shutil.rmtree(work, ignore_errors=True)
            raise StoreError(f"cannot write snapshot {work.name}: {exc.strerror}") from exc
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise

    def _move_in(self, work: Path, fmt: str, day: str, snapshot_id: str,
                 why: str) -> tuple[str, ...]:
        """Rename the finished folder into place. An earlier copy of the same snapshot (damaged,
        or under another date) is moved aside first and removed after, logged (``why``): the id
        names one folder."""
        final = self.snapshots_dir / fmt / f"{day}_{snapshot_id}"
        aside: list[tuple[Path, Path]] = []
        try:
            for old in self.folders_of(snapshot_id):
                trash = self.tmp_dir / f"replaced-{old.name}-{uuid.uuid4().hex[:8]}"
                os.rename(old, trash)
                aside.append((old, trash))
                self._indexed(old, present=False)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.rename(work, final)
            self._indexed(final, present=True)
        except OSError as exc:
            for old, trash in aside:  # put back what was moved: nothing lost on a failure
                with contextlib.suppress(OSError):
                    os.rename(trash, old)
                    self._indexed(old, present=True)
            shutil.rmtree(work, ignore_errors=True)
            raise StoreError(f"cannot write snapshot {self.relative(final)}: {exc.strerror}") from exc
        except BaseException:
            for old, trash in aside:
                with contextlib.suppress(OSError):
                    os.rename(trash, old)
                    self._indexed(old, present=True)
            shutil.rmtree(work, ignore_errors=True)
            raise
        for old, trash in aside:
            manifest, _ = integrity.read_manifest(trash)
            self.log("replaced", old, f"{why}: now {self.relative(final)}", manifest)
            shutil.rmtree(trash, ignore_errors=True)
        return tuple(self.relative(old) for old, _ in aside)

    def _build(self, work: Path, parsed: Parsed, query: dict[str, Any] | None) -> dict[str, Any]:
        (work / "raw").mkdir(parents=True)
        (work / "tables").mkdir()
        (work / "raw" / parsed.path.name).write_bytes(parsed.raw)
        for name, table in parsed.arrow.items():
            pq.write_table(table, work / "tables" / f"{name}.parquet", compression="zstd")
        manifest = {
            "snapshot_id": parsed.snapshot_id,
            "source": parsed.format.split("-")[0],
            "format": parsed.format,
            "snapshot_date": parsed.snapshot_date.isoformat(),
            "content_hash": parsed.content_hash,
            "raw_files": [{"name": parsed.path.name, "sha256": parsed.content_hash,
                           "bytes": len(parsed.raw)}],
            "origin": parsed.origin or str(parsed.path),
            "query": query or {},
            "counts": parsed.counts(),
            "notes": parsed.notes,
            "method_version": METHOD_VERSION,
            "tool_version": __version__,
            "imported_at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "status": "complete",
        }
        if parsed.dated_by:
            manifest["dated_by"] = parsed.dated_by
        return self._finish(work, manifest, boards_of(parsed.arrow))

    @staticmethod
    def _finish(work: Path, manifest: dict[str, Any], boards: list[str] | None) -> dict[str, Any]:
        """The manifest with the table files' hashes, written last: its presence marks the
        folder complete."""
        manifest |= {"layout": LAYOUT, "files": file_records(work)}
        if boards:
            manifest["boards"] = boards
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        return manifest


def _result(path: str, manifest: dict[str, Any], duplicate: bool,
            replaced: tuple[str, ...] = ()) -> ImportResult:
    return ImportResult(path, manifest["format"], manifest["snapshot_id"],
                        manifest["snapshot_date"], manifest["counts"], duplicate, replaced,
                        excluded_line(manifest.get("notes") or {}))
