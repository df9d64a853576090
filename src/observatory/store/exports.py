"""Files written outside the snapshot store where the user asks (synthetic votes, the exports a
schedule publishes, the report site: folders written whole by ``outputs``), and the check every
such file passes first (charts too)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from observatory.errors import InputError, OutputError
from observatory.store.outputs import Written, check_replaceable, swap_in

WINNERS = pa.array(["model_a", "model_b", "tie", "tie (bothbad)"])
SUFFIXES = (".parquet", ".csv", ".jsonl")


def arena_layout(votes: pa.Table) -> pa.Table:
    """A votes table in the public arena release layout (``winner`` spelled as released)."""
    index = pc.index_in(votes.column("outcome"), value_set=pa.array(["a", "b", "tie", "both_bad"]))
    keep = [n for n in votes.column_names if n not in ("outcome", "snapshot_id", "source")]
    return votes.select(keep).append_column("winner", WINNERS.take(index))


def check_writable(path: Path) -> None:
    """Refuse, before any work, a path that cannot be written: a folder in the way, or a file
    where a folder should be."""
    if path.is_dir():
        raise OutputError(path, "a folder is in the way")
    existing = next((parent for parent in path.parents if parent.exists()), None)
    if existing is not None and not existing.is_dir():
        raise OutputError(path, f"{existing} is a file, not a folder")


def write_votes(votes: pa.Table, path: Path) -> Path:
    """Write votes as .parquet, .csv or .jsonl (by suffix), atomically (temp file, rename)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unsupported vote file type '{suffix}'; use {', '.join(SUFFIXES)}")
    check_writable(path)
    table = arena_layout(votes)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".parquet":
            pq.write_table(table, tmp, compression="zstd")
        elif suffix == ".csv":
            pa_csv.write_csv(table, tmp)
        else:
            table.to_pandas().to_json(tmp, orient="records", lines=True, date_format="iso")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):  # the folder may not exist at all
            tmp.unlink(missing_ok=True)
        raise OutputError(path, exc.strerror or str(exc)) from exc
    return path


def write_export_folder(out: Path, tables: dict[str, pd.DataFrame], manifest: dict) -> Written:
    """Each table as ``<name>.csv`` and ``<name>.json`` plus ``manifest.json``, into ``out``
    whole (``outputs.swap_in``: the user's other files in it are kept)."""
    import json

    def fill(work: Path) -> None:
        for name, frame in tables.items():
            frame.to_csv(work / f"{name}.csv", index=False)
            frame.to_json(work / f"{name}.json", orient="records", date_format="iso", indent=1)
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")

    return swap_in(out, fill, "manifest.json")


def write_folder(out: Path, files: dict[str, bytes], marker: str | None = None) -> Written:
    """Files by relative path (a report site, its assets) into ``out`` whole
    (``outputs.swap_in``: the user's other files in it are kept). A path that would leave the
    folder is refused. ``marker``: the file that tells this kind of folder as written by d02274e
    (``manifest.json``: a report or an export; ``VERSION``: an assets folder); None: any kind."""

    def fill(work: Path) -> None:
        for name, data in files.items():
            target = (work / name).resolve()
            if not target.is_relative_to(work.resolve()):
                raise OutputError(out, f"refusing to write {name!r}: outside the folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    return swap_in(out, fill, marker)


__all__ = ["Written", "check_replaceable", "check_writable", "write_export_folder", "write_folder",
           "write_votes"]
