"""The store as the server sees it: one library, one computation at a time (the catalog's
connection is not shared between threads), results kept until the store changes."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from observatory.api import Observatory
from observatory.errors import EmptyResultError, InputError, ObservatoryError
from observatory.web.site import Site

T = TypeVar("T")
MISSING = object()  # what ``peek`` returns for a result not kept
KEPT = 512  # results kept (least recently used dropped): distinct queries are bounded in memory


class Live:
    def __init__(self, home: Path | None = None, obs: Observatory | None = None) -> None:
        self.obs = obs or Observatory(home)
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
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

    def _current(self) -> None:
        """Under the lock: start afresh when the store changed since the last request (the
        catalog reconnects; whoever wrote the snapshots rebuilt it)."""
        version = self.version()
        if version != self._version:
            self.obs.catalog.reopen()
            self.obs.__dict__.pop("registry", None)
            self._kept.clear()
            self._site = Site(self.obs, live=True)
            self._version = version

    def peek(self, key: Hashable) -> Any:
        """The kept result for ``key`` (its error raised again), or ``MISSING``; never waits
        for a computation (the server answers kept results from its event loop)."""
        if self.version() != self._version:
            return MISSING
        found = self._kept.get(key, MISSING)
        if found is not MISSING:
            with contextlib.suppress(KeyError):  # dropped meanwhile: still a good answer
                self._kept.move_to_end(key)
        return _unwrap(found)

    def get(self, key: Hashable, compute: Callable[[Observatory, Site], T]) -> T:
        """``compute``'s result for ``key``, computed once per store version, one computation
        at a time. "No data" and a bad query are kept too, and raised again (asking twice costs
        nothing either way); any other error is not kept: the next request tries again."""
        found = self.peek(key)
        if found is not MISSING:
            return found
        with self._lock:
            self._current()
            if key not in self._kept:
                try:
                    self._kept[key] = compute(self.obs, self._site)
                except (EmptyResultError, InputError) as exc:  # the store's answer: kept
                    self._kept[key] = _Failed(exc)
                if len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
            return _unwrap(self._kept[key])


class _Failed:
    def __init__(self, error: ObservatoryError) -> None:
        self.error = error



def _unwrap(value: Any) -> Any:
    if isinstance(value, _Failed):
        raise value.error
    return value
