"""``store verify``: check every snapshot against its manifest, changing nothing.

A raw file must exist with the size and SHA-256 its manifest records; a table the manifest
counts rows for must be a readable Parquet file with that many rows; a folder under
``snapshots/`` without a manifest is an unfinished write. Temporary folders that killed runs left
in ``tmp/`` are listed; ``clean_tmp`` removes those, and nothing else.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from observatory.errors import StoreError
from observatory.sources.base import file_sha256
from observatory.store.snapshots import Store, table_files


@dataclass(frozen=True)
class Problem:
    path: Path
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def _raw_problems(folder: Path, manifest: dict) -> list[Problem]:
    found = []
    for entry in manifest.get("raw_files") or []:
        path = folder / "raw" / str(entry.get("name"))
        if not path.is_file():
            found.append(Problem(path, "raw file missing"))
            continue
        size = path.stat().st_size
        if entry.get("bytes") is not None and size != entry["bytes"]:
            found.append(Problem(path, f"raw file is {size:,} bytes, the manifest says "
                                       f"{entry['bytes']:,}"))
        elif entry.get("sha256") and file_sha256(path) != entry["sha256"]:
            found.append(Problem(path, "raw file's SHA-256 differs from the manifest's"))
    return found


def _table_problems(folder: Path, manifest: dict) -> list[Problem]:
    found = []
    for name, count in (manifest.get("counts") or {}).items():
        if not count:
            continue
        files = table_files(folder, name)
        if not files:
            found.append(Problem(folder / "tables" / f"{name}.parquet", "table missing"))
            continue
        rows, readable = 0, True
        for path in files:
            try:
                part_rows = pq.read_metadata(path).num_rows
                if part_rows:
                    pq.ParquetFile(path).read_row_group(0)  # the data, not only the footer
                rows += part_rows
            except (pa.ArrowException, OSError) as exc:
                found.append(Problem(path, f"unreadable Parquet ({str(exc).splitlines()[0]})"))
                readable = False
        if readable and rows != count:
            where = files[0] if len(files) == 1 else files[0].parent
            found.append(Problem(where, f"{rows:,} rows, the manifest says {count:,}"))
    return found


def problems(store: Store) -> list[Problem]:
    """Every problem with the snapshots, in folder order."""
    found: list[Problem] = []
    for folder in sorted(p for p in store.snapshots_dir.glob("*/*") if p.is_dir()):
        manifest_path = folder / "manifest.json"
        if not manifest_path.is_file():
            found.append(Problem(folder, "no manifest (an unfinished write)"))
            continue
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            found.append(Problem(manifest_path, f"unreadable manifest ({exc})"))
            continue
        found += _raw_problems(folder, manifest) + _table_problems(folder, manifest)
    return found


def leftovers(store: Store) -> list[Path]:
    """What killed runs left in ``tmp/``."""
    return sorted(store.tmp_dir.iterdir()) if store.tmp_dir.exists() else []


def clean_tmp(store: Store) -> list[Path]:
    """Remove the leftovers in ``tmp/`` (only those); returns what was removed."""
    removed = []
    for path in leftovers(store):
        try:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        except OSError as exc:
            raise StoreError(f"cannot remove {path}: {exc.strerror}") from exc
        removed.append(path)
    return removed
