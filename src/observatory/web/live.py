"""The store as the server sees it: one library, one computation at a time (the catalog's
connection is not shared between threads), results kept until the store changes, within a
bound on their bytes."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from observatory.api import Observatory
from observatory.errors import EmptyResultError, InputError, ObservatoryError
from observatory.web.site import Site

T = TypeVar("T")
MISSING = object()  # what ``peek`` returns for a result not kept
CACHE_MB = 64  # default bound of the kept answers (``serve --cache-mb``)
# What an entry counts beside its answer's bytes (its key, the bookkeeping), and what a kept
# failure counts in all: many small answers fill the bound too.
ENTRY_BYTES = 512
FAILURE_BYTES = 1024
# New computations on one catalog connection before it is closed and opened again: DuckDB keeps
# some native memory per query run (some 100 KB for a board's attribution, past its own
# accounting in duckdb_memory()) until its connection closes.
RECYCLE_AFTER = 200


class Live:
    """``cache_bytes``: the bound on the kept results, counted as the bytes of their encoded
    answers (``ENTRY_BYTES`` more each); the least recently used go first."""

    def __init__(self, home: Path | None = None, obs: Observatory | None = None,
                 cache_bytes: int = CACHE_MB << 20) -> None:
        self.obs = obs or Observatory(home)
        self.cache_bytes = cache_bytes
        self._lock = threading.Lock()
        # Computations run one at a time anyway (the lock): on one thread, whose allocations
        # stay in one of the C allocator's arenas, not spread over the event loop's pool of 40.
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="observatory-compute")
        self._kept: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()  # key -> (result, size)
        self._bytes = 0
        self._computed = 0  # on the current connection
        self._version = self.version()
        self._site = Site(self.obs, live=True)

    def version(self) -> tuple[int, ...]:
        """Changes when a snapshot lands (a new folder under its format's folder) or an override
        file of the registry is added, edited or removed: a few stats, microseconds."""
        from observatory.registry.loader import override_dir

        snapshots = self.obs.store.home / "snapshots"
        found: list[int] = []
        for folder in (snapshots, override_dir()):
            with contextlib.suppress(OSError):
                found.append(folder.stat().st_mtime_ns)
                for path in sorted(folder.iterdir()):
                    info = path.stat()
                    found += [info.st_mtime_ns, info.st_size]
        return tuple(found)

    def kept_bytes(self) -> int:
        """What the kept results count against ``cache_bytes``."""
        return self._bytes

    def _current(self) -> None:
        """Under the lock: start afresh when the store changed since the last request (the
        catalog reconnects; whoever wrote the snapshots rebuilt it)."""
        version = self.version()
        if version != self._version:
            self.obs.catalog.reopen()
            self.obs.__dict__.pop("registry", None)
            self._kept.clear()
            self._bytes = 0
            self._computed = 0
            self._site = Site(self.obs, live=True)
            self._version = version
        elif self._computed >= RECYCLE_AFTER and self.obs.catalog.backend == "duckdb":
            self.obs.catalog.reopen()  # the kept answers stay: the store is the same
            self._computed = 0

    def peek(self, key: Hashable) -> Any:
        """The kept result for ``key`` (its error raised again), or ``MISSING``; never waits
        for a computation (the server answers kept results from its event loop)."""
        if self.version() != self._version:
            return MISSING
        found = self._kept.get(key)
        if found is None:
            return MISSING
        with contextlib.suppress(KeyError):  # dropped meanwhile: still a good answer
            self._kept.move_to_end(key)
        return _unwrap(found[0])

    async def answer(self, key: Hashable, compute: Callable[[Observatory, Site], T]) -> T:
        """From the event loop: a kept result at once, a new one computed on the worker."""
        found = self.peek(key)
        if found is not MISSING:
            return found
        return await asyncio.get_running_loop().run_in_executor(self._worker, self.get, key,
                                                                  compute)

    def wait(self, key: Hashable, compute: Callable[[Observatory, Site], T]) -> T:
        """From another thread: ``get`` on the worker."""
        return self._worker.submit(self.get, key, compute).result()

    def get(self, key: Hashable, compute: Callable[[Observatory, Site], T]) -> T:
        """``compute``'s result for ``key``, computed once per store version (while it stays
        within the bound), one computation at a time. "No data" and a bad query are kept too,
        and raised again (asking twice costs nothing either way); any other error is not
        kept: the next request tries again."""
        found = self.peek(key)
        if found is not MISSING:
            return found
        with self._lock:
            self._current()
            if key in self._kept:
                return _unwrap(self._kept[key][0])
            self._computed += 1
            try:
                result: Any = compute(self.obs, self._site)
            except (EmptyResultError, InputError) as exc:  # the store's answer: kept
                result = _Failed(exc)
            finally:
                self._release()
            self._keep(key, result)
            return _unwrap(result)

    def _release(self) -> None:
        """Under the lock, after a computation: unregister the in-memory tables it gave DuckDB
        that no expression holds any longer. Ibis registers an ``ibis.memtable`` (a registry
        lookup, a list of ids) on the connection when a query reads it, and leaves it there,
        with its data, until the connection closes: the server's would keep one or two per
        query asked, for as long as the store does not change."""
        con = self.obs.catalog._connection
        if con is None or con.name != "duckdb":
            return
        alive = {op.name for op in list(getattr(con, "_memtables", ()))}
        with contextlib.suppress(Exception):  # Ibis's bookkeeping changed: keep them
            views = con.con.execute("SELECT view_name FROM duckdb_views() WHERE temporary AND "
                                    "view_name LIKE 'ibis!_%memtable!_%' ESCAPE '!'").fetchall()
            for (name,) in views:
                if name not in alive:
                    con.con.unregister(name)

    def _keep(self, key: Hashable, result: Any) -> None:
        """Under the lock: keep ``result``, dropping the least recently used until the kept
        results fit the bound (one larger than the whole bound is not kept)."""
        size = _size(result)
        if size > self.cache_bytes:
            return
        self._kept[key] = (result, size)
        self._bytes += size
        while self._bytes > self.cache_bytes:
            _, (_, dropped) = self._kept.popitem(last=False)
            self._bytes -= dropped


def _size(result: Any) -> int:
    """What a result counts against the bound: its encoded bytes (the server keeps pages, CSV
    and JSON as bytes), and the entry's own."""
    if isinstance(result, _Failed):
        return FAILURE_BYTES
    if isinstance(result, bytes | bytearray | memoryview):
        return ENTRY_BYTES + len(result)
    if isinstance(result, str):
        return ENTRY_BYTES + len(result.encode())
    return ENTRY_BYTES  # None: the server's "no such table or chart"


class _Failed:
    """A kept error without its traceback: raising the same object again would add each
    request's frames to it (and keep them)."""

    def __init__(self, error: ObservatoryError) -> None:
        self.error = _bare(error)


def _bare(error: ObservatoryError) -> ObservatoryError:
    """A copy of ``error`` with its attributes but no traceback, cause or context (made without
    calling ``__init__``, whose arguments differ between the error classes)."""
    copy = type(error).__new__(type(error), *error.args)
    copy.__dict__.update(error.__dict__)
    return copy


def _unwrap(value: Any) -> Any:
    if isinstance(value, _Failed):
        raise _bare(value.error)
    return value
