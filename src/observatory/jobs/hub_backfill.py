"""A Hub history from the public dumps: ``backfill --source hub-weekly|hub-stats``.

List the dated files the source offers, keep one per period (``--every``) between ``--since`` and
``--until``, and turn each into a Hub snapshot dated by the data's own date. A file is read by
HTTP range requests, a row group at a time and only the columns the store needs
(``sources.hub_dump``), into a checkpointed run (``store.dump_runs``): a killed backfill goes on
from the last row group it wrote when the same command runs again, and ends with the same
snapshots. A file whose declared sha256 is already in a stored manifest is not read again.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from observatory import limits
from observatory.errors import InputError
from observatory.sources import hub_dump, hub_dumps
from observatory.sources.http import RetryPolicy
from observatory.store.catalog import Catalog
from observatory.store.dump_runs import DumpRun
from observatory.store.snapshots import ImportResult

DEFAULT_EVERY = {"hub-weekly": 1, "hub-stats": 7}  # days: every weekly folder, a day a week


@dataclass(frozen=True)
class BackfillOptions:
    source: str = "hub-weekly"
    since: date | None = None
    until: date | None = None
    every: int | None = None  # days between two kept files

    def period(self) -> int:
        return self.every or DEFAULT_EVERY[self.source]


@dataclass
class Progress:
    """What the progress bar hears: the file, its row groups, rows and bytes so far."""

    file: str = ""
    files_done: int = 0
    files: int = 0
    groups_done: int = 0
    groups: int = 0
    rows: int = 0
    bytes: int = 0


@dataclass
class BackfillReport:
    results: list[ImportResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    bytes_read: int = 0
    bytes_declared: int = 0
    retries: dict[str, int] = field(default_factory=dict)


def parse_every(text: str) -> int:
    """``7d``, ``2w`` or a bare number of days."""
    value = text.strip().lower()
    unit = 7 if value.endswith("w") else 1
    number = value.rstrip("dw")
    days = int(number) * unit if number.isascii() and number.isdigit() else 0
    if days not in limits.EVERY_DAYS:
        raise InputError("--every", f"expected a period such as 7d or 1w, of "
                                    f"{limits.EVERY_DAYS} days, got {text!r}")
    return days


def pick(days: list[date], options: BackfillOptions) -> list[date]:
    """One day per period: the first available on or after each due date."""
    kept: list[date] = []
    due = options.since
    for day in sorted(days):
        if (options.since and day < options.since) or (options.until and day > options.until):
            continue
        if due is None or day >= due:
            kept.append(day)
            due = day + timedelta(days=options.period())
    return kept


def _files(endpoint: str, source: hub_dumps.DumpSource, options: BackfillOptions,
           policy: RetryPolicy, report: BackfillReport) -> list[hub_dumps.DatedFile]:
    if source.name == "hub-weekly":
        files = hub_dumps.weekly_files(endpoint, source, policy)
        wanted = set(pick([f.day for f in files], options))
        return [f for f in files if f.day in wanted]
    commits = dict(hub_dumps.daily_commits(endpoint, source, policy))
    found, seen = [], set()
    for day in pick(list(commits), options):
        file = hub_dumps.daily_file(endpoint, source, day, commits[day], policy)
        if file is None:
            report.skipped.append((f"{day} ({commits[day][:10]})", "no models.parquet"))
        elif file.sha256 is not None and file.sha256 in seen:
            report.skipped.append((f"{day} ({commits[day][:10]})", "models.parquet unchanged"))
        else:
            found.append(file)
            seen.add(file.sha256)
    return found


def _stored(catalog: Catalog, source: str) -> dict[str, dict[str, Any]]:
    """Stored snapshots of this source by the sha256 of the file they were made from."""
    return {m["query"]["sha256"]: m for m in catalog.store.manifests()
            if m.get("format") == source and m.get("query", {}).get("sha256")}


def _run_key(source: hub_dumps.DumpSource, file: hub_dumps.DatedFile) -> str:
    text = f"{source.repo}\n{file.revision}\n{file.path}\n{hub_dump.__name__}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def backfill(catalog: Catalog, endpoint: str, options: BackfillOptions,
             progress: Callable[[Progress], None] = lambda p: None,
             policy: RetryPolicy | None = None) -> BackfillReport:
    """Every picked file of ``options.source`` as a Hub snapshot."""
    if options.source not in hub_dumps.SOURCES:
        raise InputError("--source", f"expected one of {', '.join(hub_dumps.SOURCES)}")
    if options.since and options.until and options.since > options.until:
        raise InputError("--since", f"{options.since} is after --until {options.until}")
    source = hub_dumps.SOURCES[options.source]
    policy = policy or RetryPolicy()
    report = BackfillReport()
    files = _files(endpoint, source, options, policy, report)
    stored = _stored(catalog, source.name)
    state = Progress(files=len(files))
    for file in files:
        state.file = f"{file.day} {file.path}"
        if file.sha256 is not None and file.sha256 in stored:
            report.skipped.append((state.file, "already in the store"))
        else:
            report.results.append(_one_file(catalog, endpoint, source, file, policy, report,
                                            state, progress))
        state.files_done += 1
        progress(state)
    report.retries = dict(policy.retries)
    if any(not r.duplicate for r in report.results):
        catalog.refresh()
    return report


BATCH_ROWS = 125_000  # rows decoded at a time: memory stays bounded whatever the row group size


class _Batches:
    """The row groups to do, read in a background thread (the next one downloads while this
    one is mapped) and decoded ``BATCH_ROWS`` at a time: yields (group, its batches)."""

    def __init__(self, parquet: pq.ParquetFile, groups: list[int], columns: list[str]) -> None:
        self.parquet, self.groups, self.columns = parquet, groups, columns
        self.queue: queue.Queue[tuple[int, list[pa.Table]] | BaseException | None] = \
            queue.Queue(maxsize=1)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)

    def __enter__(self) -> _Batches:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self.queue.get_nowait()
        self.thread.join()

    def _read(self) -> None:
        try:
            for group in self.groups:
                batches = [pa.Table.from_batches([b]) for b in self.parquet.iter_batches(
                    BATCH_ROWS, row_groups=[group], columns=self.columns)]
                if not self._put((group, batches)):
                    return
            self._put(None)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)

    def _put(self, item: tuple[int, list[pa.Table]] | BaseException | None) -> bool:
        while not self.stop.is_set():
            with contextlib.suppress(queue.Full):
                self.queue.put(item, timeout=0.1)
                return True
        return False

    def __iter__(self) -> Iterator[tuple[int, list[pa.Table]]]:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item


def _one_file(catalog: Catalog, endpoint: str, source: hub_dumps.DumpSource,
              file: hub_dumps.DatedFile, policy: RetryPolicy, report: BackfillReport,
              state: Progress, progress: Callable[[Progress], None]) -> ImportResult:
    parquet, remote = hub_dumps.open_parquet(endpoint, source, file, policy)
    url = hub_dumps.file_url(endpoint, source, file)
    plan = hub_dump.read_plan(parquet.schema_arrow, url)
    groups = parquet.metadata.num_row_groups
    run = DumpRun.open(catalog.store, _run_key(source, file), groups)
    state.groups, state.groups_done = groups, len(run.state["done"])
    todo = [g for g in range(groups) if not run.is_done(g)]
    with _Batches(parquet, todo, plan.columns) as batches:
        for group, parts in batches:
            mapped = [hub_dump.to_tables(batch, plan, file.day, source.name) for batch in parts]
            models = pa.concat_tables([m for m, _ in mapped])
            run.write(group, models, pa.concat_tables([c for _, c in mapped]))
            state.groups_done += 1
            state.rows += models.num_rows
            state.bytes = report.bytes_read + remote.received
            progress(state)
    report.bytes_read += remote.received
    report.bytes_declared += file.size
    manifest = {
        "source": "hub", "format": source.name, "snapshot_date": file.day.isoformat(),
        "origin": url, "raw_files": [],
        "raw_note": "the dump is not kept (1.5 GB a file); the repo, revision, path and the "
                    "sha256 the Hub declares are recorded in query",
        "query": {"source": source.name, "repo": source.repo, "revision": file.revision,
                  "path": file.path, "sha256": file.sha256, "size": file.size,
                  "licence": source.licence},
        "dated_by": source.dated_by,
        "notes": {"columns_read": plan.columns, "columns_skipped": plan.skipped,
                  "unknown_columns_kept": plan.unknown, "json_text_columns":
                  sorted(plan.json_text), "bytes_read_this_run": remote.received,
                  "row_groups": groups, "resumed": len(todo) < groups,
                  "scope": "whole Hub (a dump of every public model)"},
    }
    return run.finalize(catalog.store, manifest)
