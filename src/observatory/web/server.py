"""``observatory serve``: the report's pages rendered live from the store, the JSON API
(routes.py, documented at /docs and /openapi.json), and the site's assets from the site folder
only (Starlette's StaticFiles refuses paths that leave it)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fastapi import FastAPI, HTTPException, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observatory import __version__
from observatory.api import Observatory
from observatory.errors import ObservatoryError
from observatory.store.exports import write_folder
from observatory.web import render
from observatory.web.live import MISSING, Live
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
# Scripts only from the site's own files (Vega compiles its expressions, hence unsafe-eval);
# the charts' data sits in JSON script elements, which never run.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def ensure_assets(site_dir: Path) -> Path:
    """The site folder's assets (Vega, the style sheet, the page script), written whole when
    missing or from another version of the tool."""
    assets = site_dir / "assets"
    with contextlib.suppress(OSError):
        if (assets / "VERSION").read_text() == render.stamp():
            return assets
    bundle = render.reused_bundle([assets]) or render.vega_bundle()
    write_folder(assets, render.assets(bundle), marker="VERSION")
    return assets


def index_page(obs: Observatory, site: Site) -> str:
    return site.index_html()


def question_page(slug: str) -> Callable[[Observatory, Site], str]:
    return lambda obs, site: site.page_html(slug)


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
    app.mount("/assets", StaticFiles(directory=ensure_assets(site_dir)), name="assets")
    app.add_middleware(SecurityHeaders)

    async def kept(key: tuple, build: Callable[[Observatory, Site], T]) -> T:
        """A kept result at once; a new one computed on a worker thread."""
        try:
            found = live.peek(key)
            return await run_in_threadpool(live.get, key, build) if found is MISSING else found
        except ObservatoryError as exc:
            raise HTTPException(500, str(exc)) from exc

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
        found = await kept(("csv", name), lambda obs, site: site.csv(name)) \
            if STEM.match(name) else None
        if found is None:
            raise HTTPException(404, f"no table {name!r}")
        return PlainTextResponse(found, media_type="text/csv; charset=utf-8")

    @app.get("/charts/{name}.{fmt}", include_in_schema=False)
    async def chart(name: str, fmt: str) -> Response:
        if not STEM.match(name) or fmt not in ("png", "svg"):
            raise HTTPException(404, f"no chart {name!r}.{fmt}")
        found = await kept(("chart", name, fmt), lambda obs, site: site.image(name, fmt))
        if found is None:
            raise HTTPException(404, f"no chart {name!r}")
        return Response(found, media_type="image/png" if fmt == "png" else "image/svg+xml")

    return app


def serve(live: Live, site_dir: Path, host: str = HOST, port: int = PORT) -> None:
    """Run until interrupted. The pages are computed in the background from the start, one at
    a time (an API query waits for one page at most), so the first visitor does not wait."""
    import threading

    import uvicorn

    app = create_app(live, site_dir)
    threading.Thread(target=_warm, args=(live,), daemon=True, name="warm-up").start()
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _warm(live: Live) -> None:
    with contextlib.suppress(Exception):  # a failure shows on the first request instead
        for page in PAGES:
            live.get(("page", page.slug), question_page(page.slug))
        live.get(("page", "index"), index_page)
