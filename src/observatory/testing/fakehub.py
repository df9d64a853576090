"""A fake Hugging Face Hub on 127.0.0.1: synthetic models in the Hub's wire format, with faults.

Endpoints (as the real Hub, see huggingface_hub ``HfApi.list_models`` / ``model_info``):

* ``GET /api/models?limit=&expand=&cursor=`` plus the filters ``author``, ``pipeline_tag``,
  ``filter`` (a tag; repeat it for several, all must match), ``search`` (substring of the id),
  ``library``, ``gated``. Pages of at most 1000 models in index (= creation) order; every page but
  the last has ``Link: <...&cursor=...>; rel="next"`` where the cursor is an opaque base64 token.
  Without ``expand`` the Hub's default list fields are returned, with it only ``_id``, ``id`` and the
  expanded fields; ``full=true`` / ``config=true`` / ``cardData=true`` add fields as on the Hub.
  Filtered listings scan the index space (O(N) over a whole listing, ``author=<organisation>`` is
  cheap); a page may hold fewer models than ``limit`` (even none) when a filter is selective: follow
  ``Link`` until it is absent. ``sort`` is not supported (400).
* ``GET /api/models/{namespace}/{name}`` (optionally ``/revision/{rev}``, ``?expand=``): one record
  with ``config`` (architectures, model_type) and ``safetensors``; 404 ``{"error": "Repository not
  found"}`` with ``X-Error-Code: RepoNotFound`` for unknown ids.
* ``GET|HEAD /{namespace}/{name}/resolve/{rev}/config.json``: the full synthetic config.json (404
  ``EntryNotFound`` for repositories without one: GGUF, adapters, diffusers, RL agents).
* Dataset repositories (``hub.datasets.commit(repo, files)``, see ``fake_datasets``):
  ``GET /api/datasets/{repo}[/revision/{rev}]``, ``/api/datasets/{repo}/tree/{rev}/{folder}``,
  ``/api/datasets/{repo}/commits/{rev}`` and ``GET|HEAD /datasets/{repo}/resolve/{rev}/{path}``
  (with ``Range``), as ``HfApi.dataset_info``, ``list_repo_tree`` and ``hf_hub_download`` call them.
* Control (never faulted, never rate limited): ``GET /_fakehub/stats``, ``GET|POST /_fakehub/faults``
  (POST a JSON object with any :class:`Faults` fields to change them mid-run), ``POST /_fakehub/reset``
  (zero the counters, the request number and the rate-limit window).

Faults (on ``/api/models`` pages, ``model_info`` and the dataset routes) are deterministic given
the fault seed and the request number (1, 2, ... counted over those endpoints): see :class:`Faults`.

Speed: pages are generated ``prefetch_pages`` at a time with numpy and the next chunk is built in a
background thread while the client works, so a sequential client in another process is served at
the rate it can read (measured > 60,000 models/s for every expand field on 2 cores).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import math
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, fields, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NoReturn
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import numpy as np

from observatory import limits
from observatory.errors import EXIT_USAGE, InputError
from observatory.testing.fake_datasets import (
    DatasetError,
    DatasetRepos,
    byte_range,
    digests,
    read_range,
    size,
)
from observatory.testing.synth import (
    HUB_EXPAND,
    INFO_DEFAULT_FIELDS,
    LIST_DEFAULT_FIELDS,
    Universe,
    full_config,
    splitmix64,
    universe,
)

MAX_PAGE = 1000
JSON_TYPE = "application/json; charset=utf-8"
SORTABLE = ("downloads", "likes")
SORT_BATCH = 100_000
FILTER_PARAMS = ("author", "pipeline_tag", "library", "search", "gated")


@dataclass
class Faults:
    """Injected faults. Every ``*_every`` is "every k-th request" (0: never), counted over
    ``/api/models`` pages, ``model_info`` and dataset requests; a retry is a new request."""

    rate_limit: int = 0  # quota: requests per window (0: no limit); over it -> 429
    rate_window: float = 300.0  # window length in seconds (the Hub's is 300)
    error_rate: float = 0.0  # probability of a 500/502/503 per request
    error_codes: tuple[int, ...] = (500, 502, 503)
    timeout_every: int = 0  # sleep ``timeout_seconds`` before answering (normally, if still connected)
    timeout_seconds: float = 5.0
    truncate_every: int = 0  # 200 with the JSON body cut in half (Content-Length of the cut body)
    repeat_every: int = 0  # a listing page answered with the previous page's body, but this page's Link
    seed: int = 0  # fault seed (which requests fail with error_rate)

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: Faults | None = None) -> Faults:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(unknown)}")
        values = dict(data)
        if "error_codes" in values:
            values["error_codes"] = tuple(int(c) for c in values["error_codes"])
        return replace(base or cls(), **values)


@dataclass
class FakeHubConfig:
    models: int = 10_000
    seed: int = 0
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    faults: Faults = field(default_factory=Faults)
    page_size: int = MAX_PAGE  # default and maximum ``limit``
    prefetch_pages: int = 8  # pages built together (and ahead, in the background)
    scan_limit: int = 100_000  # indices a filtered request scans at most before answering (maybe short)
    cache_pages: int = 48  # built pages kept (memory: about 1 MB each with every field)


@dataclass
class Page:
    body: bytes
    next_start: int | None
    count: int


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def encode_cursor(index: int) -> str:
    raw = json.dumps({"$i": index}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        index = json.loads(raw)["$i"]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise HubError(400, "Invalid cursor") from exc
    if not isinstance(index, int) or index < 0:
        raise HubError(400, "Invalid cursor")
    return index


# --------------------------------------------------------------------------------------------
# Listing: queries, pages, prefetch


@dataclass(frozen=True)
class Query:
    fields: tuple[str, ...]
    limit: int
    author: str | None = None
    pipeline_tag: str | None = None
    library: str | None = None
    search: str | None = None
    gated: bool | None = None
    tags: tuple[str, ...] = ()

    @property
    def filtered(self) -> bool:
        return bool(self.author or self.pipeline_tag or self.library or self.search or self.tags
                     or self.gated is not None)


def _bool(value: str) -> bool:
    return value.lower() in ("1", "true", "yes")


def _expand(params: list[tuple[str, str]]) -> list[str] | None:
    values = [v for k, v in params if k in ("expand", "expand[]")]
    if not values:
        return None
    out = []
    for value in values:
        for item in value.split(","):
            if item not in HUB_EXPAND:
                raise HubError(400, f'"expand" must be one of {list(HUB_EXPAND)}; got "{item}"')
            out.append(item)
    return out


def parse_list_query(params: list[tuple[str, str]], page_size: int) -> Query:
    single = {k: v for k, v in params}
    if single.get("sort") not in (None, *SORTABLE):
        raise HubError(400, f"fakehub: sort must be one of {', '.join(SORTABLE)}")
    if single.get("direction") not in (None, "-1"):
        raise HubError(400, "fakehub: only direction=-1 (descending) is supported")
    limit = page_size
    if "limit" in single:
        try:
            limit = int(single["limit"])
        except ValueError as exc:
            raise HubError(400, '"limit" must be a number') from exc
        if limit < 1:
            raise HubError(400, '"limit" must be greater than or equal to 1')
        limit = min(limit, page_size)
    expand = _expand(params)
    if expand is not None:
        wanted = tuple(expand)
    else:
        wanted = LIST_DEFAULT_FIELDS
        if _bool(single.get("full", "")):
            wanted += ("author", "sha", "lastModified", "gated", "disabled", "siblings")
        if _bool(single.get("config", "")):
            wanted += ("config",)
        if _bool(single.get("cardData", "")):
            wanted += ("cardData",)
    tags = tuple(v for k, v in params if k in ("filter", "filter[]") and v)
    return Query(
        fields=tuple(dict.fromkeys(wanted)), limit=limit, author=single.get("author") or None,
        pipeline_tag=single.get("pipeline_tag") or None, library=single.get("library") or None,
        search=single.get("search") or None,
        gated=_bool(single["gated"]) if single.get("gated") else None, tags=tags)


class Pages:
    """Builds listing pages a chunk at a time, keeps a bounded LRU of them, prefetches the next chunk."""

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self.cache: OrderedDict[tuple[Query, int], Page] = OrderedDict()
        self.cond = threading.Condition()
        self.building: set[Query] = set()
        self.wanted: dict[Query, int] = {}
        self.stop = False
        self.worker = threading.Thread(target=self._work, name="fakehub-prefetch", daemon=True)
        self.worker.start()

    def close(self) -> None:
        with self.cond:
            self.stop = True
            self.cond.notify_all()

    def get(self, query: Query, start: int) -> Page:
        key = (query, start)
        with self.cond:
            while True:
                page = self.cache.get(key)
                if page is not None:
                    self.cache.move_to_end(key)
                    break
                if query in self.building:
                    self.cond.wait()
                    continue
                self.building.add(query)
                page = None
                break
        if page is None:
            try:
                pages = self.build(query, start)
            finally:
                with self.cond:
                    self.building.discard(query)
                    self.cond.notify_all()
            self._store(query, pages)
            page = pages[0][1]
        self._prefetch(query, page)
        return page

    def _store(self, query: Query, pages: list[tuple[int, Page]]) -> None:
        with self.cond:
            for start, page in pages:
                self.cache[(query, start)] = page
                self.cache.move_to_end((query, start))
            while len(self.cache) > max(self.hub.config.cache_pages, 2 * self.hub.config.prefetch_pages):
                self.cache.popitem(last=False)
            self.cond.notify_all()

    def _prefetch(self, query: Query, page: Page) -> None:
        """Queue the next chunk when fewer than half a chunk of pages is ready ahead."""
        ahead, start = 0, page.next_start
        chunk = self.hub.config.prefetch_pages
        with self.cond:
            while start is not None and (query, start) in self.cache and ahead <= chunk:
                ahead += 1
                start = self.cache[(query, start)].next_start
            if start is not None and ahead <= chunk // 2 and query not in self.building:
                self.wanted[query] = start
                self.cond.notify_all()

    def _work(self) -> None:
        while True:
            with self.cond:
                while not self.wanted and not self.stop:
                    self.cond.wait()
                if self.stop:
                    return
                query, start = self.wanted.popitem()
                if query in self.building or (query, start) in self.cache:
                    continue
                self.building.add(query)
            try:
                pages = self.build(query, start)
            except Exception:  # a failed prefetch is retried by the request itself
                pages = []
            finally:
                with self.cond:
                    self.building.discard(query)
                    self.cond.notify_all()
            if pages:
                self._store(query, pages)

    def build(self, query: Query, start: int) -> list[tuple[int, Page]]:
        """Up to ``prefetch_pages`` consecutive pages from ``start``: [(start, page), ...]."""
        u: Universe = self.hub.universe
        n, limit = u.n, query.limit
        chunk = self.hub.config.prefetch_pages
        bounds: list[tuple[int, np.ndarray, int | None]] = []  # (start, indices, next start)
        pos: int | None = start
        scanned = 0
        for _ in range(chunk):
            if pos is None or pos >= n:
                break
            if not query.filtered:
                idx = np.arange(pos, min(pos + limit, n), dtype=np.int64)
                nxt = pos + limit if pos + limit < n else None
            else:  # a chunk of filtered pages scans about scan_limit indices at most
                if bounds and scanned >= self.hub.config.scan_limit:
                    break
                idx, nxt = self._scan(query, pos)
                scanned += (nxt if nxt is not None else n) - pos
            bounds.append((pos, idx, nxt))
            pos = nxt
        if not bounds:  # a cursor at or past the end: an empty last page
            return [(start, Page(b"[]", None, 0))]
        all_idx = np.concatenate([idx for _, idx, _ in bounds])
        rows = u.batch(all_idx).encode(query.fields) if len(all_idx) else []
        pages, k = [], 0
        for page_start, idx, nxt in bounds:
            body = ("[" + ",".join(rows[k:k + len(idx)]) + "]").encode()
            k += len(idx)
            pages.append((page_start, Page(body, nxt, len(idx))))
        return pages

    def _scan(self, query: Query, pos: int) -> tuple[np.ndarray, int | None]:
        """The next page of a filtered listing: matching indices from ``pos`` and the next cursor."""
        u = self.hub.universe
        n, limit = u.n, query.limit
        budget = self.hub.config.scan_limit
        window = 4096
        found: list[np.ndarray] = []
        count, scan = 0, pos
        while count < limit and scan < n and budget > 0:
            size = min(window, n - scan, budget)
            sel = u.select(scan, scan + size, author=query.author, pipeline_tag=query.pipeline_tag,
                           library=query.library, tags=query.tags, search=query.search, gated=query.gated)
            if count + len(sel) >= limit:
                sel = sel[:limit - count]
                found.append(sel)
                count = limit
                scan = int(sel[-1]) + 1
                break
            found.append(sel)
            count += len(sel)
            scan += size
            budget -= size
            window = min(window * 2, 262_144)
        idx = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        return idx, (scan if scan < n else None)


# --------------------------------------------------------------------------------------------
# The server


class _State:
    """Counters, fault state and the rate-limit window (guarded by ``lock``)."""

    def __init__(self, faults: Faults) -> None:
        self.lock = threading.Lock()
        self.faults = faults
        self.reset()

    def reset(self) -> None:
        self.request_number = 0
        self.window_start = time.monotonic()
        self.window_count = 0
        self.stats: dict[str, Any] = {
            "requests": 0, "pages": 0, "models": 0, "model_info": 0, "config_json": 0,
            "dataset_api": 0, "dataset_files": 0, "dataset_bytes": 0, "with_token": 0,
            "by_status": {}, "faults": {"rate_limited": 0, "errors": 0, "timeouts": 0, "truncated": 0,
                                        "repeated": 0},
        }
        self.last_page: dict[Query, tuple[int, bytes]] = {}

    def count_status(self, status: int) -> None:
        by = self.stats["by_status"]
        by[str(status)] = by.get(str(status), 0) + 1


@dataclass
class _Decision:
    number: int
    status: int = 200
    rate_headers: list[tuple[str, str]] = field(default_factory=list)
    retry_after: int | None = None
    sleep: float = 0.0
    truncate: bool = False
    repeat: bool = False


class FakeHub:
    """A fake Hub serving ``config.models`` synthetic models in a background thread."""

    def __init__(self, config: FakeHubConfig | None = None, **overrides: Any) -> None:
        self.config = replace(config or FakeHubConfig(), **overrides)
        self.universe = universe(self.config.seed, self.config.models)
        self.datasets = DatasetRepos()  # add files with ``self.datasets.commit(repo, files)``
        self.state = _State(self.config.faults)
        self.pages: Pages | None = None
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> str:
        """Start serving; returns the base URL (``http://127.0.0.1:PORT``)."""
        if self.server is not None:
            return self.base_url
        self.pages = Pages(self)
        self.server = _Server((self.config.host, self.config.port), _Handler, self)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       name="fakehub", daemon=True)
        self.thread.start()
        return self.base_url

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (for the command line)."""
        if self.server is None:
            self.pages = Pages(self)
            self.server = _Server((self.config.host, self.config.port), _Handler, self)
        try:
            self.server.serve_forever(poll_interval=0.2)
        finally:
            self.server.server_close()
            if self.pages:
                self.pages.close()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
        if self.pages is not None:
            self.pages.close()
        self.server = self.thread = self.pages = None

    def __enter__(self) -> FakeHub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self.server is None:
            raise RuntimeError("the fake hub is not running")
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # -- control ------------------------------------------------------------------------------

    @property
    def faults(self) -> Faults:
        return self.state.faults

    def set_faults(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the faults (and/or change some fields); takes effect on the next request."""
        with self.state.lock:
            self.state.faults = Faults.from_dict(changes, faults or self.state.faults)
            return self.state.faults

    def sorted_page(self, query: Query, sort: str, start: int) -> Page:
        """A page of the listing sorted by ``sort`` descending (ties by index); the cursor is a
        position in that order. The order is computed once per query (O(n))."""
        order = self._sorted_order(query, sort)
        chunk = order[start:start + query.limit]
        body = self.universe.encode_many(chunk, query.fields).encode()
        following = start + len(chunk)
        return Page(body=body, count=len(chunk),
                    next_start=following if following < len(order) else None)

    def _sorted_order(self, query: Query, sort: str) -> np.ndarray:
        key = (sort, replace(query, fields=(), limit=0))
        cache = self.__dict__.setdefault("_sorted", {})
        if key not in cache:
            n = self.config.models
            indices = (self.universe.select(0, n, author=query.author, pipeline_tag=query.pipeline_tag,
                                            library=query.library, tags=query.tags, search=query.search,
                                            gated=query.gated)
                       if query.filtered else np.arange(n, dtype=np.int64))
            values = np.empty(len(indices), dtype=np.int64)
            for lo in range(0, len(indices), SORT_BATCH):
                batch = self.universe.batch(indices[lo:lo + SORT_BATCH])
                values[lo:lo + SORT_BATCH] = batch.downloads if sort == "downloads" else batch.likes
            cache[key] = indices[np.lexsort((indices, -values))]
        return cache[key]

    def stats(self) -> dict[str, Any]:
        with self.state.lock:
            return json.loads(json.dumps(self.state.stats))

    def reset(self) -> None:
        with self.state.lock:
            self.state.reset()

    # -- faults -------------------------------------------------------------------------------

    def decide(self, listing: bool) -> _Decision:
        """Number this faultable request and decide what goes wrong with it."""
        st = self.state
        with st.lock:
            f = st.faults
            st.request_number += 1
            st.stats["requests"] += 1
            d = _Decision(st.request_number)
            if f.rate_limit > 0:
                now = time.monotonic()
                if now - st.window_start >= f.rate_window:
                    st.window_start += f.rate_window * ((now - st.window_start) // f.rate_window)
                    st.window_count = 0
                st.window_count += 1
                reset = max(1, math.ceil(st.window_start + f.rate_window - now))
                remaining = max(0, f.rate_limit - st.window_count)
                d.rate_headers = [("RateLimit", f'"api";r={remaining};t={reset}'),
                                  ("RateLimit-Policy", f'"fixed window";"api";q={f.rate_limit};'
                                                       f"w={math.ceil(f.rate_window)}")]
                if st.window_count > f.rate_limit:
                    d.status, d.retry_after = 429, reset
                    st.stats["faults"]["rate_limited"] += 1
                    return d
            n = d.number
            if f.error_rate > 0 and f.error_codes:
                h = splitmix64((f.seed * 0x9E3779B97F4A7C15 + n) & 0xFFFFFFFFFFFFFFFF)
                if (h >> 11) * (1.0 / (1 << 53)) < f.error_rate:
                    d.status = f.error_codes[(h & 0xFF) % len(f.error_codes)]
                    st.stats["faults"]["errors"] += 1
                    return d
            if f.timeout_every > 0 and n % f.timeout_every == 0:
                d.sleep = f.timeout_seconds
                st.stats["faults"]["timeouts"] += 1
            if f.truncate_every > 0 and n % f.truncate_every == 0:
                d.truncate = True
                st.stats["faults"]["truncated"] += 1
            elif listing and f.repeat_every > 0 and n % f.repeat_every == 0:
                d.repeat = True
            return d


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type, hub: FakeHub) -> None:
        self.hub = hub
        super().__init__(address, handler)


ERROR_BODIES = {
    500: (JSON_TYPE, b'{"error":"Internal Error - We\'re working hard to fix this as soon as possible!"}'),
    502: ("text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    503: ("text/html", b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"),
    504: ("text/html", b"<html><body><h1>504 Gateway Time-out</h1></body></html>"),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakehub"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet

    def setup(self) -> None:
        super().setup()
        with suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # -- plumbing -----------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str = JSON_TYPE,
              headers: list[tuple[str, str]] | None = None, head_only: bool = False,
              length: int | None = None) -> None:
        """``length``: the Content-Length of a HEAD answer whose body is not built."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in headers or ():
            self.send_header(name, value)
        # headers and body in one write (no small-packet delays on keep-alive connections)
        self._headers_buffer.append(b"\r\n")  # type: ignore[attr-defined]
        if not head_only and self.command != "HEAD":  # a HEAD answer has no body, errors included
            self._headers_buffer.append(body)  # type: ignore[attr-defined]
        self.flush_headers()
        hub = self.server.hub
        with hub.state.lock:
            hub.state.count_status(status)

    def _json(self, status: int, value: Any, headers: list[tuple[str, str]] | None = None) -> None:
        self._send(status, json.dumps(value, separators=(",", ":")).encode(), headers=headers)

    def _error(self, exc: HubError, headers: list[tuple[str, str]] | None = None) -> None:
        extra = list(headers or [])
        if exc.code:
            extra += [("X-Error-Code", exc.code), ("X-Error-Message", exc.message)]
        self._json(exc.status, {"error": exc.message}, extra)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        try:
            url = urlsplit(self.path)
            params = parse_qsl(url.query, keep_blank_values=True)
            path = unquote(url.path)
            if path.startswith("/_fakehub/"):
                self._control(method, path, params)
            elif path == "/api/models" and method == "GET":
                self._list(params)
            elif path.startswith("/api/models/") and method == "GET":
                self._info(path[len("/api/models/"):], params)
            elif path.startswith("/api/datasets/") and method == "GET":
                self._dataset_api(path[len("/api/datasets/"):], params)
            elif path.startswith("/datasets/") and "/resolve/" in path and method in ("GET", "HEAD"):
                self._dataset_file(path[len("/datasets/"):], method == "HEAD")
            elif "/resolve/" in path and method in ("GET", "HEAD"):
                self._resolve(path, method == "HEAD")
            else:
                raise HubError(404, "Not Found")
        except HubError as exc:
            self._error(exc)
        except DatasetError as exc:
            self._error(HubError(exc.status, exc.message, exc.code))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # a bug: say so rather than drop the connection
            print(f"fakehub: {self.path}: {exc!r}", file=sys.stderr)
            self._json(500, {"error": f"fakehub internal error: {exc!r}"})

    # -- endpoints ----------------------------------------------------------------------------

    def _faulted(self, decision: _Decision) -> bool:
        """Answer a 429 / 5xx decided for this request; True when the request is done."""
        if decision.status == 429:
            headers = [*decision.rate_headers, ("Retry-After", str(decision.retry_after))]
            self._json(429, {"error": "You have exceeded our rate limit for api requests."}, headers)
            return True
        if decision.status >= 500:
            content_type, body = ERROR_BODIES.get(decision.status, ERROR_BODIES[500])
            self._send(decision.status, body, content_type, decision.rate_headers)
            return True
        if decision.sleep:
            time.sleep(decision.sleep)
        return False

    def _list(self, params: list[tuple[str, str]]) -> None:
        hub = self.server.hub
        decision = hub.decide(listing=True)
        if self._faulted(decision):
            return
        query = parse_list_query(params, hub.config.page_size)
        cursor = next((v for k, v in params if k == "cursor"), None)
        start = decode_cursor(cursor) if cursor else 0
        assert hub.pages is not None
        sort = next((v for k, v in params if k == "sort"), None)
        page = hub.sorted_page(query, sort, start) if sort else hub.pages.get(query, start)
        headers = list(decision.rate_headers)
        if page.next_start is not None:
            rest = urlencode([(k, v) for k, v in params if k != "cursor"]
                             + [("cursor", encode_cursor(page.next_start))])
            host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
            headers.append(("Link", f'<http://{host}/api/models?{rest}>; rel="next"'))
        body = page.body
        with hub.state.lock:
            previous = hub.state.last_page.get(query)
            if decision.repeat and previous is not None and previous[0] != start:
                body = previous[1]
                hub.state.stats["faults"]["repeated"] += 1
            elif not decision.truncate:
                hub.state.last_page[query] = (start, page.body)
                if len(hub.state.last_page) > 64:
                    hub.state.last_page.pop(next(iter(hub.state.last_page)))
            hub.state.stats["pages"] += 1
            hub.state.stats["models"] += page.count
        if decision.truncate:
            body = body[:max(1, len(body) // 2)]
        self._send(200, body, headers=headers)

    def _info(self, rest: str, params: list[tuple[str, str]]) -> None:
        hub = self.server.hub
        decision = hub.decide(listing=False)
        if self._faulted(decision):
            return
        parts = rest.split("/")
        if len(parts) >= 4 and parts[2] == "revision":
            parts = parts[:2]
        if len(parts) != 2 or not all(parts):
            raise HubError(404, "Repository not found", "RepoNotFound")
        index = hub.universe.index_of("/".join(parts))
        if index is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        expand = _expand(params)
        wanted = tuple(expand) if expand is not None else INFO_DEFAULT_FIELDS
        body = hub.universe.batch([index]).encode(wanted)[0].encode()
        with hub.state.lock:
            hub.state.stats["model_info"] += 1
        if decision.truncate:
            body = body[:max(1, len(body) // 2)]
        self._send(200, body, headers=decision.rate_headers)

    def _resolve(self, path: str, head_only: bool) -> None:
        hub = self.server.hub
        repo, _, tail = path.lstrip("/").partition("/resolve/")
        _, _, filename = tail.partition("/")
        index = hub.universe.index_of(repo)
        if index is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        config = full_config(hub.universe, index) if filename == "config.json" else None
        if config is None:
            raise HubError(404, "Entry not found", "EntryNotFound")
        body = json.dumps(config, indent=2).encode()
        sha = hub.universe.sha(np.array([index]))[0]
        etag = f'"{splitmix64(index ^ hub.universe.k_sha):016x}"'
        with hub.state.lock:
            hub.state.stats["config_json"] += 1
        self._send(200, body, headers=[("ETag", etag), ("X-Repo-Commit", sha)], head_only=head_only)

    # -- dataset repositories (see ``fake_datasets``); faulted like model_info --------------

    def _count_dataset(self, kind: str, sent: int = 0) -> None:
        state = self.server.hub.state
        with state.lock:
            state.stats[kind] += 1
            state.stats["dataset_bytes"] += sent
            if (self.headers.get("Authorization") or "").startswith("Bearer "):
                state.stats["with_token"] += 1

    def _dataset_api(self, rest: str, params: list[tuple[str, str]]) -> None:
        hub = self.server.hub
        decision = hub.decide(listing=False)
        if self._faulted(decision):
            return
        self._count_dataset("dataset_api")
        parts = rest.split("/")
        repo, kind, tail = "/".join(parts[:2]), (parts[2] if len(parts) > 2 else ""), parts[3:]
        if kind in ("", "revision"):
            value = hub.datasets.info(repo, tail[0] if tail else "main")
        elif kind == "tree" and tail:
            recursive = dict(params).get("recursive", "").lower() == "true"
            value = hub.datasets.tree(repo, tail[0], "/".join(tail[1:]), recursive)
        elif kind == "commits" and tail:
            value = hub.datasets.commits(repo, tail[0])
        else:
            raise HubError(404, "Not Found")
        body = json.dumps(value, separators=(",", ":")).encode()
        if decision.truncate:
            body = body[:max(1, len(body) // 2)]
        self._send(200, body, headers=decision.rate_headers)

    def _dataset_file(self, rest: str, head_only: bool) -> None:
        hub = self.server.hub
        decision = hub.decide(listing=False)
        if self._faulted(decision):
            return
        repo, _, tail = rest.partition("/resolve/")
        rev, _, path = tail.partition("/")
        content, revision = hub.datasets.file(repo, rev, path)
        sha256, total = digests(content)[0], size(content)
        headers = [("X-Repo-Commit", revision.sha), ("ETag", f'"{sha256}"'),
                   ("Accept-Ranges", "bytes"), *decision.rate_headers]
        wanted = byte_range(self.headers.get("Range"), total)
        if wanted is not None and not head_only:
            first, last = wanted
            status, body = 206, read_range(content, first, last)
            headers.append(("Content-Range", f"bytes {first}-{last}/{total}"))
        else:
            status, body = 200, b"" if head_only else read_range(content, 0, total - 1)
        self._count_dataset("dataset_files", 0 if head_only else len(body))
        if decision.truncate and not head_only:
            body = body[:max(1, len(body) // 2)]  # a download cut short
        self._send(status, body, "application/octet-stream", headers, head_only=head_only,
                   length=total if head_only else None)

    def _control(self, method: str, path: str, params: list[tuple[str, str]]) -> None:
        hub = self.server.hub
        if path == "/_fakehub/stats" and method == "GET":
            self._json(200, hub.stats())
        elif path == "/_fakehub/faults" and method == "GET":
            self._json(200, asdict(hub.faults))
        elif path == "/_fakehub/faults" and method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            try:
                data = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(data, dict):
                    raise ValueError("expected a JSON object")
                faults = hub.set_faults(**data)
            except (ValueError, TypeError) as exc:
                raise HubError(400, str(exc)) from exc
            self._json(200, asdict(faults))
        elif path == "/_fakehub/reset" and method == "POST":
            hub.reset()
            self._json(200, {"ok": True})
        else:
            raise HubError(404, "Not Found")


# --------------------------------------------------------------------------------------------
# Helpers: in-process, subprocess, command line


@contextmanager
def run_fakehub_in_process(models: int = 10_000, seed: int = 0, faults: Faults | None = None,
                           **config: Any) -> Iterator[FakeHub]:
    """``with run_fakehub_in_process(5000, seed=1) as hub: ... hub.base_url ...``"""
    hub = FakeHub(FakeHubConfig(models=models, seed=seed, faults=faults or Faults(), **config))
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


def start_fakehub_subprocess(models: int = 10_000, seed: int = 0, faults: Faults | None = None, *,
                             port: int = 0, page_size: int = MAX_PAGE, startup_timeout: float = 60.0,
                             python: str = sys.executable) -> tuple[subprocess.Popen[str], str]:
    """Run the fake hub in its own process (no GIL shared with the client): (process, base URL).

    Stop it with ``process.terminate(); process.wait()`` (it exits cleanly on SIGTERM / SIGINT).
    """
    cmd = [python, "-m", "observatory.testing.fakehub", "--models", str(models), "--seed", str(seed),
           "--port", str(port), "--page-size", str(page_size)]
    if faults is not None:
        cmd += ["--faults-json", json.dumps(asdict(faults))]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline() if proc.stdout else ""),
                              daemon=True)
    reader.start()
    reader.join(startup_timeout)
    url = line[0].strip() if line else ""
    if not url.startswith("http://"):
        proc.kill()
        proc.wait()
        raise RuntimeError(f"the fake hub did not start (exit code {proc.returncode}, said {url!r})")
    return proc, url


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, as the observatory's own usage errors (argparse prints two)."""
        print(f"usage: {message} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _within(kind: type[int] | type[float], bound: limits.Bound) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or value not in bound:  # NaN is in no bound
            raise argparse.ArgumentTypeError(f"expected {bound}, got {text!r}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="observatory fakehub",
                description="Serve synthetic Hugging Face Hub models on 127.0.0.1.")
    count, seconds = _within(int, limits.COUNT), _within(float, limits.SECONDS)
    p.add_argument("--models", type=_within(int, limits.FAKE_MODELS), default=10_000,
                   help="number of models (default 10000)")
    p.add_argument("--seed", type=_within(int, limits.SEED), default=0)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_within(int, limits.ANY_PORT), default=0, help="0: any free port")
    p.add_argument("--page-size", type=_within(int, limits.PAGE_SIZE), default=MAX_PAGE,
                   help="default and maximum limit")
    p.add_argument("--rate-limit", type=count, default=0, help="requests per window (0: none)")
    p.add_argument("--rate-window", type=seconds, default=300.0, help="window seconds")
    p.add_argument("--error-rate", type=_within(float, limits.PROBABILITY), default=0.0,
                   help="probability of a 500/502/503")
    p.add_argument("--timeout-every", type=count, default=0)
    p.add_argument("--timeout-seconds", type=seconds, default=5.0)
    p.add_argument("--truncate-every", type=count, default=0)
    p.add_argument("--repeat-every", type=count, default=0)
    p.add_argument("--fault-seed", type=_within(int, limits.SEED), default=0)
    p.add_argument("--faults-json", help="a JSON object of Faults fields (overrides the flags)")
    return p


def main(argv: list[str] | None = None) -> int:
    """``observatory fakehub``: print the base URL on stdout, serve until interrupted."""
    args = _parser().parse_args(argv)
    faults = Faults(rate_limit=args.rate_limit, rate_window=args.rate_window, error_rate=args.error_rate,
                    timeout_every=args.timeout_every, timeout_seconds=args.timeout_seconds,
                    truncate_every=args.truncate_every, repeat_every=args.repeat_every, seed=args.fault_seed)
    if args.faults_json:
        try:
            given = json.loads(args.faults_json)
            if not isinstance(given, dict):
                raise ValueError(f"not an object: {args.faults_json!r}")
            faults = Faults.from_dict(given, faults)
        except (ValueError, TypeError) as exc:
            raise InputError("--faults-json", f"expected a JSON object of fault fields ({exc})") from None
    hub = FakeHub(FakeHubConfig(models=args.models, seed=args.seed, host=args.host, port=args.port,
                                page_size=min(args.page_size, MAX_PAGE), faults=faults))
    hub.pages = Pages(hub)
    try:
        hub.server = _Server((hub.config.host, hub.config.port), _Handler, hub)
    except OSError as exc:  # a busy port, an unknown host
        raise InputError(f"{args.host}:{args.port}", f"cannot listen here ({exc.strerror or exc})"
                         ) from None

    def _terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    print(hub.base_url, flush=True)
    with suppress(KeyboardInterrupt):
        hub.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
