"""The base-inference job: infer candidate bases for every model of a lineage graph that
declares none, and store them as ``inferred`` edges in a derived snapshot (named by the hash of
its content, so the same inference is stored once)."""

from __future__ import annotations

import pandas as pd

from observatory.lineage.graph import INFERRED_FORMAT, LineageGraph
from observatory.lineage.inference import edge_table, infer
from observatory.store import ImportResult
from observatory.store.catalog import Catalog
from observatory.store.derived import write_derived


def infer_bases(catalog: Catalog, graph: LineageGraph,
                top: int = 3) -> tuple[ImportResult | None, pd.DataFrame]:
    """Returns the stored snapshot (None when nothing was inferred) and the candidates."""
    predictions = infer(catalog.connection(), graph, top=top)
    if predictions.empty:
        return None, predictions
    day = pd.Timestamp(graph.models.snapshot_date.max().execute()).date()
    used = graph.models.select("snapshot_id").distinct().to_pandas()["snapshot_id"]
    inputs = {"hub_snapshots": sorted(used), "top": top}
    result = write_derived(catalog.store, INFERRED_FORMAT, day, {"hub_edges": edge_table(predictions, day)},
                           inputs)
    if not result.duplicate:
        catalog.refresh()
    return result, predictions
