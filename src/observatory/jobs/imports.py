"""The import job: read files (format detected), then write each as a snapshot.

Every file is read and checked before anything is written, so one bad file leaves the store
untouched; content already in the store is a no-op that says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError, UnknownFormatError
from observatory.sources.base import Parsed, read_bytes
from observatory.sources.detect import expand, parse_raw
from observatory.store import ImportResult
from observatory.store.catalog import Catalog

Progress = Callable[[Path], None]


@dataclass
class ImportReport:
    """What an import did: results per file, and files skipped while walking folders."""

    results: list[ImportResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def imported(self) -> list[ImportResult]:
        return [r for r in self.results if not r.duplicate]

    @property
    def duplicates(self) -> list[ImportResult]:
        return [r for r in self.results if r.duplicate]


def _already_stored(path: Path, raw: bytes, known: dict[str, dict[str, Any]]) -> ImportResult | None:
    """The snapshot holding these exact bytes, if any (a file imported before is not parsed
    again)."""
    manifest = known.get(hashlib.sha256(raw).hexdigest())
    if manifest is None:
        return None
    return ImportResult(str(path), manifest["format"], manifest["snapshot_id"],
                        manifest["snapshot_date"], manifest["counts"], duplicate=True)


def read_paths(paths: Iterable[Path | str], fmt: str | None = None,
               snapshot_date: date | None = None, progress: Progress | None = None,
               known: dict[str, dict[str, Any]] | None = None) -> tuple[list[Parsed], ImportReport]:
    """Read every file first. A file found while walking a folder that no importer knows is
    skipped and reported; a file named explicitly (or any file with ``fmt``) must parse. A file
    whose content is already stored (``known``: the store's manifests by hash) is reported as
    such without being parsed."""
    report = ImportReport()
    given = [Path(p) for p in paths]
    files, skipped = expand(given)
    explicit = {p.resolve() for p in given if p.is_file()}
    report.skipped.extend((str(p), "not a .csv or .json file") for p in skipped)
    parsed: list[Parsed] = []
    for path in files:
        if progress:
            progress(path)
        raw = read_bytes(path)
        stored = _already_stored(path, raw, known) if known else None
        if stored is not None:
            report.results.append(stored)
            continue
        try:
            parsed.extend(parse_raw(path, raw, fmt, snapshot_date))
        except UnknownFormatError as exc:
            if path.resolve() in explicit or fmt is not None:
                raise
            report.skipped.append((str(path), str(exc).split(": ", 1)[-1]))
    if not parsed and not report.skipped and not report.results:
        raise InputError(", ".join(map(str, given)), "no files to import")
    return parsed, report


def write(catalog: Catalog, parsed: list[Parsed], report: ImportReport | None = None,
          query: dict[str, Any] | None = None, refresh: bool = True) -> ImportReport:
    """Write each parsed file as a snapshot, then refresh the catalog if anything is new (a job
    writing many batches refreshes once at the end; a catalog left behind by a kill is rebuilt
    by the next query, which checks it against the snapshots)."""
    report = report or ImportReport()
    known = catalog.store.known_hashes()
    for item in parsed:
        report.results.append(catalog.store.write(item, known, query))
    if report.imported and refresh:
        catalog.refresh()
    return report


def import_paths(catalog: Catalog, paths: Iterable[Path | str], fmt: str | None = None,
                 snapshot_date: date | None = None,
                 progress: Progress | None = None) -> ImportReport:
    parsed, report = read_paths(paths, fmt, snapshot_date, progress, catalog.store.known_hashes())
    return write(catalog, parsed, report)
