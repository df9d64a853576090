"""The rating job's I/O around the pure ``ratings`` package: votes in from a file or a stored
snapshot, computed boards out as snapshots (sources -> ratings -> store)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError, InputError
from observatory.jobs.imports import write
from observatory.ratings.board import SOURCE, Rated, RateOptions
from observatory.schema import BOARD_ENTRIES
from observatory.sources.base import Parsed
from observatory.sources.detect import parse_file
from observatory.store import ImportResult
from observatory.store.catalog import Catalog

VOTE_FORMATS = ("votes-arena", "votes-clean-battle", "votes-csv")


def load_votes(catalog: Catalog, spec: str | Path, store: bool) -> tuple[pa.Table, str]:
    """Votes from a file (imported into the store unless ``store`` is false) or from a stored
    vote snapshot (its id or a prefix of it); returns the table and the snapshot id."""
    path = Path(spec)
    try:
        is_file = path.is_file()
    except OSError:  # a name too long to be a file: a snapshot id, or nothing
        is_file = False
    if is_file:
        known = catalog.store.known_hashes()
        stored = known.get(hashlib.sha256(path.read_bytes()).hexdigest())
        if stored is not None and stored["format"] in VOTE_FORMATS and \
                catalog.store.intact(Path(stored["_dir"])):  # imported before: reuse
            return _stored_votes(catalog, stored["snapshot_id"]), stored["snapshot_id"]
        parsed = parse_file(path)
        if "votes" not in parsed.arrow:
            raise InputError(path, f"not a vote file (read as {parsed.format})")
        if store:
            write(catalog, [parsed])
        return parsed.arrow["votes"], parsed.snapshot_id
    snapshot_id = _stored_snapshot(catalog, str(spec))
    return _stored_votes(catalog, snapshot_id), snapshot_id


def _stored_votes(catalog: Catalog, snapshot_id: str) -> pa.Table:
    votes = catalog.connection().table("votes")
    return votes.filter(votes.snapshot_id == snapshot_id).to_pyarrow()


def _stored_snapshot(catalog: Catalog, spec: str) -> str:
    found = [m["snapshot_id"] for m in catalog.store.manifests()
             if m["format"] in VOTE_FORMATS and m["snapshot_id"].startswith(spec)]
    if not found:
        raise InputError(spec, "neither a vote file nor a stored vote snapshot id "
                               "(`observatory store list` shows the snapshots)")
    if len(found) > 1:
        raise InputError(spec, f"matches {len(found)} vote snapshots; give more of the id")
    return found[0]


def board_snapshot(rated: Rated, options: RateOptions, votes_snapshot: str) -> Parsed:
    """The computed boards as a snapshot; its raw file is the board and the method as JSON, so
    rating the same votes the same way again is recognised as a duplicate."""
    if rated.boards.empty:
        raise EmptyResultError("nothing to store: the board is empty")
    schema = pa.schema([f for f in BOARD_ENTRIES if f.name != "snapshot_id"])
    columns = [name for name in schema.names if name in rated.boards]  # the rest stay null
    day = rated.boards["snapshot_date"].iloc[0]
    method = {**options.method(), "votes_snapshot": votes_snapshot,
              "method_version": METHOD_VERSION}
    document = {"method": method, "notes": rated.notes,
                "boards": json.loads(rated.boards[columns].to_json(orient="records",
                                                                   date_format="iso")),
                "coefficients": json.loads(rated.coefficients.to_json(orient="records"))}
    raw = json.dumps(document, sort_keys=True, indent=1, default=str).encode()
    parsed = Parsed(Path(f"{SOURCE}_{votes_snapshot}.json"), SOURCE, day, {}, raw,
                    origin=f"votes snapshot {votes_snapshot}")
    board = rated.boards.reindex(columns=schema.names)
    table = pa.Table.from_pandas(board, preserve_index=False, schema=schema)
    parsed.arrow["board_entries"] = table.append_column(
        "snapshot_id", pa.repeat(pa.scalar(parsed.snapshot_id), table.num_rows))
    parsed.notes = {"method": method, "categories": rated.notes,
                    "coefficients": document["coefficients"]}
    return parsed


def store_board(catalog: Catalog, rated: Rated, options: RateOptions,
                votes_snapshot: str) -> ImportResult:
    """Write a computed board as one snapshot (whole or not at all), like an imported one."""
    return write(catalog, [board_snapshot(rated, options, votes_snapshot)]).results[0]
