"""One writer at a time per data home: every command that writes into it (import, update,
backfill, rate, infer-bases, registry accept, the store commands, the main job and the site it
builds) holds an exclusive lock on ``<home>/run.lock`` while it writes. A second writer stops at
once naming the holder (exit 4), or waits up to ``wait`` seconds for it. The lock is re-entrant
within a thread (the main job holds it once and the imports inside it take it again for free) and
goes with the process, even when killed.

``<home>/last_run.json`` records the day of the last run that reached every source: a scheduled
run that finds today's already done fetches nothing and says so (``run --force`` fetches again)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from observatory.errors import LockedError, StoreError

LOCK_NAME = "run.lock"
POLL_SECONDS = 0.2


@dataclass
class _Held:
    handle: IO[str]
    thread: int
    depth: int
    cache: dict[str, Any] = field(default_factory=dict)  # what stays true while the lock is held


_HELD: dict[Path, _Held] = {}
_GUARD = threading.Lock()


def _doing() -> str:
    """What this process is, for the holder line: the command and its subcommand, never its
    other arguments (a path or an option could carry something private)."""
    program = os.path.basename(sys.argv[0]) if sys.argv else "python"
    words = [w for w in sys.argv[1:3] if not w.startswith("-") and w.replace("-", "").isalpha()]
    return " ".join([program, *words])[:60]


def holder(home: Path) -> str:
    """Who holds (or last held) the lock, as it wrote itself into the lock file."""
    try:
        return (home / LOCK_NAME).read_text().strip() or "another process"
    except OSError:
        return "another process"


def held(home: Path) -> bool:
    """Whether this thread holds ``home``'s lock."""
    return held_cache(home) is not None


def held_cache(home: Path) -> dict[str, Any] | None:
    """A dictionary that lives as long as this thread holds ``home``'s lock (None: it does not):
    what a writer learns of the home stays true until it lets go, since no one else writes."""
    found = _HELD.get(home.absolute())
    return found.cache if found is not None and found.thread == threading.get_ident() else None


def _try(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def write_lock(home: Path, wait: float = 0.0, on_wait: Callable[[str], None] | None = None,
               on_acquire: Callable[[], None] | None = None) -> Iterator[Path]:
    """Hold ``home``'s write lock. Taken already by this thread: held once more. Held by another
    process: wait up to ``wait`` seconds (``on_wait`` is told whom it waits for, once), then
    raise ``LockedError`` naming the holder. ``on_acquire`` runs once the lock is first taken
    (clean-ups that need the home to themselves)."""
    key = home.absolute()
    path = key / LOCK_NAME
    mine = _HELD.get(key)
    if mine is not None and mine.thread == threading.get_ident():
        mine.depth += 1
        try:
            yield path
        finally:
            mine.depth -= 1
        return
    try:
        key.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise StoreError(f"cannot open the data home's lock {path}: {exc.strerror}") from exc
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        told = False
        while not _try(handle):
            if time.monotonic() >= deadline:
                raise LockedError(f"another writer is using the data home ({holder(key)}); "
                                  f"nothing done (lock: {path}; `--wait SECONDS` waits for it)")
            if on_wait is not None and not told:
                on_wait(holder(key))
                told = True
            time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, {_doing()}, since "
                     f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        with _GUARD:
            _HELD[key] = _Held(handle, threading.get_ident(), 1)
        try:
            if on_acquire is not None:
                on_acquire()
            yield path
        finally:
            with _GUARD:
                _HELD.pop(key, None)
    finally:
        handle.close()  # closing releases the lock


@contextmanager
def lock_if_free(home: Path, on_acquire: Callable[[], None] | None = None) -> Iterator[bool]:
    """The write lock if no one else holds it (True), else nothing (False): a reader that would
    write a cache takes it for that write, and leaves the cache alone while a writer is busy."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(write_lock(home, on_acquire=on_acquire))
            free = True
        except LockedError:
            free = False
        yield free


LAST_RUN = "last_run.json"


def last_run(home: Path) -> dict | None:
    """What the last complete `observatory run` recorded (None: none, or unreadable)."""
    try:
        found = json.loads((home / LAST_RUN).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and "date" in found else None


def record_run(home: Path, sources: list[str], snapshots: int) -> None:
    """Record a run that reached every source (written whole: temporary file, then rename)."""
    now = datetime.now(UTC)
    tmp = home / f"{LAST_RUN}.tmp"
    tmp.write_text(json.dumps({"date": now.date().isoformat(),
                               "finished_at": now.isoformat(timespec="seconds"),
                               "sources": sources, "new_snapshots": snapshots}))
    os.replace(tmp, home / LAST_RUN)
