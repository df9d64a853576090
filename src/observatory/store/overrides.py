"""Writes rows into the user's registry override files (``registry accept``): whole or not at
all, the file's other rows kept, a row with the same key replaced."""

from __future__ import annotations

import csv
import os
import uuid
from pathlib import Path

from observatory.errors import RegistryError


def upsert_rows(path: Path, columns: list[str], rows: list[dict[str, str]], key: str) -> int:
    """Merge ``rows`` into the CSV at ``path`` (created with ``columns`` if absent), matching
    ``key`` case-insensitively; returns the number of rows in the file afterwards."""
    existing: list[dict[str, str]] = []
    header = list(columns)
    if path.exists():
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                header = list(reader.fieldnames or columns)
                existing = list(reader)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise RegistryError(f"{path}: cannot read ({exc})") from exc
        header += [c for c in columns if c not in header]
    latest = {row[key].lower(): row for row in rows}  # the last of repeated keys
    merged = [row for row in existing if (row.get(key) or "").lower() not in latest]
    merged += list(latest.values())
    work = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with work.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(merged)
        os.replace(work, path)
    except OSError as exc:
        work.unlink(missing_ok=True)
        raise RegistryError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    return len(merged)
