"""Publishing commands: report (the static site) and serve (the local server and JSON API)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from observatory import limits
from observatory.cli.common import BackendOpt, err, observatory, out

if TYPE_CHECKING:
    from observatory.api import Observatory

app = typer.Typer()


def build_site(out_dir: Path | None = None, images: bool = True,
               obs: Observatory | None = None) -> Path:
    """Build the report into ``out_dir`` (default: the data home's ``site``); prints progress
    to stderr and returns the index's path."""
    from observatory.web.report import build_report, default_site

    obs = obs or observatory()
    target = out_dir or default_site(obs)
    started = time.monotonic()
    with err.status("building the report site", spinner="dots"):
        site, written = build_report(obs, target, images)
    missing = [r.page.qid for r in site.results().values() if r.missing]
    err.print(f"built {len(site.results())} pages in {time.monotonic() - started:.1f} s"
              + (f"; no data yet for {', '.join(missing)} (each page says which command fills it)"
                 if missing else ""), soft_wrap=True)
    for line in written.lines("report"):
        out.print(line, soft_wrap=True)
    return target / "index.html"


@app.command()
def report(
    out_dir: Annotated[Path, typer.Option(
        "--out", help="The site's folder: new, empty, or an earlier report (replaced whole; your "
        "other files in it are kept); a folder of other files is refused.")],
    images: Annotated[bool, typer.Option("--images/--no-images",
                                         help="Draw every chart as PNG and SVG files.")] = True,
    backend: BackendOpt = None,
) -> None:
    """Write the report site: an index with headline cards and one page per question (chart,
    table as CSV, definitions, uncertainty, provenance). Self-contained: open index.html from
    the file system, no network needed."""
    out.print(f"wrote {build_site(out_dir, images, observatory(backend))}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(**limits.PORT.option(), help="Port.")] = 8321,
    site: Annotated[Path | None, typer.Option(
        help="An earlier report's folder whose Vega bundle is reused if this version built it "
        "(read, never written; default: the data home's site). Otherwise Vega is bundled in "
        "memory at start.")] = None,
    cache_mb: Annotated[int, typer.Option(
        "--cache-mb", min=1, max=1 << 20, help="Megabytes of answers kept (pages, tables, "
        "charts, API responses, counted as sent); the least recently used go first.")] = 64,
    backend: BackendOpt = None,
) -> None:
    """Serve the report's pages live from the store, and a read-only JSON API (/api/leaders,
    /api/lead-changes, /api/gap, /api/top, /api/likes, /api/downloads, /api/share,
    /api/derivatives, ...; its OpenAPI schema at /openapi.json, browsable at /docs when a
    network can load Swagger UI). HEAD is answered like GET; the site's assets are served from
    memory."""
    from observatory.web.live import Live
    from observatory.web.report import default_site
    from observatory.web.server import bind
    from observatory.web.server import serve as run_server

    obs = observatory(backend)
    sock = bind(host, port)  # a busy port stops here, before "serving ... at"
    try:
        if host not in ("127.0.0.1", "localhost", "::1"):
            err.print(f"listening on {host}: anyone who can reach it can read the store's views")
        shown = f"[{host}]" if ":" in host else host
        out.print(f"serving {obs.store.home} at http://{shown}:{port}/ (API docs: /docs); "
                  "Ctrl-C stops", soft_wrap=True)
        run_server(Live(obs=obs, cache_bytes=cache_mb << 20), site or default_site(obs), sock)
    finally:
        sock.close()
