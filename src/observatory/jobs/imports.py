"""The import job: read files (format detected), then write each as a snapshot.

Every file is read and checked before anything is written, so one bad file leaves the store
untouched; content already in the store is a no-op that says so, unless the stored copy is
damaged, which the import then replaces from the file. The writing holds the data home's lock,
and a journal (``store/journal.py``) lets the next import say when a kill stopped this one.
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
from observatory.sources.checks import check_date
from observatory.sources.detect import expand, formats, parse_raw
from observatory.store import ImportResult, journal
from observatory.store.catalog import Catalog
from observatory.store.snapshots import Store

Progress = Callable[[Path], None]


@dataclass
class ImportReport:
    """What an import did: results per file, files skipped while walking folders, snapshots an
    import with ``replace`` removed, and an earlier import a kill had stopped."""

    results: list[ImportResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # folders, relative to the home
    stopped: str | None = None

    @property
    def imported(self) -> list[ImportResult]:
        return [r for r in self.results if not r.duplicate]

    @property
    def duplicates(self) -> list[ImportResult]:
        return [r for r in self.results if r.duplicate]

    @property
    def repaired(self) -> list[ImportResult]:
        return [r for r in self.results if r.replaced]


def _already_stored(path: Path, raw: bytes, known: dict[str, dict[str, Any]],
                    store: Store | None) -> ImportResult | None:
    """The intact snapshot holding these exact bytes, if any (a file imported before is not
    parsed again; a damaged copy is, to replace it)."""
    manifest = known.get(hashlib.sha256(raw).hexdigest())
    if manifest is None or (store is not None and not store.intact(Path(manifest["_dir"]))):
        return None
    return ImportResult(str(path), manifest["format"], manifest["snapshot_id"],
                        manifest["snapshot_date"], manifest["counts"], duplicate=True)


def check_options(fmt: str | None, snapshot_date: date | None) -> None:
    """Refuse an unknown ``--format`` or a ``--date`` in the future before any file is read."""
    if fmt is not None and fmt not in formats():
        raise InputError("--format", f"unknown format {fmt!r}; known formats: {', '.join(formats())}")
    if snapshot_date is not None:
        check_date("--date", snapshot_date)


def read_paths(paths: Iterable[Path | str], fmt: str | None = None,
               snapshot_date: date | None = None, progress: Progress | None = None,
               known: dict[str, dict[str, Any]] | None = None, store: Store | None = None,
               reread: bool = False) -> tuple[list[Parsed], ImportReport]:
    """Read every file first. A file found while walking a folder that no importer knows is
    skipped and reported; a file named explicitly (or any file with ``fmt``) must parse. A file
    whose content is already stored intact (``known``: the store's manifests by hash) is
    reported as such without being parsed, unless ``reread`` (to store it again, corrected)."""
    check_options(fmt, snapshot_date)
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
        stored = _already_stored(path, raw, known, store) if known and not reread else None
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
    store = catalog.store
    with store.writing():
        known = store.known_hashes()
        for item in parsed:
            report.results.append(store.write(item, known, query))
        if report.imported and refresh:
            catalog.refresh()
    return report


def superseded(store: Store, parsed: list[Parsed]) -> list[Path]:
    """What ``import --replace`` removes besides the same content under another date (which the
    store replaces itself): the snapshots of the same format, date and file name with other
    content."""
    wanted = {(p.format, p.snapshot_date.isoformat(), p.path.name) for p in parsed}
    ids = {p.snapshot_id for p in parsed}
    return [Path(m["_dir"]) for m in store.manifests() if m["snapshot_id"] not in ids and any(
        (m["format"], m["snapshot_date"], str(f.get("name"))) in wanted
        for f in m.get("raw_files") or [])]


def import_paths(catalog: Catalog, paths: Iterable[Path | str], fmt: str | None = None,
                 snapshot_date: date | None = None, progress: Progress | None = None,
                 replace: bool = False) -> ImportReport:
    """Read, then write under the lock, journalled. ``replace``: the files correct snapshots
    already stored (another date, or other content under the same file name and date), which
    are removed once the new ones are in (logged in ``store.log``)."""
    store = catalog.store
    parsed, report = read_paths(paths, fmt, snapshot_date, progress, store.known_hashes(), store,
                                reread=replace)
    with store.writing():
        earlier = journal.read(store.home)
        report.stopped = journal.stopped(store.home)
        entry = journal.start(store.home, sorted(str(Path(p).absolute()) for p in paths),
                              len(parsed))
        old = superseded(store, parsed) if replace else []
        known = store.known_hashes()
        for item in parsed:
            report.results.append(store.write(item, known, replace=replace))
            journal.advance(store.home, entry)
        for folder in old:
            if folder.exists():
                store.remove(folder, "replaced by `import --replace`")
                report.removed.append(store.relative(folder))
        if report.imported or report.removed:
            catalog.refresh()
        journal.finish(store.home, entry, earlier)
    return report
