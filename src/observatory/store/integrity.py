"""Whether a snapshot's files still are what its manifest says: the one check behind
``store verify``, the catalog's quarantine, the import that finds its content already stored,
and the upgrade of an older store.

A snapshot folder is ``snapshots/<format>/<date>_<id>/``. Its manifest records the raw files'
size and SHA-256 and each table's row count; from layout 2 on also each table file's size and
SHA-256 (``files``), so a flipped byte that still decodes is found too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from observatory.sources.base import file_sha256

LAYOUT = 2  # manifests with table file hashes ("files") and the boards they hold ("boards")
FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})_([0-9a-f]{12})$")


@dataclass(frozen=True)
class Problem:
    path: Path
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def folder_id(folder: Path) -> tuple[str, str] | None:
    """(date, snapshot id) from a snapshot folder's name, None for a folder of another name."""
    match = FOLDER.match(folder.name)
    return (match[1], match[2]) if match else None


def folder_parts(folder: Path) -> tuple[str, str]:
    """(date, id) as a snapshot folder's name spells them (``<date>_<id>``), checked or not."""
    day, _, name = folder.name.partition("_")
    return day, name or day


def table_files(folder: Path, name: str) -> list[Path]:
    """A snapshot's files of table ``name``: ``tables/<name>.parquet``, or the parts of a big
    snapshot written a row group at a time (``tables/<name>/part-*.parquet``)."""
    single = folder / "tables" / f"{name}.parquet"
    if single.exists():
        return [single]
    return sorted((folder / "tables" / name).glob("part-*.parquet"))


def all_table_files(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "tables").rglob("*.parquet") if p.is_file())


def file_records(folder: Path) -> dict[str, dict[str, Any]]:
    """Each table file of a snapshot folder: its path in the folder, size and SHA-256."""
    return {path.relative_to(folder).as_posix(): {"bytes": path.stat().st_size,
                                                  "sha256": file_sha256(path)}
            for path in all_table_files(folder)}


def boards_of(tables: dict[str, pa.Table]) -> list[str] | None:
    """The boards a snapshot's board rows cover (what a damaged snapshot would have answered)."""
    entries = tables.get("board_entries")
    if entries is None or entries.num_rows == 0:
        return None
    return sorted(str(b) for b in pc.unique(entries.column("board")).to_pylist() if b is not None)


def boards_in(folder: Path) -> list[str] | None:
    """``boards_of`` a stored snapshot folder's board rows."""
    files = table_files(folder, "board_entries")
    if not files:
        return None
    return boards_of({"board_entries": pa.concat_tables(
        pq.read_table(path, columns=["board"]) for path in files)})


def read_manifest(folder: Path) -> tuple[dict[str, Any] | None, Problem | None]:
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        return None, Problem(folder, "no manifest (an unfinished write)")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, Problem(path, f"unreadable manifest ({exc})")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("counts"), dict):
        return None, Problem(path, "unreadable manifest (not a snapshot's manifest)")
    named = folder_id(folder)
    if named and manifest.get("snapshot_id") != named[1]:
        return None, Problem(path, f"the manifest names snapshot {manifest.get('snapshot_id')!r}, "
                                   f"the folder {named[1]!r}")
    return manifest, None


def raw_problems(folder: Path, manifest: dict[str, Any]) -> list[Problem]:
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


def _readable(path: Path, deep: bool) -> tuple[int, Problem | None]:
    try:
        rows = pq.read_metadata(path).num_rows
        if deep and rows:
            pq.read_table(path)  # every page decodes, not only the footer
    except (pa.ArrowException, OSError, ValueError) as exc:
        return 0, Problem(path, f"unreadable Parquet ({str(exc).splitlines()[0]})")
    return rows, None


def table_problems(folder: Path, manifest: dict[str, Any], deep: bool = True) -> list[Problem]:
    """Tables missing, unreadable, with another row count, or (layout 2) with other bytes than
    the manifest records. ``deep`` decodes every page of files that have no recorded hash."""
    found: list[Problem] = []
    recorded: dict[str, dict[str, Any]] = manifest.get("files") or {}
    for relative, entry in recorded.items():
        path = folder / relative
        if not path.is_file():
            found.append(Problem(path, "table file missing"))
        elif path.stat().st_size != entry.get("bytes"):
            found.append(Problem(path, f"table file is {path.stat().st_size:,} bytes, the "
                                       f"manifest says {entry.get('bytes'):,}"))
        elif file_sha256(path) != entry.get("sha256"):
            found.append(Problem(path, "table file's SHA-256 differs from the manifest's"))
    if found:
        return found
    for name, count in manifest["counts"].items():
        if not count:
            continue
        files = table_files(folder, name)
        if not files:
            found.append(Problem(folder / "tables" / f"{name}.parquet", "table missing"))
            continue
        rows, readable = 0, True
        for path in files:
            part_rows, problem = _readable(path, deep and not recorded)
            if problem:
                found.append(problem)
                readable = False
            rows += part_rows
        if readable and rows != count:
            where = files[0] if len(files) == 1 else files[0].parent
            found.append(Problem(where, f"{rows:,} rows, the manifest says {count:,}"))
    return found


def problems(folder: Path, deep: bool = True) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A snapshot folder's manifest (None when unreadable) and everything wrong with it."""
    manifest, problem = read_manifest(folder)
    if manifest is None:
        return None, [problem] if problem else []
    return manifest, raw_problems(folder, manifest) + table_problems(folder, manifest, deep)
