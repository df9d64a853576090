"""Golden Vega-Lite specs: a chart's ``to_dict()`` compared with ``tests/publish/golden/<name>.json``.

``UPDATE_GOLDEN=1 pytest tests/publish`` rewrites the files (review the diff before committing);
the comparison then still runs against what was read back from disk. ``"$schema"`` is dropped so
that a new Altair patch release (which bumps the Vega-Lite schema URL) does not fail CI.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "golden"
REPO = Path(__file__).resolve().parents[2]


def spec(chart: Any, validate: bool = True) -> dict[str, Any]:
    """The chart's Vega-Lite dict without ``$schema``, as plain JSON types."""
    data = chart.to_dict(validate=validate)
    data.pop("$schema", None)
    return json.loads(json.dumps(data, sort_keys=True))


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def check_portable(data: dict[str, Any]) -> None:
    """No absolute path of this machine and no generation date inside the spec."""
    text = json.dumps(data)
    for local in {str(REPO), str(Path.home()), tempfile.gettempdir(), str(Path.cwd())} - {"/", ""}:
        assert local not in text, f"the spec holds a local path ({local})"
    assert date.today().isoformat() not in text, "the spec holds today's date"


def check_golden(name: str, build: Callable[[], Any], folder: Path = GOLDEN) -> dict[str, Any]:
    """Build the chart twice (same dict), compare it with the golden file; returns the spec."""
    actual = spec(build())
    # Schema validation is slow (Altair's jsonschema): once is enough.
    assert spec(build(), validate=False) == actual, f"{name}: the spec differs between two builds"
    check_portable(actual)
    path = folder / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(actual), encoding="utf-8")
    assert path.exists(), f"no golden file {path}; create it with UPDATE_GOLDEN=1 and review it"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, (f"{name}: the chart spec differs from {path.name}; if the change is "
                                "intended, rerun with UPDATE_GOLDEN=1 and review the diff")
    return actual
