"""Q6: downloads by family, organisation or country over time, when one passed another, and
the counts that should not be read at face value (artefacts).

Downloader country is not public: "by country" means downloads OF models made BY developers in
each country.
"""

from __future__ import annotations

import itertools

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.registry.hub import is_gguf

GROUPS = {"family": "family", "org": "org_id", "country": "country"}
# Downloads over time need whole-Hub snapshots: saved listings and tree files are partial and
# have no all-time counts.
NO_CRAWL = ("no Hub history in the store (saved listings and model trees are partial): run "
            "`observatory backfill --source hub-weekly --since 2024-08-01` for the weekly "
            "history, and `observatory update --source hub` once a day from now on")


def _sums(table: ir.Table, models: ir.Value, gguf: ir.Value) -> dict[str, ir.Value]:
    """The download columns every grouping reports (sums as int64, not DuckDB's HUGEINT)."""
    return {"downloads_all_time": table.downloads_all_time.sum().cast("int64"),
            "downloads_30d": table.downloads_30d.sum().cast("int64"),
            "models": models.cast("int64"), "gguf_models": gguf.sum().cast("int64")}


def _by_date(table: ir.Table, group: str, empty: str) -> pd.DataFrame:
    frame = table.order_by(["snapshot_date", ibis.desc("downloads_all_time")]).to_pandas()
    if frame.empty:
        raise EmptyResultError(empty)
    frame["method_version"] = METHOD_VERSION
    return frame


def downloads_over_time(entries: ir.Table, by: str = "family") -> pd.DataFrame:
    """Per snapshot date and group: all-time (cumulative) and 30-day downloads, model count."""
    group = GROUPS[by]
    table = entries.filter(entries[group].notnull())
    grouped = table.group_by(["snapshot_date", group]).agg(
        **_sums(table, table.count(), table.is_gguf.cast("int64")))
    return _by_date(grouped, group, NO_CRAWL)


def downloads_by_namespace(models: ir.Table, namespaces: ir.Table, by: str) -> pd.DataFrame:
    """Organisation and country depend only on the namespace: sum the raw rows per namespace
    first (few rows), then attribute, instead of carrying every model row through the joins.
    ``namespaces`` is ``registry.hub.namespaces``: keyed by the namespace in lower case."""
    group = GROUPS[by]
    gguf = is_gguf(models).cast("int64")
    # The author is the namespace; the id's prefix only where a source left it empty.
    rows = models.mutate(namespace=models.author.fill_null(models.model_id.split("/")[0]),
                         _gguf=gguf)
    per_namespace = rows.group_by(["snapshot_date", "namespace"]).agg(
        **_sums(rows, rows.count(), rows._gguf))
    joined = per_namespace.join(namespaces, per_namespace.namespace.lower() == namespaces.ns_key)
    joined = joined.filter(joined[group].notnull())
    grouped = joined.group_by(["snapshot_date", group]).agg(
        **_sums(joined, joined.models.sum(), joined.gguf_models))
    return _by_date(grouped, group, "no Hub downloads by attributed organisations in the store")


def crossings(frame: pd.DataFrame, by: str = "family",
              measure: str = "downloads_all_time") -> pd.DataFrame:
    """Dates one group passed another: the last date it was behind and the first it was ahead."""
    group = GROUPS[by]
    wide = frame.pivot_table(index="snapshot_date", columns=group, values=measure,
                             aggfunc="sum").sort_index()
    top = wide.iloc[-1].sort_values(ascending=False).index[:8]
    found = []
    for a in top:
        for b in top:
            if a == b:
                continue
            ahead = (wide[a] > wide[b]).astype("boolean")
            both = wide[a].notna() & wide[b].notna()
            dates = list(wide.index[both])
            for before, after in itertools.pairwise(dates):
                if not ahead[before] and ahead[after]:
                    found.append({"group": a, "passed": b, "last_date_behind": before,
                                  "first_date_ahead": after, "measure": measure,
                                  "value_after": wide.at[after, a],
                                  "passed_value_after": wide.at[after, b]})
    return pd.DataFrame(found, columns=["group", "passed", "last_date_behind", "first_date_ahead",
                                        "measure", "value_after", "passed_value_after"])


def artefacts(models: ir.Table) -> pd.DataFrame:
    """Counts that should not be read at face value, flagged per date (not hidden): all-time
    downloads that decreased since the model's previous snapshot, 30-day counts that dropped to
    zero, GGUF repositories (whose many files inflate download counts). Reads raw
    ``hub_models`` rows; only the columns the flags need go through the window."""
    gguf = is_gguf(models)
    # Partitioning on a 64-bit hash of the id sorts far faster than on the string itself.
    slim = models.select("snapshot_date", "downloads_all_time", "downloads_30d",
                         model_key=models.model_id.hash(), is_gguf=gguf)
    window = ibis.window(group_by="model_key", order_by="snapshot_date")
    table = slim.mutate(prev_all_time=slim.downloads_all_time.lag().over(window),
                        prev_30d=slim.downloads_30d.lag().over(window))
    flags = table.mutate(
        all_time_decreased=(table.downloads_all_time < table.prev_all_time).fill_null(False),
        dropped_to_zero=((table.prev_30d > 0) & (table.downloads_30d == 0)).fill_null(False),
    )
    frame = (flags.group_by("snapshot_date")
             .agg(all_time_decreased=flags.all_time_decreased.cast("int64").sum().cast("int64"),
                  dropped_to_zero=flags.dropped_to_zero.cast("int64").sum().cast("int64"),
                  gguf=flags.is_gguf.cast("int64").sum().cast("int64"))
             .order_by("snapshot_date").to_pandas())
    frame["method_version"] = METHOD_VERSION
    return frame
