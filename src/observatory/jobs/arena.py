"""Arena's leaderboard dataset into the store: ``update`` reads the ``latest`` file of every
subset, ``backfill`` the ``full`` history of every subset.

Each file is downloaded through huggingface_hub (cached, checked against the sha256 the Hub
declares) at one pinned revision, split into one snapshot per publish date and written before
the next file is read. A killed backfill keeps what it wrote; the same command again finds those
publications already stored (the same rows give the same snapshot), reads the cached files again
and adds only the rest, so it ends with the same snapshots as an uninterrupted run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from observatory.errors import InputError
from observatory.jobs.imports import ImportReport, write
from observatory.sources import arena_dataset, checks, hub_datasets
from observatory.sources.base import read_bytes
from observatory.sources.http import RetryPolicy
from observatory.store.catalog import Catalog

LICENCE = "CC-BY-4.0 (credit: Arena, lmarena-ai/leaderboard-dataset)"


@dataclass(frozen=True)
class FileDone:
    """What the progress callback hears after each file."""

    path: str
    done: int
    total: int
    snapshots: int


def _files(endpoint: str, repo: str, split: str, policy: RetryPolicy, subsets: list[str] | None,
           report: ImportReport) -> tuple[str, list[hub_datasets.DatasetFile]]:
    """The pinned revision and the ``split`` file of each wanted subset it holds. A subset the
    dataset publishes that no board maps is reported as skipped, never guessed."""
    unknown = [s for s in subsets or [] if s not in arena_dataset.SUBSETS]
    if unknown:
        raise InputError("--subset", f"unknown arena subset '{unknown[0]}'; known subsets: "
                                     f"{', '.join(arena_dataset.SUBSETS)}")
    revision = hub_datasets.revision(endpoint, repo, policy)
    suffix = f"/{split}-00000-of-00001.parquet"
    for name in revision.files:
        if name.endswith(suffix) and name.split("/")[0] not in arena_dataset.SUBSETS and not subsets:
            report.skipped.append((name, f"unknown arena subset '{name.split('/')[0]}'"))
    files = []
    for subset in subsets or list(arena_dataset.SUBSETS):
        if subset + suffix not in revision.files:
            continue  # an arena the dataset does not (or no longer) publish
        listed = hub_datasets.folder_files(endpoint, repo, revision.sha, subset, policy)
        files.extend(f for f in listed if f.path == subset + suffix)
    return revision.sha, files


def load(catalog: Catalog, endpoint: str, split: str, policy: RetryPolicy | None = None,
         subsets: list[str] | None = None, repo: str = arena_dataset.REPO,
         progress: Callable[[FileDone], None] | None = None) -> ImportReport:
    """Every subset's ``split`` file (``latest`` or ``full``) as snapshots, one per publish date."""
    if split not in arena_dataset.SPLITS:
        raise InputError("split", f"expected one of {', '.join(arena_dataset.SPLITS)}, got {split!r}")
    policy = policy or RetryPolicy()
    report = ImportReport()
    sha, files = _files(endpoint, repo, split, policy, subsets, report)
    for number, file in enumerate(files, start=1):
        local = hub_datasets.download(endpoint, repo, sha, file, policy)
        subset = file.path.split("/")[0]
        parsed = arena_dataset.parse(Path(file.path), read_bytes(local), subset=subset)
        for item in parsed:
            item.origin = f"{endpoint}/datasets/{repo}/resolve/{sha}/{file.path}"
            checks.admit(item)
        query = {"source": "arena", "repo": repo, "revision": sha, "path": file.path,
                 "sha256": file.sha256, "size": file.size, "split": split, "licence": LICENCE}
        before = len(report.results)
        write(catalog, parsed, report, query, refresh=False)  # whole, before the next file
        if progress is not None:
            progress(FileDone(file.path, number, len(files), len(report.results) - before))
    if report.imported:
        catalog.refresh()
    return report
