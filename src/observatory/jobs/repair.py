"""``store repair`` and ``store remove``: damaged snapshots rebuilt, unwanted ones removed, each
logged in ``store.log``, under the data home's lock.

A damaged snapshot is rebuilt from what made it:
- its raw file, when intact (its SHA-256 still names the snapshot): parsed again by its format's
  reader, the same rows as when it was imported;
- its inputs, for what the Observatory computes: a Hub snapshot's aggregates, inferred edges,
  a board rated from stored votes;
- nothing, for a Hub collection or a Hub dump backfill (their pages are not kept): the outcome
  names the command that fetches it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from observatory.errors import InputError, ObservatoryError
from observatory.registry.loader import Registry
from observatory.sources.base import Parsed, file_sha256
from observatory.store import integrity
from observatory.store.catalog import Catalog
from observatory.store.integrity import folder_parts
from observatory.store.snapshots import Store
from observatory.store.verify import damaged_folders

AGGREGATES, INFERRED, RATED = "hub-aggregates", "inferred-edges", "observatory-bt"
COMPUTED = (AGGREGATES, INFERRED, RATED)
REFETCH = {
    "hub-api": "`observatory update --source hub` (with the scope and thresholds of its query)",
    "hub-weekly": "`observatory backfill --source hub-weekly --since {day} --until {day}`",
    "hub-stats": "`observatory backfill --source hub-stats --since {day} --until {day}`",
}


@dataclass(frozen=True)
class Outcome:
    snapshot_id: str
    folder: str  # relative to the home
    repaired: bool
    how: str

    def __str__(self) -> str:
        return f"{self.folder}: {self.how}"


def find(store: Store, ids: list[str]) -> list[Path]:
    """The snapshot folders named by ``ids`` (whole ids or unambiguous prefixes)."""
    folders = sorted(p for p in store.snapshots_dir.glob("*/*") if p.is_dir())
    found: list[Path] = []
    for wanted in ids:
        text = wanted.strip().lower()
        hits = [f for f in folders if folder_parts(f)[1].startswith(text)] if text else []
        ids_hit = {folder_parts(f)[1] for f in hits}
        if not hits:
            raise InputError(wanted, "no snapshot with this id (`observatory store list` shows them)")
        if len(ids_hit) > 1:
            raise InputError(wanted, f"matches {len(ids_hit)} snapshots; give more of the id")
        found += [f for f in hits if f not in found]
    return found


def remove(catalog: Catalog, ids: list[str]) -> list[str]:
    """Remove the snapshots named by ``ids``; returns their folders (relative to the home)."""
    store = catalog.store
    with store.writing():
        folders = find(store, ids)
        for folder in folders:
            store.remove(folder, "`observatory store remove`")
        catalog.refresh()
    return [store.relative(f) for f in folders]


def repair(catalog: Catalog, registry: Registry, ids: list[str] | None = None) -> list[Outcome]:
    """Rebuild the damaged snapshots among ``ids`` (None: every damaged one)."""
    store = catalog.store
    outcomes = []
    with store.writing():
        damaged = damaged_folders(store)
        targets = find(store, ids) if ids else sorted(damaged)
        # what is computed from other snapshots comes last, once those are whole again
        targets.sort(key=lambda f: (f.parent.name in COMPUTED, str(f)))
        refreshed = False
        for folder in targets:
            if folder.parent.name in COMPUTED and not refreshed:
                catalog.refresh()
                refreshed = True
            snapshot_id = folder_parts(folder)[1]
            if folder not in damaged:
                outcomes.append(Outcome(snapshot_id, store.relative(folder), False,
                                        "not damaged, nothing to do"))
                continue
            try:
                how = _repair_one(catalog, registry, folder, snapshot_id)
                outcomes.append(Outcome(snapshot_id, store.relative(folder), True, how))
            except _Cannot as exc:
                outcomes.append(Outcome(snapshot_id, store.relative(folder), False, str(exc)))
        if any(o.repaired for o in outcomes):
            catalog.refresh()
    return outcomes


class _Cannot(ObservatoryError):
    """This snapshot cannot be rebuilt here; the message says what would."""


def _repair_one(catalog: Catalog, registry: Registry, folder: Path, snapshot_id: str) -> str:
    store = catalog.store
    manifest, _ = integrity.read_manifest(folder)
    fmt = folder.parent.name
    day = _day(folder, manifest)
    raw = _intact_raw(folder, snapshot_id)
    if fmt == RATED:
        return _rated_again(catalog, folder, raw, manifest, day)
    if raw is not None:
        parsed = _parse_again(raw, fmt, day, manifest)
        if parsed.snapshot_id != snapshot_id:
            raise _Cannot(f"its raw file parses to another snapshot ({parsed.snapshot_id})")
        result = store.write(parsed, query=(manifest or {}).get("query"))
        return f"rebuilt from its raw file {raw.name} ({_rows(result.counts)})"
    if fmt == AGGREGATES:
        return _computed_again(catalog, registry, folder, "aggregates")
    if fmt == INFERRED:
        return _computed_again(catalog, registry, folder, "inferred", manifest)
    if fmt in REFETCH:
        raise _Cannot("cannot be rebuilt here (its Hub pages are not kept); fetch it again with "
                      + REFETCH[fmt].format(day=day) + ", then `observatory store remove "
                      f"{snapshot_id}`")
    raise _Cannot("its raw file is missing or damaged too; import the original file again "
                  f"(`observatory import FILE`) or remove it (`observatory store remove {snapshot_id}`)")


def _day(folder: Path, manifest: dict[str, Any] | None) -> date:
    """The snapshot's date: its folder's name, else its manifest's."""
    for text in (folder_parts(folder)[0], str((manifest or {}).get("snapshot_date"))):
        try:
            return date.fromisoformat(text)
        except ValueError:
            continue
    raise _Cannot("its folder and manifest give no date")


def _intact_raw(folder: Path, snapshot_id: str) -> Path | None:
    """The raw file whose SHA-256 still names the snapshot, if there is one."""
    for path in sorted((folder / "raw").glob("*")):
        if path.is_file() and file_sha256(path)[:12] == snapshot_id:
            return path
    return None


def _parse_again(raw: Path, fmt: str, day: date, manifest: dict[str, Any] | None) -> Parsed:
    from observatory.sources import arena_dataset, checks
    from observatory.sources.base import read_bytes
    from observatory.sources.detect import parse_raw

    content = read_bytes(raw)
    if fmt == arena_dataset.FORMAT:
        parsed = checks.admit(arena_dataset.parse_publication(raw, content))
    else:
        [parsed] = parse_raw(raw, content, fmt, day)
    parsed.path = Path(raw.name)
    if manifest is not None:  # as it was first stored: where it came from, how it was dated
        parsed.origin = manifest.get("origin") or parsed.origin
        parsed.dated_by = manifest.get("dated_by")
    return parsed


def _computed_again(catalog: Catalog, registry: Registry, folder: Path, kind: str,
                    manifest: dict[str, Any] | None = None) -> str:
    """Remove the damaged derived snapshot and compute it again from the store."""
    store = catalog.store
    snapshot_id = folder_parts(folder)[1]
    store.remove(folder, "damaged; computed again by `store repair`")
    catalog.refresh()
    if kind == "aggregates":
        from observatory.jobs import aggregates

        results = aggregates.update(catalog, registry)
    else:
        from observatory.jobs import infer_bases
        from observatory.lineage.graph import build_graph

        top = int(((manifest or {}).get("query") or {}).get("top", 3))
        graph = build_graph(catalog.connection(), registry, None, None, False, 0.0)
        result, _ = infer_bases.infer_bases(catalog, graph, top)
        results = [result] if result is not None else []
    same = [r for r in results if r.snapshot_id == snapshot_id]
    if same:
        return "computed again from its inputs (the same snapshot)"
    made = ", ".join(r.snapshot_id for r in results) or "nothing"
    return f"computed again from the store as it is now: {made} (its inputs have changed)"


def _rated_again(catalog: Catalog, folder: Path, raw: Path | None,
                 manifest: dict[str, Any] | None, day: date) -> str:
    """A board rated from stored votes, rated again with the method it records."""
    from observatory.jobs import rating_runs
    from observatory.ratings import bt
    from observatory.ratings.board import RateOptions, rate

    method = ((manifest or {}).get("notes") or {}).get("method")
    board = "text"
    if raw is not None:
        document = json.loads(raw.read_text())
        method = document.get("method") or method
        board = next((row.get("board") for row in document.get("boards", [])), board)
    if not method or not method.get("votes_snapshot"):
        raise _Cannot("its method is unreadable (manifest and raw file damaged); rate the votes "
                      "again with `observatory rate`")
    anchor = method.get("anchor") or {}
    options = RateOptions(
        categories=tuple(method.get("categories") or ["full"]),
        rounds=method.get("bootstrap_rounds") or 1000, seed=method.get("seed", 0),
        scale=bt.Scale(scale=method.get("scale", 400.0), base=method.get("base", 10.0),
                       center=method.get("center", 1000.0), anchor_model=anchor.get("model"),
                       anchor_rating=anchor.get("rating")),
        min_votes=method.get("min_votes", 0), style_control=method.get("style_control", False),
        interval=method.get("interval", "bootstrap"), level=method.get("level", 0.95),
        board=board, snapshot_date=day)
    votes, votes_id = rating_runs.load_votes(catalog, method["votes_snapshot"], store=False)
    parsed = rating_runs.board_snapshot(rate(votes, options), options, votes_id)
    if parsed.snapshot_id != folder_parts(folder)[1]:
        raise _Cannot(f"rating its votes again gives another board ({parsed.snapshot_id}); "
                      "remove it or keep both")
    result = catalog.store.write(parsed)
    return f"rated again from votes {votes_id} ({_rows(result.counts)})"


def _rows(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {name}" for name, n in sorted(counts.items()) if n)
