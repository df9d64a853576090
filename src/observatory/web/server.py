"""``observatory serve``: the report's pages rendered live from the store, the JSON API
(routes.py, documented at /docs and /openapi.json), and the site's assets from the site folder
only (Starlette's StaticFiles refuses paths that leave it)."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles

from observatory import __version__
from observatory.api import Observatory
from observatory.errors import ObservatoryError
from observatory.store.exports import write_folder
from observatory.web import render
from observatory.web.live import Live
from observatory.web.pages import PAGES
from observatory.web.routes import router
from observatory.web.site import Site

HOST, PORT = "127.0.0.1", 8321
STEM = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")  # page, table and chart names
SLUGS = {page.slug for page in PAGES}
# Scripts only from the site's own files (Vega compiles its expressions, hence unsafe-eval);
# the charts' data sits in JSON script elements, which never run.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def ensure_assets(site_dir: Path) -> Path:
    """The site folder's assets (Vega, the style sheet, the page script), written whole when
    missing or from another version of the tool."""
    assets = site_dir / "assets"
    stamp = assets / "VERSION"
    if not (stamp.is_file() and stamp.read_text().strip() == __version__):
        write_folder(assets, render.assets())
    return assets


def index_page(obs: Observatory, site: Site) -> str:
    return site.index_html()


def create_app(live: Live, site_dir: Path) -> FastAPI:
    app = FastAPI(title="Open Weights Observatory", version=__version__,
                  description="Read-only views of the store: who leads open-weight AI, with "
                  "intervals and provenance. The same numbers as the command line.")
    app.state.live = live
    app.include_router(router)
    app.mount("/assets", StaticFiles(directory=ensure_assets(site_dir)), name="assets")

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def html(key: str, build) -> HTMLResponse:  # type: ignore[no-untyped-def]
        try:
            return HTMLResponse(live.get(("page", key), build))
        except ObservatoryError as exc:
            raise HTTPException(500, str(exc)) from exc

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:  # pages declare none; a browser asking still gets no error
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/index.html", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return html("index", index_page)

    @app.get("/{slug}.html", response_class=HTMLResponse, include_in_schema=False)
    def page(slug: str) -> HTMLResponse:
        if slug not in SLUGS:
            raise HTTPException(404, f"no page {slug!r}")
        return html(slug, lambda obs, site: site.page_html(slug))

    @app.get("/data/{name}.csv", include_in_schema=False)
    def table(name: str) -> Response:
        found = live.get(("csv", name), lambda obs, site: site.csv(name)) if STEM.match(name) \
            else None
        if found is None:
            raise HTTPException(404, f"no table {name!r}")
        return PlainTextResponse(found, media_type="text/csv; charset=utf-8")

    @app.get("/charts/{name}.{fmt}", include_in_schema=False)
    def chart(name: str, fmt: str) -> Response:
        if not STEM.match(name) or fmt not in ("png", "svg"):
            raise HTTPException(404, f"no chart {name!r}.{fmt}")
        found = live.get(("chart", name, fmt), lambda obs, site: site.image(name, fmt))
        if found is None:
            raise HTTPException(404, f"no chart {name!r}")
        return Response(found, media_type="image/png" if fmt == "png" else "image/svg+xml")

    return app


def serve(live: Live, site_dir: Path, host: str = HOST, port: int = PORT) -> None:
    """Run until interrupted. The index (and with it every page) is computed in the background
    from the start, so the first visitor does not wait for it."""
    import threading

    import uvicorn

    app = create_app(live, site_dir)
    threading.Thread(target=_warm, args=(live,), daemon=True, name="warm-up").start()
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _warm(live: Live) -> None:
    with contextlib.suppress(Exception):  # a failure shows on the first request instead
        live.get(("page", "index"), index_page)
