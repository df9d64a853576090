"""The two public histories of the whole Hub's model table, as dated files:

* ``hub-weekly``: ``hfmlsoc/hub_weekly_snapshots`` (ODbL-1.0, the data behind the "Economies of
  Open Intelligence" study): ``models/<YYYY-MM-DD>/models.parquet``, one folder a week, dated by
  its folder.
* ``hub-stats``: ``cfahlgren1/hub-stats`` (Apache-2.0): ``models.parquet`` rewritten daily, so each
  commit that changed it is a day of history, dated by the commit (UTC). Public reports say the
  repository was taken down in August 2026: a missing repository is said plainly.

``dated_files`` lists what a source offers (one API call for the weekly tree, one commit listing
and one tree call per picked day for the daily one); ``open_parquet`` opens one file for reading
by HTTP range requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date

import pyarrow.parquet as pq

from observatory.errors import SourceUnreachableError
from observatory.sources import hub_datasets
from observatory.sources.http import RetryPolicy
from observatory.sources.range_file import RangeFile


@dataclass(frozen=True)
class DumpSource:
    name: str
    repo: str
    licence: str
    dated_by: str


SOURCES = {
    "hub-weekly": DumpSource("hub-weekly", "hfmlsoc/hub_weekly_snapshots",
                             "ODbL-1.0 (hfmlsoc/hub_weekly_snapshots)", "folder date"),
    "hub-stats": DumpSource("hub-stats", "cfahlgren1/hub-stats",
                            "Apache-2.0 (cfahlgren1/hub-stats)", "commit date (UTC)"),
}
WEEKLY_PATH = re.compile(r"^models/(\d{4}-\d{2}-\d{2})/models\.parquet$")
DAILY_PATH = "models.parquet"


@dataclass(frozen=True)
class DatedFile:
    """One dated models.parquet: where it is and what the Hub declares of it."""

    day: date
    revision: str
    path: str
    size: int
    sha256: str | None


def _gone(endpoint: str, repo: str, exc: SourceUnreachableError) -> SourceUnreachableError:
    if "HTTP 404" not in str(exc):
        return exc
    return SourceUnreachableError(f"{endpoint}/datasets/{repo}", (
        "not on the Hub (404); the daily dump was reported taken down in August 2026: "
        "use --source hub-weekly"))


def weekly_files(endpoint: str, source: DumpSource, policy: RetryPolicy) -> list[DatedFile]:
    revision = hub_datasets.revision(endpoint, source.repo, policy)
    files = hub_datasets.folder_files(endpoint, source.repo, revision.sha, "models", policy,
                                      recursive=True)
    found = []
    for file in files:
        match = WEEKLY_PATH.match(file.path)
        if match:
            found.append(DatedFile(date.fromisoformat(match.group(1)), revision.sha, file.path,
                                   file.size, file.sha256))
    return sorted(found, key=lambda f: f.day)


def daily_commits(endpoint: str, source: DumpSource, policy: RetryPolicy) -> list[tuple[date, str]]:
    """(day, commit) of the newest commit of each day, oldest day first."""
    try:
        commits = hub_datasets.commits(endpoint, source.repo, policy)
    except SourceUnreachableError as exc:
        raise _gone(endpoint, source.repo, exc) from exc
    newest: dict[date, str] = {}
    for commit in commits:  # newest first: the first seen of a day is that day's last
        newest.setdefault(commit.created_at.astimezone(UTC).date(), commit.sha)
    return sorted(newest.items())


def daily_file(endpoint: str, source: DumpSource, day: date, sha: str,
               policy: RetryPolicy) -> DatedFile | None:
    """The models.parquet at commit ``sha`` (None when that commit has none)."""
    files = hub_datasets.folder_files(endpoint, source.repo, sha, "", policy)
    found = next((f for f in files if f.path == DAILY_PATH), None)
    return None if found is None else DatedFile(day, sha, found.path, found.size, found.sha256)


def file_url(endpoint: str, source: DumpSource, file: DatedFile) -> str:
    return f"{endpoint}/datasets/{source.repo}/resolve/{file.revision}/{file.path}"


def open_parquet(endpoint: str, source: DumpSource, file: DatedFile,
                 policy: RetryPolicy) -> tuple[pq.ParquetFile, RangeFile]:
    """The file for reading by column and row group; the RangeFile counts the bytes."""
    remote = RangeFile(file_url(endpoint, source, file), file.size, policy)
    return pq.ParquetFile(remote, pre_buffer=True), remote
