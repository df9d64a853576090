"""The store's exports: the main views as CSV and JSON in one folder, with a manifest saying
when, from which snapshots and with which method, for a schedule to publish (a web folder, a CI
artifact). A view the store cannot answer yet is listed in the manifest with the reason, not
fatal: the other views are still exported."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from observatory import METHOD_VERSION, __version__
from observatory.errors import ObservatoryError
from observatory.store.exports import write_export_folder


def _provenance(frame: pd.DataFrame) -> dict[str, Any]:
    found: dict[str, Any] = {"rows": len(frame)}
    if "snapshot_date" in frame and len(frame):
        dates = pd.to_datetime(frame["snapshot_date"])
        found["snapshot_dates"] = [str(dates.min().date()), str(dates.max().date())]
    if "source" in frame:
        found["sources"] = sorted(map(str, frame["source"].dropna().unique()))
    return found


def export(out: Path, views: dict[str, Callable[[], pd.DataFrame]],
           snapshots: pd.DataFrame) -> dict[str, Any]:
    """Run each view, write what answered; returns the manifest."""
    tables: dict[str, pd.DataFrame] = {}
    missing: dict[str, str] = {}
    for name, view in views.items():
        try:
            tables[name] = view()
        except ObservatoryError as exc:
            missing[name] = str(exc)
    tables["snapshots"] = snapshots
    manifest = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "method_version": METHOD_VERSION, "tool_version": __version__,
                "files": {name: _provenance(frame) for name, frame in tables.items()},
                "not_exported": missing}
    write_export_folder(out, tables, manifest)
    return manifest
