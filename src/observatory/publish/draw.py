"""Charts drawn to PNG and SVG by vl-convert, and Vega's script bundle, in worker processes:
vl-convert holds the interpreter while it draws, so threads do not overlap it, while a process
draws one page's charts as the next page is computed. Workers are spawned (not forked from a
process holding database threads) and import nothing but vl-convert."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

FORMATS = ("png", "svg")


def draw(spec: dict[str, Any], fmt: str) -> bytes:
    """A Vega-Lite spec as PNG (twice the pixels, for print) or SVG."""
    import vl_convert

    if fmt == "svg":
        return vl_convert.vegalite_to_svg(spec).encode()
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=2)
    raise ValueError(f"no chart format {fmt!r}; expected one of {', '.join(FORMATS)}")


def vega_bundle() -> bytes:
    """Vega, Vega-Lite and vega-embed in one script (no CDN: the site works offline)."""
    import vl_convert

    return vl_convert.javascript_bundle().encode()


class Drawing:
    """A pool of drawing processes for one build: ``chart`` and ``bundle`` return futures."""

    def __init__(self, workers: int = 2) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(workers, mp_context=context)

    def chart(self, spec: dict[str, Any], fmt: str) -> Future[bytes]:
        return self._pool.submit(draw, spec, fmt)

    def bundle(self) -> Future[bytes]:
        return self._pool.submit(vega_bundle)

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
