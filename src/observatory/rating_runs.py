"""Votes in and computed boards out of the store: the I/O around the pure ``ratings`` package
(like ``hub_collect``, it joins stages: sources -> ratings -> store)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError, InputError
from observatory.ratings.board import SOURCE, Rated, RateOptions
from observatory.schema import BOARD_ENTRIES
from observatory.sources.base import Parsed
from observatory.sources.detect import parse_file

if TYPE_CHECKING:
    from observatory.api import Observatory

VOTE_FORMATS = ("votes-arena", "votes-clean-battle", "votes-csv")


def load_votes(obs: Observatory, spec: str | Path, store: bool) -> tuple[pa.Table, str]:
    path = Path(spec)
    if path.is_file():
        stored = obs.store.known_hashes().get(hashlib.sha256(path.read_bytes()).hexdigest())
        if stored is not None and stored["format"] in VOTE_FORMATS:  # imported before: reuse
            return _stored_votes(obs, stored["snapshot_id"]), stored["snapshot_id"]
        parsed = parse_file(path)
        if "votes" not in parsed.arrow:
            raise InputError(path, f"not a vote file (read as {parsed.format})")
        if store:
            obs.write([parsed])
        return parsed.arrow["votes"], parsed.snapshot_id
    snapshot_id = _stored_snapshot(obs, str(spec))
    return _stored_votes(obs, snapshot_id), snapshot_id


def _stored_votes(obs: Observatory, snapshot_id: str) -> pa.Table:
    votes = obs.connection().table("votes")
    return votes.filter(votes.snapshot_id == snapshot_id).to_pyarrow()


def _stored_snapshot(obs: Observatory, spec: str) -> str:
    found = [m["snapshot_id"] for m in obs.store.manifests()
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
    columns = [f.name for f in BOARD_ENTRIES if f.name != "snapshot_id"]
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
    table = pa.Table.from_pandas(rated.boards[columns], preserve_index=False,
                                 schema=pa.schema([f for f in BOARD_ENTRIES if f.name != "snapshot_id"]))
    parsed.arrow["board_entries"] = table.append_column(
        "snapshot_id", pa.repeat(pa.scalar(parsed.snapshot_id), table.num_rows))
    parsed.notes = {"method": method, "categories": rated.notes,
                    "coefficients": document["coefficients"]}
    return parsed
