"""``observatory serve``: the report's pages rendered live from the store, the JSON API
(routes.py, documented at /docs and /openapi.json), and the site's assets from memory (taken from
an earlier report's folder when it has them, never written). ``HEAD`` is answered like ``GET``
everywhere, without the body."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observatory import __version__
from observatory.api import Observatory
from observatory.errors import InputError, ObservatoryError
from observatory.web import render
from observatory.web.live import Live
from observatory.web.pages import PAGES
from observatory.web.routes import router
from observatory.web.site import Site

HOST, PORT = "127.0.0.1", 8321
STEM = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")  # page, table and chart names
SLUGS = {page.slug for page in PAGES}
T = TypeVar("T")
# FastAPI's interactive documentation loads Swagger UI and ReDoc from a CDN with inline
# scripts: the policy is left off those two pages only (they need a network to draw).
DOCS_PAGES = ("/docs", "/redoc", "/docs/oauth2-redirect")
# Scripts only from the site's own files, and no eval: site.js has Vega interpret the charts'
# expressions (vega-embed's CSP-compliant interpreter) instead of compiling them. The charts'
# data sits in JSON script elements, which never run; vega-embed adds its style element.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def site_assets(site_dir: Path | None) -> dict[str, bytes]:
    """The site's assets (Vega, the style sheet, the page script) in memory: Vega from the
    ``assets/`` folder of an earlier report in ``site_dir`` when its stamp matches this version
    (read, never written), else bundled once in this process's lifetime."""
    folders = [site_dir / "assets"] if site_dir is not None else []
    return render.assets(render.reused_bundle(folders) or render.vega_bundle())


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``, bound before the server says where it serves: a
    busy port is one line naming it, not a traceback after the announcement."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: TIME_WAIT is no bar
        sock.bind((host, port))
        sock.listen(2048)  # uvicorn's backlog: a client arriving before the first accept waits
    except OSError as exc:
        sock.close()
        if isinstance(exc, socket.gaierror):
            raise InputError("--host", f"{host!r} is not an address or a known name ({exc.strerror})"
                             ) from None
        if exc.errno == errno.EADDRINUSE:
            raise InputError("--port", f"{where} is in use (another server?); choose another "
                             "port with --port") from None
        if exc.errno == errno.EACCES:
            raise InputError("--port", f"cannot listen on {where}: permission denied (ports "
                             "below 1024 need privileges)") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise InputError("--host", f"{host} is not an address of this machine") from None
        raise InputError("--host", f"cannot listen on {where}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def index_page(obs: Observatory, site: Site) -> bytes:
    return site.index_html().encode()


def question_page(slug: str) -> Callable[[Observatory, Site], bytes]:
    return lambda obs, site: site.page_html(slug).encode()


def csv_table(name: str) -> Callable[[Observatory, Site], bytes | None]:
    def build(obs: Observatory, site: Site) -> bytes | None:
        text = site.csv(name)
        return None if text is None else text.encode()
    return build


class HeadAsGet:
    """``HEAD`` answered as ``GET`` (the same status and headers, Content-Length included), with
    the body left out. The routes declare ``GET`` only, and FastAPI adds no ``HEAD``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the last (empty) message ends the response
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        # a copy: the server's own scope still says HEAD (uvicorn drops a HEAD body itself)
        await self.app({**scope, "method": "GET"}, receive, sending)


class SecurityHeaders:
    """Headers on every response, as plain ASGI (Starlette's ``BaseHTTPMiddleware`` costs a
    task and a stream per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        documentation = scope["path"] in DOCS_PAGES

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not documentation:
                    headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
            await send(message)

        await self.app(scope, receive, sending)


def create_app(live: Live, site_dir: Path) -> FastAPI:
    app = FastAPI(title="Open Weights Observatory", version=__version__,
                  description="Read-only views of the store: who leads open-weight AI, with "
                  "intervals and provenance. The same numbers as the command line.")
    app.state.live = live
    app.include_router(router)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    assets = {name: (data, '"' + hashlib.sha256(data).hexdigest()[:20] + '"')
              for name, data in site_assets(site_dir).items()}

    async def kept(key: tuple, build: Callable[[Observatory, Site], T]) -> T:
        """A kept result at once; a new one computed on the worker thread."""
        try:
            return await live.answer(key, build)
        except ObservatoryError as exc:
            raise HTTPException(500, str(exc)) from exc

    @app.get("/assets/{name}", include_in_schema=False)
    async def asset(name: str, request: Request) -> Response:
        """From memory, by name only (no path reaches the file system). Browsers ask again
        each time (no-cache) and get 304 while the file is the same."""
        if name not in assets:
            raise HTTPException(404, f"no asset {name!r}")
        data, etag = assets[name]
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        media = ASSET_TYPES.get(Path(name).suffix, "text/plain; charset=utf-8")
        return Response(data, media_type=media, headers=headers)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:  # pages declare none; a browser asking still gets no error
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/index.html", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(await kept(("page", "index"), index_page))

    @app.get("/{slug}.html", response_class=HTMLResponse, include_in_schema=False)
    async def page(slug: str) -> HTMLResponse:
        if slug not in SLUGS:
            raise HTTPException(404, f"no page {slug!r}")
        return HTMLResponse(await kept(("page", slug), question_page(slug)))

    @app.get("/data/{name}.csv", include_in_schema=False)
    async def table(name: str) -> Response:
        found = await kept(("csv", name), csv_table(name)) if STEM.match(name) else None
        if found is None:
            raise HTTPException(404, f"no table {name!r}")
        return Response(found, media_type="text/csv; charset=utf-8")

    @app.get("/charts/{name}.{fmt}", include_in_schema=False)
    async def chart(name: str, fmt: str) -> Response:
        if not STEM.match(name) or fmt not in ("png", "svg"):
            raise HTTPException(404, f"no chart {name!r}.{fmt}")
        found = await kept(("chart", name, fmt), lambda obs, site: site.image(name, fmt))
        if found is None:
            raise HTTPException(404, f"no chart {name!r}")
        return Response(found, media_type="image/png" if fmt == "png" else "image/svg+xml")

    return app


def serve(live: Live, site_dir: Path | None, sock: socket.socket) -> None:
    """Run on ``sock`` (``bind``) until interrupted. The pages are computed in the background
    from the start, one at a time (an API query waits for one page at most), so the first
    visitor does not wait."""
    import threading

    import uvicorn

    app = create_app(live, site_dir)
    threading.Thread(target=_warm, args=(live,), daemon=True, name="warm-up").start()
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


def _warm(live: Live) -> None:
    with contextlib.suppress(Exception):  # a failure shows on the first request instead
        for page in PAGES:
            live.wait(("page", page.slug), question_page(page.slug))
        live.wait(("page", "index"), index_page)
