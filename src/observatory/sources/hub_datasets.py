"""Files of a Hugging Face dataset repository, through huggingface_hub: a revision (its commit
and date), the files under a folder (size and the LFS sha256 the Hub declares), and a file
downloaded into huggingface_hub's cache (``HF_HOME``; ``HF_TOKEN`` sent, never written) and
checked against what the Hub declared. Every call runs under the retry policy of ``http``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from huggingface_hub import HfApi, constants, hf_hub_download
from huggingface_hub.hf_api import RepoFile

from observatory.errors import SourceUnreachableError
from observatory.sources.base import file_sha256
from observatory.sources.http import RetryPolicy, retried

LIBRARY = "open-weights-observatory"


@dataclass(frozen=True)
class Revision:
    sha: str
    last_modified: datetime | None
    files: tuple[str, ...]


@dataclass(frozen=True)
class DatasetFile:
    path: str
    size: int
    sha256: str | None  # the LFS object id, when the file is in LFS


def cache_dir() -> str:
    """huggingface_hub's cache as the environment says now (the library reads it once, at
    import): ``HF_HUB_CACHE``, else ``HF_HOME/hub``, else its default."""
    if os.environ.get("HF_HUB_CACHE"):
        return os.path.expanduser(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return os.path.join(os.path.expanduser(os.environ["HF_HOME"]), "hub")
    return constants.HF_HUB_CACHE


def _api(endpoint: str) -> HfApi:
    return HfApi(endpoint=endpoint, library_name=LIBRARY)


def revision(endpoint: str, repo: str, policy: RetryPolicy, rev: str = "main") -> Revision:
    """The commit a branch (or tag) points to now, and its files."""
    info = retried(lambda: _api(endpoint).dataset_info(repo, revision=rev),
                   f"{endpoint}/api/datasets/{repo}/revision/{rev}", policy)
    files = tuple(sibling.rfilename for sibling in info.siblings or [])
    return Revision(info.sha or rev, info.last_modified, files)


def folder_files(endpoint: str, repo: str, sha: str, folder: str,
                 policy: RetryPolicy, recursive: bool = False) -> list[DatasetFile]:
    """The files in ``folder`` (and, ``recursive``, in its sub-folders) at revision ``sha``."""
    def listing() -> list[DatasetFile]:
        entries = _api(endpoint).list_repo_tree(repo, path_in_repo=folder or None,
                                                repo_type="dataset", revision=sha,
                                                recursive=recursive)
        return [DatasetFile(e.path, e.size, e.lfs.sha256 if e.lfs else None)
                for e in entries if isinstance(e, RepoFile)]

    return retried(listing, f"{endpoint}/api/datasets/{repo}/tree/{sha}/{folder}", policy)


@dataclass(frozen=True)
class Commit:
    sha: str
    created_at: datetime
    title: str


def commits(endpoint: str, repo: str, policy: RetryPolicy, rev: str = "main") -> list[Commit]:
    """The repository's commits, newest first (every page of them)."""
    def listing() -> list[Commit]:
        found = _api(endpoint).list_repo_commits(repo, repo_type="dataset", revision=rev)
        return [Commit(c.commit_id, c.created_at, c.title) for c in found]

    return retried(listing, f"{endpoint}/api/datasets/{repo}/commits/{rev}", policy)


def download(endpoint: str, repo: str, sha: str, file: DatasetFile, policy: RetryPolicy) -> Path:
    """The file in huggingface_hub's cache, its size and sha256 checked against the Hub's
    declaration (a cached copy that fails the check is fetched again)."""
    url = f"{endpoint}/datasets/{repo}/resolve/{sha}/{file.path}"
    force = False

    def fetch() -> Path:
        local = Path(hf_hub_download(repo, file.path, repo_type="dataset", revision=sha,
                                     endpoint=endpoint, library_name=LIBRARY,
                                     cache_dir=cache_dir(), force_download=force))
        return local

    for _ in range(2):
        local = retried(fetch, url, policy)
        if local.stat().st_size == file.size and (file.sha256 is None or file_sha256(local) == file.sha256):
            return local
        policy.note("checksum mismatch")
        force = True
    raise SourceUnreachableError(url, "the file does not match the size and sha256 the Hub declares")
