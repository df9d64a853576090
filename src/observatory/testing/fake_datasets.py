"""Dataset repositories for the fake Hub: files committed revision by revision, served as the
Hub serves them to huggingface_hub.

* ``GET /api/datasets/{repo}`` and ``/api/datasets/{repo}/revision/{rev}``: ``id, sha,
  lastModified, siblings`` (``dataset_info``).
* ``GET /api/datasets/{repo}/tree/{rev}[/{folder}]``: the files with ``size``, ``oid`` and the
  ``lfs`` object id (``sha256``) and size (``list_repo_tree``).
* ``GET /api/datasets/{repo}/commits/{rev}``: the commits, newest first (``list_repo_commits``).
* ``HEAD|GET /datasets/{repo}/resolve/{rev}/{path}``: the file, with ``X-Repo-Commit``, an
  ``ETag`` that is the sha256, and HTTP ``Range`` requests (206 with ``Content-Range``), as
  ``hf_hub_download`` and ``HfFileSystem`` use them.

``rev`` is a branch (``main``: the newest revision) or a commit sha.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class DatasetError(Exception):
    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


@dataclass(frozen=True)
class Revision:
    sha: str
    files: dict[str, bytes | Path]  # a Path: served from disk (a benchmark's gigabyte file)
    date: str  # ISO time of the commit
    title: str


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()  # git's object id (not a security hash)


_DIGESTS: dict[tuple[str, int, float], tuple[str, str]] = {}


def digests(content: bytes | Path) -> tuple[str, str]:
    """(sha256, git-like sha1) of a file's content; a file on disk (a benchmark's gigabyte) is
    hashed once per path, size and modification time."""
    if not isinstance(content, Path):
        return hashlib.sha256(content).hexdigest(), _sha1(content)
    stat = content.stat()
    key = (str(content), stat.st_size, stat.st_mtime)
    if key not in _DIGESTS:
        sha256, sha1 = hashlib.sha256(), hashlib.sha1()
        with content.open("rb") as handle:
            while block := handle.read(1 << 24):
                sha256.update(block)
                sha1.update(block)
        _DIGESTS[key] = sha256.hexdigest(), sha1.hexdigest()
    return _DIGESTS[key]


def size(content: bytes | Path) -> int:
    return content.stat().st_size if isinstance(content, Path) else len(content)


def read_range(content: bytes | Path, first: int, last: int) -> bytes:
    if isinstance(content, Path):
        with content.open("rb") as handle:
            handle.seek(first)
            return handle.read(last + 1 - first)
    return content[first:last + 1]


class DatasetRepos:
    """Every dataset repository of a fake Hub, each a list of revisions, oldest first."""

    def __init__(self) -> None:
        self.repos: dict[str, list[Revision]] = {}
        self.lock = threading.Lock()

    def commit(self, repo: str, files: dict[str, bytes | Path | None], when: datetime | None = None,
               title: str = "update") -> str:
        """A new revision: the previous files with ``files`` written over them (None deletes)."""
        with self.lock:
            history = self.repos.setdefault(repo, [])
            current = dict(history[-1].files) if history else {}
            for path, content in files.items():
                if content is None:
                    current.pop(path, None)
                else:
                    current[path] = content
            moment = (when or datetime.now(UTC)).astimezone(UTC)
            digest = hashlib.sha1(f"{repo}\n{len(history)}\n{moment.isoformat()}".encode())
            for path in sorted(current):
                digest.update(path.encode() + digests(current[path])[1].encode())
            sha = digest.hexdigest()
            history.append(Revision(sha, current, moment.isoformat(timespec="milliseconds")
                                    .replace("+00:00", "Z"), title))
            return sha

    def revision(self, repo: str, rev: str) -> Revision:
        history = self.repos.get(repo)
        if not history:
            raise DatasetError(404, "Repository not found", "RepoNotFound")
        if rev == "main":
            return history[-1]
        found = next((r for r in history if r.sha == rev), None)
        if found is None:
            raise DatasetError(404, f"Invalid rev id: {rev}", "RevisionNotFound")
        return found

    def info(self, repo: str, rev: str) -> dict:
        revision = self.revision(repo, rev)
        return {"_id": _sha1(repo.encode())[:24], "id": repo, "author": repo.split("/")[0],
                "sha": revision.sha, "lastModified": revision.date, "private": False,
                "gated": False, "disabled": False, "tags": [], "downloads": 0, "likes": 0,
                "siblings": [{"rfilename": path} for path in sorted(revision.files)]}

    def tree(self, repo: str, rev: str, folder: str, recursive: bool = False) -> list[dict]:
        """Files (and, unless recursive, sub-folders) under ``folder``."""
        revision = self.revision(repo, rev)
        prefix = folder.strip("/") + "/" if folder.strip("/") else ""
        entries, folders = [], set()
        for path in sorted(revision.files):
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix):]
            if "/" in rest and not recursive:
                folders.add(prefix + rest.split("/")[0])
                continue
            content = revision.files[path]
            sha256, sha1 = digests(content)
            entries.append({"type": "file", "path": path, "size": size(content), "oid": sha1,
                            "lfs": {"oid": sha256, "size": size(content), "pointerSize": 134}})
        entries += [{"type": "directory", "path": name, "oid": _sha1(name.encode())}
                    for name in sorted(folders)]
        if not entries and folder:
            raise DatasetError(404, f"Entry not found: {folder}", "EntryNotFound")
        return entries

    def commits(self, repo: str, rev: str) -> list[dict]:
        newest = self.revision(repo, rev)
        history = self.repos[repo]
        upto = history[: history.index(newest) + 1]
        return [{"id": r.sha, "title": r.title, "message": "", "date": r.date,
                 "authors": [{"user": "fakehub"}]} for r in reversed(upto)]

    def file(self, repo: str, rev: str, path: str) -> tuple[bytes | Path, Revision]:
        revision = self.revision(repo, rev)
        content = revision.files.get(path)
        if content is None:
            raise DatasetError(404, f"Entry not found: {path}", "EntryNotFound")
        return content, revision


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte a ``Range: bytes=a-b`` header asks for; None for the whole file."""
    if not header or not header.startswith("bytes="):
        return None
    first_text, _, last_text = header[len("bytes="):].split(",")[0].strip().partition("-")
    if not first_text:  # the last N bytes
        n = int(last_text)
        return max(0, size - n), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    return first, min(last, size - 1)


# -- Arena's leaderboard dataset, synthetic ----------------------------------------------------

ARENA_REPO = "lmarena-ai/leaderboard-dataset"
# (model_name, organization, license): real names and labels, made-up ratings.
ARENA_MODELS = (("deepseek-r1", "DeepSeek", "MIT"), ("gpt-4o-2024-05-13", "OpenAI", "Proprietary"),
                ("gemma-3-27b-it", "Google", "Gemma"), ("qwen3-235b-a22b", "Alibaba", "Apache 2.0"),
                ("llama-4-maverick-17b-128e-instruct", "Meta", "Llama 4"))


def arena_rows(days: list[str], categories: tuple[str, ...] = ("overall", "coding"),
               models: tuple[tuple[str, str, str], ...] = ARENA_MODELS) -> list[dict]:
    """Rows in the schema the dataset card documents (one per model, category and publish date);
    every model gains a point a day, so each publication differs from the last."""
    rows = []
    for number, day in enumerate(days):
        for category in categories:
            for position, (name, organization, licence) in enumerate(models):
                rating = 1400.0 - 12 * position + number
                rows.append({"model_name": name, "organization": organization, "license": licence,
                             "rating": rating, "rating_lower": rating - 5, "rating_upper": rating + 5,
                             "variance": 6.25, "vote_count": 5000 + 100 * number - position,
                             "rank": position + 1, "category": category,
                             "leaderboard_publish_date": day})
    return rows


def parquet_bytes(rows: list[dict]) -> bytes:
    import pyarrow as pa  # the fake Hub's model routes do not need pyarrow
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    return sink.getvalue().to_pybytes()


def arena_files(days_by_subset: dict[str, list[str]], **options: object) -> dict[str, bytes]:
    """Both files of each subset, as the dataset lays them out: ``full`` holds every
    publication, ``latest`` the newest one."""
    files = {}
    for subset, days in days_by_subset.items():
        rows = arena_rows(days, **options)  # type: ignore[arg-type]
        newest = [row for row in rows if row["leaderboard_publish_date"] == days[-1]]
        files[f"{subset}/full-00000-of-00001.parquet"] = parquet_bytes(rows)
        files[f"{subset}/latest-00000-of-00001.parquet"] = parquet_bytes(newest)
    return files
