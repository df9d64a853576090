"""One main job at a time per data home: `observatory run` holds an exclusive lock on
``<home>/run.lock`` while it runs, so a scheduled run that starts while another is still going
stops at once and says so (snapshots are written whole either way; the lock keeps two runs from
fetching and printing the same day twice). The lock goes with the process, even when killed."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from observatory.errors import StoreError

LOCK_NAME = "run.lock"


@contextmanager
def run_lock(home: Path) -> Iterator[Path]:
    """Hold the data home's run lock; raises ``StoreError`` naming the holder when taken."""
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
            raise StoreError(f"another `observatory run` is using {home} ({holder}); nothing "
                             f"done (lock: {path})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        yield path
    finally:
        handle.close()  # closing releases the lock
