"""HTML from the pages' results: Jinja templates with autoescaping on, so model names,
organisation names and card text (all untrusted) reach the page as text. Chart specs go inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, so no string in them can
close the tag."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import altair as alt
import jinja2
import pandas as pd

from observatory.publish.tables import cell

ASSETS = ("site.css", "site.js")


@cache
def environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("observatory.web", "templates")
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def script_json(value: Any) -> str:
    """JSON safe inside a script element: no ``</script>`` or ``<!--`` can be formed."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec with its data inline; NaN (not JSON) becomes null."""
    return _no_nan(chart.to_dict())


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return value


def table_cells(frame: pd.DataFrame, columns: list[str], rows: int) -> list[list[str]]:
    """The first ``rows`` rows as the terminal table prints them (escaped by the template)."""
    shown = frame[columns].head(rows)
    return [[cell(v) for v in row] for row in shown.itertuples(index=False)]


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def asset(name: str) -> bytes:
    return resources.files("observatory.web").joinpath("assets", name).read_bytes()


def stamp() -> str:
    """What the assets were built by: the tool's and vl-convert's versions."""
    import vl_convert

    from observatory import __version__

    return f"observatory {__version__}, vl-convert {vl_convert.__version__}"


def assets(bundle: bytes) -> dict[str, bytes]:
    """The site's ``assets/`` folder: Vega (``bundle``), the style sheet, the page script, and
    the stamp of what built them."""
    files = {name: asset(name) for name in ASSETS}
    files["VERSION"] = stamp().encode()
    files["vega.js"] = bundle
    return files


def reused_bundle(folders: Iterable[Path]) -> bytes | None:
    """Vega from an earlier build's ``assets/`` folder with the same stamp (bundling takes
    seconds), if there is one."""
    for folder in folders:
        with contextlib.suppress(OSError):
            if (folder / "VERSION").read_text() == stamp():
                return (folder / "vega.js").read_bytes()
    return None


@cache
def vega_bundle() -> bytes:
    """Vega's bundle (``publish.draw.vega_bundle``), made once per process by a worker
    process: vl-convert's JavaScript runtime would stay in this one (some 130 MB)."""
    from observatory.publish.draw import Drawing

    with Drawing(1) as drawing:
        return drawing.bundle().result()
