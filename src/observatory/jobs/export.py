"""The store's exports: the main views as CSV and JSON in one folder, with a manifest saying
when, from which snapshots and with which method, for a schedule to publish (a web folder, a CI
artifact). A view the store cannot answer yet is listed in the manifest with the reason, not
fatal: the other views are still exported. Nothing in it names a path of the machine: the
snapshot list gives each origin as a URL or a file's name (``Observatory.snapshots``), and a
view's error by ``config.public_text``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from observatory import METHOD_VERSION, __version__
from observatory.config import public_text
from observatory.errors import ObservatoryError
from observatory.store.exports import write_export_folder
from observatory.store.outputs import Written, check_replaceable


@dataclass
class Exported:
    manifest: dict[str, Any]  # what the folder's manifest.json says
    written: Written  # where, and what of the user's the folder kept


def _provenance(frame: pd.DataFrame) -> dict[str, Any]:
    found: dict[str, Any] = {"rows": len(frame)}
    if "snapshot_date" in frame and len(frame):
        dates = pd.to_datetime(frame["snapshot_date"])
        found["snapshot_dates"] = [str(dates.min().date()), str(dates.max().date())]
    if "source" in frame:
        found["sources"] = sorted(map(str, frame["source"].dropna().unique()))
    return found


def export(out: Path, views: dict[str, Callable[[], pd.DataFrame]], snapshots: pd.DataFrame,
           home: Path | None = None) -> Exported:
    """Run each view, write what answered. ``home``: the data home, named in an error's text
    by ``config.home_label``."""
    check_replaceable(out, "manifest.json")  # before the work: a folder of the user's says so at once
    tables: dict[str, pd.DataFrame] = {}
    missing: dict[str, str] = {}
    for name, view in views.items():
        try:
            tables[name] = view()
        except ObservatoryError as exc:
            missing[name] = public_text(str(exc), home)
    tables["snapshots"] = snapshots
    manifest = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "method_version": METHOD_VERSION, "tool_version": __version__,
                "files": {name: _provenance(frame) for name, frame in tables.items()},
                "not_exported": missing}
    return Exported(manifest, write_export_folder(out, tables, manifest))
