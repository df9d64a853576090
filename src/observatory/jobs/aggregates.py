"""Per-snapshot Hub aggregates: computed once for each whole-Hub snapshot when it lands (the
backfill and the collector call ``update``), stored as a derived snapshot that names the Hub
snapshot and the registry rules it used, and computed again only when those rules change.
Views over a long history read these few thousand rows a snapshot (``metrics.aggregates``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from observatory.metrics.aggregates import aggregate
from observatory.registry import hub
from observatory.registry.loader import Registry
from observatory.schema import HUB_AGGREGATES
from observatory.store import ImportResult
from observatory.store.catalog import Catalog
from observatory.store.derived import write_derived

FORMAT = "hub-aggregates"


def missing(catalog: Catalog, rules: str) -> list[dict]:
    """Manifests of the whole-Hub snapshots without aggregates for ``rules``."""
    manifests = catalog.store.manifests()
    done = {m["query"].get("hub_snapshot") for m in manifests
            if m.get("format") == FORMAT and m["query"].get("rules") == rules}
    return [m for m in manifests if m.get("format") in hub.FULL_CRAWLS
            and m["counts"].get("hub_models") and m["snapshot_id"] not in done]


def compute(catalog: Catalog, registry: Registry, manifest: dict, rules: str) -> pa.Table:
    """The aggregates of one Hub snapshot."""
    con = catalog.connection()
    day = date.fromisoformat(manifest["snapshot_date"])
    entries = hub.hub_entries(con, registry, manifest["format"], [day])
    entries = hub.with_row_family(entries.filter(entries.snapshot_id == manifest["snapshot_id"]),
                                  registry)
    frame = aggregate(entries).to_pyarrow()
    n = frame.num_rows
    columns = {"hub_snapshot_id": pa.array([manifest["snapshot_id"]] * n, pa.string()),
               "hub_source": pa.array([manifest["format"]] * n, pa.string()),
               "rules": pa.array([rules] * n, pa.string())}
    arrays = [columns[f.name] if f.name in columns else frame[f.name].cast(f.type)
              for f in HUB_AGGREGATES if f.name != "snapshot_id"]
    schema = pa.schema([f for f in HUB_AGGREGATES if f.name != "snapshot_id"])
    table = pa.Table.from_arrays(arrays, schema=schema)
    order = [(name, "ascending") for name in ("org_key", "family", "is_gguf", "country")]
    return table.sort_by(order)  # the same rows in the same order: the same derived snapshot


def update(catalog: Catalog, registry: Registry, skip: set[str] | None = None,
           progress: Callable[[int, int], None] = lambda done, total: None) -> list[ImportResult]:
    """Aggregates of every whole-Hub snapshot that lacks them (``skip``: snapshot ids left out)."""
    rules = hub.rules_fingerprint(registry)
    todo = [m for m in missing(catalog, rules) if m["snapshot_id"] not in (skip or set())]
    results = []
    for number, manifest in enumerate(todo, start=1):
        table = compute(catalog, registry, manifest, rules)
        results.append(write_derived(
            catalog.store, FORMAT, date.fromisoformat(manifest["snapshot_date"]),
            {"hub_aggregates": table}, {"hub_snapshot": manifest["snapshot_id"], "rules": rules},
            {"scope": "aggregates of one whole-Hub snapshot"}))
        progress(number, len(todo))
    if any(not r.duplicate for r in results):
        catalog.refresh()
    return results


def current(catalog: Catalog, registry: Registry) -> ir.Table:
    """The aggregates for today's rules of the whole-Hub snapshots the views read (one source
    per date), computing those that are missing first: stored when no other process is writing
    (a reader takes the lock for that write), else kept in memory for this answer."""
    catalog.note_read("hub_aggregates", "hub_models")
    rules = hub.rules_fingerprint(registry)
    unsaved: list[pa.Table] = []
    with catalog.store.writing_if_free() as free:
        if free:
            update(catalog, registry)
        else:
            unsaved = [compute(catalog, registry, m, rules) for m in missing(catalog, rules)]
    con = catalog.connection()
    table = con.table("hub_aggregates")
    if unsaved:
        rows = pa.concat_tables(unsaved)
        rows = rows.append_column("snapshot_id", pa.nulls(rows.num_rows, pa.string()))
        table = table.union(ibis.memtable(rows.select(table.columns)).cast(table.schema()))
    table = table.filter(table.rules == rules)
    chosen = hub.crawl_dates(con)
    if not chosen:
        return table.filter(table.rules != table.rules)  # empty, with the columns
    keep = None
    for source, days in chosen.items():
        one = (table.hub_source == source) & table.snapshot_date.isin(days)
        keep = one if keep is None else keep | one
    return table.filter(keep)
