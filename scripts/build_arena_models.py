#!/usr/bin/env python3
"""Generate src/observatory/registry/data/arena_models.csv.

One row per LMArena model key, with LMArena's own organisation label, licence
label and (when LMArena links a Hugging Face model page) the HF repo id.

Sources (read-only, under ``<repo>/../shared/data``):

1. ``lmarena-official/hf-space-leaderboard-tables/leaderboard_table_YYYYMMDD.csv``
   (only the files with a ``key`` column): columns key, Model, Organization,
   License, Link.  For every key the most recent file in which it appears wins.
2. ``lmarena-official/arena-catalog/scatterplot-data_*.json``: fields
   model_api_name, name, organization, license, model_source.  Used to add
   keys missing from (1) and to fill blank fields of rows from (1) only.

``evidence`` is the file name the row came from (plus the scatterplot file when
it filled a blank).  Output is deterministic and sorted by ``model_key``.

Usage: python scripts/build_arena_models.py [--data-dir DIR] [--out FILE]
Standard library only.
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "src" / "observatory" / "registry" / "data" / "arena_models.csv"

FIELDS = ["model_key", "display_name", "org_label", "licence_label", "hf_id", "evidence"]
BLANK = {"", "-"}
# First path segments of huggingface.co URLs that are not model repositories.
NON_MODEL_PREFIXES = {
    "spaces", "datasets", "collections", "papers", "docs", "blog", "models",
    "organizations", "settings", "join", "login", "tasks", "learn",
}


def is_blank(value: str | None) -> bool:
    return value is None or value.strip() in BLANK


def hf_id_from_url(url: str | None) -> str:
    """Return ``org/name`` for a huggingface.co model URL, else ``""``."""
    if not url:
        return ""
    url = url.strip()
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            url = url[len(scheme):]
            break
    else:
        return ""
    if url.startswith("www."):
        url = url[4:]
    if not url.startswith("huggingface.co/"):
        return ""
    path = url[len("huggingface.co/"):]
    for sep in ("?", "#"):
        path = path.split(sep, 1)[0]
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0] in NON_MODEL_PREFIXES:
        return ""
    return f"{parts[0]}/{parts[1]}"


def read_hf_space_tables(folder: Path) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    # File names embed YYYYMMDD, so lexical order is chronological; later wins.
    for path in sorted(folder.glob("leaderboard_table_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "key" not in reader.fieldnames:
                continue  # 2023 files without arena keys
            seen: set[str] = set()
            for rec in reader:
                key = (rec.get("key") or "").strip()
                if not key or key in seen:
                    continue  # identical duplicate rows exist (yi-34b-chat)
                seen.add(key)
                rows[key] = {
                    "model_key": key,
                    "display_name": (rec.get("Model") or "").strip(),
                    "org_label": (rec.get("Organization") or "").strip(),
                    "licence_label": (rec.get("License") or "").strip(),
                    "hf_id": hf_id_from_url(rec.get("Link")),
                    "evidence": path.name,
                }
    return rows


def merge_scatterplot(rows: dict[str, dict[str, str]], path: Path) -> None:
    with path.open(encoding="utf-8") as fh:
        records = json.load(fh)
    for rec in records:
        key = (rec.get("model_api_name") or "").strip()
        if not key:
            continue
        candidate = {
            "model_key": key,
            "display_name": (rec.get("name") or "").strip(),
            "org_label": (rec.get("organization") or "").strip(),
            "licence_label": (rec.get("license") or "").strip(),
            "hf_id": hf_id_from_url(rec.get("model_source")),
        }
        if key not in rows:
            rows[key] = {**candidate, "evidence": path.name}
            continue
        row = rows[key]
        filled = False
        for field in ("display_name", "org_label", "licence_label", "hf_id"):
            if is_blank(row[field]) and not is_blank(candidate[field]):
                row[field] = candidate[field]
                filled = True
        if filled and path.name not in row["evidence"]:
            row["evidence"] = f"{row['evidence']}; {path.name}"


def build(data_dir: Path) -> list[dict[str, str]]:
    official = data_dir / "lmarena-official"
    rows = read_hf_space_tables(official / "hf-space-leaderboard-tables")
    for path in sorted((official / "arena-catalog").glob("scatterplot-data_*.json")):
        merge_scatterplot(rows, path)
    return [rows[k] for k in sorted(rows)]


def write(rows: list[dict[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = build(args.data_dir)
    write(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
