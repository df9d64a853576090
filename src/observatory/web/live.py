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
from observatory.errors import ObservatoryError
from observatory.web.site import Site

T = TypeVar("T")
KEPT = 512  # results kept (least recently used dropped): distinct queries are bounded in memory


class Live:
    def __init__(self, home: Path | None = None, obs: Observatory | None = None) -> None:
        self.obs = obs or Observatory(home)
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._version = self.version()
        self._site = Site(self.obs, live=True)

    def version(self) -> tuple[int, ...]:
        """Changes when a snapshot lands (a new folder under its format's folder) or the
        registry's overrides are edited: a stat per format folder, microseconds."""
        from observatory.registry.loader import override_dir

        snapshots = self.obs.store.home / "snapshots"
        folders = [snapshots, override_dir()]
        with contextlib.suppress(OSError):
            folders += sorted(p for p in snapshots.iterdir() if p.is_dir())
        found = []
        for path in folders:
            try:
                found.append(path.stat().st_mtime_ns)
            except OSError:
                found.append(0)
        return tuple(found)

    def _current(self) -> None:
        """Under the lock: start afresh when the store changed since the last request."""
        version = self.version()
        if version != self._version:
            self.obs.refresh()
            self.obs.__dict__.pop("registry", None)
            self._kept.clear()
            self._site = Site(self.obs, live=True)
            self._version = version

    def get(self, key: Hashable, compute: Callable[[Observatory, Site], T]) -> T:
        """``compute``'s result for ``key``, computed once per store version. An error the
        library raises is kept too, and raised again: asking twice costs nothing either way."""
        if self.version() == self._version:
            found = self._kept.get(key, _MISSING)
            if found is not _MISSING:
                return _unwrap(found)
        with self._lock:
            self._current()
            if key not in self._kept:
                try:
                    self._kept[key] = compute(self.obs, self._site)
                except ObservatoryError as exc:
                    self._kept[key] = _Failed(exc)
                if len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
            else:
                self._kept.move_to_end(key)
            return _unwrap(self._kept[key])


class _Failed:
    def __init__(self, error: ObservatoryError) -> None:
        self.error = error


_MISSING = object()


def _unwrap(value: Any) -> Any:
    if isinstance(value, _Failed):
        raise value.error
    return value
