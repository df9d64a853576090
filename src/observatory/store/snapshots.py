"""Snapshots: raw files as received + normalized Parquet + ``manifest.json``.

Layout under the data home::

    snapshots/<format>/<snapshot_date>_<hash12>/raw/<file>
                                               /tables/<table>.parquet
                                               /tables/<table>/part-*.parquet (big ones)
                                               /manifest.json
    tmp/      work in progress; a snapshot is built here, then renamed into place
    catalog.duckdb

A snapshot is visible only once its folder is renamed into ``snapshots/`` with the manifest
inside, so a crash never leaves half a snapshot. Identical content (same SHA-256) is imported
once; a second import is a no-op that says so.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from observatory import METHOD_VERSION, __version__
from observatory.errors import StoreError
from observatory.sources.base import Parsed

STALE_TMP_SECONDS = 3600


def table_files(folder: Path, name: str) -> list[Path]:
    """A snapshot's files of table ``name``: ``tables/<name>.parquet``, or the parts of a big
    snapshot written a row group at a time (``tables/<name>/part-*.parquet``)."""
    single = folder / "tables" / f"{name}.parquet"
    if single.exists():
        return [single]
    return sorted((folder / "tables" / name).glob("part-*.parquet"))
LISTING = ("snapshot_id", "format", "snapshot_date", "counts", "imported_at", "origin")


@dataclass(frozen=True)
class ImportResult:
    path: str
    format: str
    snapshot_id: str
    snapshot_date: str
    counts: dict[str, int]
    duplicate: bool


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
            raise StoreError(f"cannot create the data home {home}: {exc.strerror}") from exc
        self._clean_stale_tmp()

    def _clean_stale_tmp(self) -> None:
        # Leftovers of a killed import; young ones may belong to a running import.
        for leftover in self.tmp_dir.iterdir():
            try:
                if time.time() - leftover.stat().st_mtime > STALE_TMP_SECONDS:
                    if leftover.is_dir():
                        shutil.rmtree(leftover, ignore_errors=True)
                    else:
                        leftover.unlink()
            except OSError:
                continue

    def snapshot_folders(self) -> list[Path]:
        """The complete snapshots' folders (a manifest marks a folder complete); no file read."""
        return sorted(path.parent for path in self.snapshots_dir.glob("*/*/manifest.json"))

    def manifests(self) -> list[dict[str, Any]]:
        found = []
        for path in sorted(self.snapshots_dir.glob("*/*/manifest.json")):
            try:
                manifest = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise StoreError(f"{path}: unreadable manifest ({exc})") from exc
            manifest["_dir"] = str(path.parent)
            found.append(manifest)
        return found

    def listing(self) -> list[dict[str, Any]]:
        """One row per snapshot: id, format, date, counts, when imported, origin."""
        return [{key: m.get(key) for key in LISTING} for m in self.manifests()]

    def known_hashes(self) -> dict[str, dict[str, Any]]:
        return {m["content_hash"]: m for m in self.manifests()}

    def write(self, parsed: Parsed, known: dict[str, dict[str, Any]] | None = None,
              query: dict[str, Any] | None = None) -> ImportResult:
        """Write one parsed file as a snapshot (or report the existing one)."""
        known = self.known_hashes() if known is None else known
        if parsed.tables:
            parsed.freeze()
        content_hash = parsed.content_hash
        if content_hash in known:
            return self._duplicate(parsed, known[content_hash])
        snapshot_id = parsed.snapshot_id
        day = parsed.snapshot_date.isoformat()
        final = self.snapshots_dir / parsed.format / f"{day}_{snapshot_id}"
        work = self.tmp_dir / f"{snapshot_id}-{uuid.uuid4().hex[:8]}"
        try:
            self._build(work, parsed, snapshot_id, content_hash, query)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.rename(work, final)
        except OSError as exc:
            shutil.rmtree(work, ignore_errors=True)
            if (final / "manifest.json").exists():  # a concurrent import of the same content won
                return self._duplicate(parsed, json.loads((final / "manifest.json").read_text()))
            raise StoreError(f"cannot write snapshot {final}: {exc.strerror}") from exc
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        manifest = json.loads((final / "manifest.json").read_text())
        known[content_hash] = manifest
        return ImportResult(str(parsed.path), parsed.format, snapshot_id, day,
                            manifest["counts"], duplicate=False)

    def adopt(self, prepared: Path, manifest: dict[str, Any],
              known: dict[str, dict[str, Any]] | None = None) -> ImportResult:
        """Move a folder of prepared tables (``<name>.parquet``) in as a snapshot."""
        known = self.known_hashes() if known is None else known
        day, snapshot_id = manifest["snapshot_date"], manifest["snapshot_id"]
        result = ImportResult(manifest["origin"], manifest["format"], snapshot_id, day,
                              manifest["counts"], duplicate=True)
        if manifest["content_hash"] in known:
            return result
        final = self.snapshots_dir / manifest["format"] / f"{day}_{snapshot_id}"
        work = self.tmp_dir / f"{snapshot_id}-{uuid.uuid4().hex[:8]}"
        try:
            (work / "raw").mkdir(parents=True)
            shutil.move(str(prepared), work / "tables")
            (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
            final.parent.mkdir(parents=True, exist_ok=True)
            os.rename(work, final)
        except OSError as exc:
            shutil.rmtree(work, ignore_errors=True)
            if (final / "manifest.json").exists():
                return result
            raise StoreError(f"cannot write snapshot {final}: {exc.strerror}") from exc
        known[manifest["content_hash"]] = manifest
        return ImportResult(manifest["origin"], manifest["format"], snapshot_id, day,
                            manifest["counts"], duplicate=False)

    @staticmethod
    def _duplicate(parsed: Parsed, existing: dict[str, Any]) -> ImportResult:
        return ImportResult(str(parsed.path), existing["format"], existing["snapshot_id"],
                            existing["snapshot_date"], existing["counts"], duplicate=True)

    def _build(self, work: Path, parsed: Parsed, snapshot_id: str, content_hash: str,
               query: dict[str, Any] | None) -> None:
        (work / "raw").mkdir(parents=True)
        (work / "tables").mkdir()
        (work / "raw" / parsed.path.name).write_bytes(parsed.raw)
        for name, table in parsed.arrow.items():
            pq.write_table(table, work / "tables" / f"{name}.parquet", compression="zstd")
        manifest = {
            "snapshot_id": snapshot_id,
            "source": parsed.format.split("-")[0],
            "format": parsed.format,
            "snapshot_date": parsed.snapshot_date.isoformat(),
            "content_hash": content_hash,
            "raw_files": [{"name": parsed.path.name, "sha256": content_hash,
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
        # The manifest is written last: its presence marks the folder complete.
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
