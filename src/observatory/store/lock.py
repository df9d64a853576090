"""One main job at a time per data home: `observatory run` holds an exclusive lock on
``<home>/run.lock`` while it runs, so a scheduled run that starts while another is still going
stops at once and says so (snapshots are written whole either way; the lock keeps two runs from
fetching and printing the same day twice). The lock goes with the process, even when killed.

``<home>/last_run.json`` records the day of the last run that reached every source: a scheduled
run that finds today's already done fetches nothing and says so (``run --force`` fetches again)."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from observatory.errors import LockedError, StoreError

LOCK_NAME = "run.lock"


@contextmanager
def run_lock(home: Path) -> Iterator[Path]:
    """Hold the data home's run lock; raises ``LockedError`` (exit 4) naming the holder when
    taken."""
    path = home / LOCK_NAME
    try:
        home.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise StoreError(f"cannot open the run lock {path}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockedError(f"another `observatory run` is using {home} ({holder}); nothing "
                             f"done (lock: {path})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        yield path
    finally:
        handle.close()  # closing releases the lock


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
