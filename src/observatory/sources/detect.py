"""Recognise which importer a file needs, from its name and content.

CSV formats are told apart by their header; a header that matches a known format only in part
is an error naming the first missing column, so a renamed column is never read as "unknown".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from observatory.errors import InputError, UnknownFormatError
from observatory.sources import (
    aa,
    arena_catalog,
    arena_daily,
    arena_dataset,
    checks,
    hf_space,
    hub_listing,
    lmarena_csv,
    modeltree,
    openllm,
    votes,
)
from observatory.sources.base import Parsed, column_names, csv_header, load_json, read_bytes

# One file is one snapshot, except where a file holds several publications (Arena's dataset).
Parser = Callable[[Path, bytes, date | None], Parsed | list[Parsed]]

PARSERS: dict[str, Parser] = {
    lmarena_csv.FORMAT: lmarena_csv.parse,
    arena_catalog.FORMAT: arena_catalog.parse,
    hf_space.TABLE_FORMAT: hf_space.parse_table,
    hf_space.MAXIMA_FORMAT: hf_space.parse_maxima,
    hf_space.SCATTER_FORMAT: hf_space.parse_scatterplot,
    aa.PAGE_FORMAT: aa.parse_page,
    aa.CSV_FORMAT: aa.parse_csv,
    aa.API_FORMAT: aa.parse_api,
    openllm.V1: openllm.parse_v1,
    openllm.V2: openllm.parse_v2,
    openllm.FLAT: openllm.parse_flat,
    modeltree.FORMAT: modeltree.parse,
    hub_listing.FORMAT: hub_listing.parse,
    votes.ARENA: votes.parse_parquet,
    arena_dataset.FORMAT: arena_dataset.parse,
    arena_daily.FORMAT: arena_daily.parse,
    votes.CLEAN_BATTLE: votes.parse_clean_battle,
    votes.CSV: votes.parse_csv,
}
# Vote files in the arena release layout come as parquet or JSON lines: told apart by suffix.
VOTE_SUFFIXES: dict[str, Parser] = {".parquet": votes.parse_parquet, ".jsonl": votes.parse_jsonl}

# Columns that identify each CSV format; used to name what is missing from a near match.
CSV_SIGNATURES: dict[str, set[str]] = {
    lmarena_csv.FORMAT: lmarena_csv.signature(),
    hf_space.TABLE_FORMAT: hf_space.table_signature(),
    aa.CSV_FORMAT: aa.csv_signature(),
    openllm.V1: openllm.signature(openllm.V1),
    openllm.V2: openllm.signature(openllm.V2),
    openllm.FLAT: openllm.signature(openllm.FLAT),
    modeltree.FORMAT: modeltree.signature(),
}
NEAR_MATCH = 0.5
DATA_SUFFIXES = {".csv", ".json", *VOTE_SUFFIXES}


@dataclass(frozen=True)
class Detected:
    format: str
    parse: Parser


def formats() -> list[str]:
    return sorted(PARSERS)


def _detect_csv(path: Path, raw: bytes) -> str:
    header = csv_header(path, raw)
    if votes.sniff_csv(header):
        return votes.CSV
    if lmarena_csv.sniff(header):
        return lmarena_csv.FORMAT
    if hf_space.sniff_table(header):
        return hf_space.TABLE_FORMAT
    if aa.sniff_csv(header):
        return aa.CSV_FORMAT
    if (leaderboard := openllm.sniff(header)) is not None:
        return leaderboard
    if modeltree.sniff(header):
        return modeltree.FORMAT
    present = set(header)
    best, overlap = max(
        ((name, len(sig & present) / len(sig)) for name, sig in CSV_SIGNATURES.items()),
        key=lambda item: item[1],
    )
    missing = sorted(CSV_SIGNATURES[best] - present)
    if overlap >= NEAR_MATCH and missing:
        raise InputError(path, f"looks like {best} but column '{missing[0]}' is missing "
                               f"(found: {column_names(header)})")
    raise UnknownFormatError(path, f"unknown CSV format (header: {column_names(header[:8])}); "
                                   f"known formats: {', '.join(formats())}")


def _detect_json(path: Path, raw: bytes) -> str:
    data = load_json(path, raw)
    if votes.sniff_json(data):
        return votes.CLEAN_BATTLE
    if arena_catalog.sniff(data):
        return arena_catalog.FORMAT
    if hf_space.sniff_maxima(data):
        return hf_space.MAXIMA_FORMAT
    if hf_space.sniff_scatterplot(data):
        return hf_space.SCATTER_FORMAT
    if arena_daily.sniff(data):
        return arena_daily.FORMAT
    if hub_listing.sniff(data):
        return hub_listing.FORMAT
    if aa.sniff_page(data):
        return aa.PAGE_FORMAT
    if aa.sniff_api(data):
        return aa.API_FORMAT
    raise UnknownFormatError(path, f"unknown JSON layout; known formats: {', '.join(formats())}")


def _is_arena_dataset(raw: bytes) -> bool:
    """A parquet file of Arena's leaderboard dataset rather than of votes (told by its columns)."""
    try:
        names = pq.read_schema(pa.BufferReader(raw)).names
    except (pa.ArrowInvalid, OSError):
        return False  # the vote reader names the problem
    return arena_dataset.sniff_columns(names)


def detect(path: Path, raw: bytes, forced: str | None = None) -> Detected:
    """The importer for a file; ``forced`` skips detection (``--format``)."""
    suffix = path.suffix.lower()
    if forced is None and suffix == ".parquet" and _is_arena_dataset(raw):
        return Detected(arena_dataset.FORMAT, arena_dataset.parse)
    if forced in (None, votes.ARENA) and suffix in VOTE_SUFFIXES:
        return Detected(votes.ARENA, VOTE_SUFFIXES[suffix])
    if forced is not None:
        if forced not in PARSERS:
            raise UnknownFormatError(path, f"unknown format '{forced}'; "
                                           f"known formats: {', '.join(formats())}")
        return Detected(forced, PARSERS[forced])
    if suffix == ".csv":
        name = _detect_csv(path, raw)
    elif suffix == ".json":
        name = _detect_json(path, raw)
    else:
        raise UnknownFormatError(path, f"unknown file type '{suffix or '(none)'}'; "
                                       "expected .csv, .json, .jsonl or .parquet")
    return Detected(name, PARSERS[name])


def parse_file(path: Path, forced: str | None = None,
               snapshot_date: date | None = None) -> Parsed:
    """A file that is one snapshot (a board, a vote file)."""
    parsed = parse_raw(path, read_bytes(path), forced, snapshot_date)
    if len(parsed) != 1:
        raise InputError(path, f"holds {len(parsed)} publications; import it with "
                               "`observatory import` instead")
    return parsed[0]


def parse_raw(path: Path, raw: bytes, forced: str | None = None,
              snapshot_date: date | None = None) -> list[Parsed]:
    """A file's bytes, already read (``read_bytes``), parsed by the importer its name and
    content call for: its snapshots (one for most formats)."""
    detected = detect(path, raw, forced)
    result = detected.parse(path, raw, snapshot_date)
    parsed = result if isinstance(result, list) else [result]
    for item in parsed:
        item.origin = item.origin or str(path)
        if snapshot_date is not None and item.dated_by is None:
            item.dated_by = "given"
        checks.admit(item.freeze())
    return parsed


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Files to import, and files skipped when walking folders (not .csv/.json, or not data)."""
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        try:
            path.stat()
        except FileNotFoundError:
            raise InputError(path, "no such file or folder") from None
        except OSError as exc:  # a name too long, a folder without permission, ...
            raise InputError(path, f"cannot read it ({exc.strerror})") from None
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in DATA_SUFFIXES and not child.name.startswith("."):
                    files.append(child)
                else:
                    skipped.append(child)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(path, "no such file or folder")
    return files, skipped
