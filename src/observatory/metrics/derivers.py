"""Q15: who builds on whom: the derivatives whose root base is in a family, by the country or
organisation of the namespace that published them, with their downloads."""

from __future__ import annotations

import pandas as pd

from observatory.errors import EmptyResultError
from observatory.lineage.graph import LineageGraph
from observatory.metrics.common import UNKNOWN, wilson
from observatory.metrics.derivatives import BY, derivative_models
from observatory.registry.hub import uploader_attributes
from observatory.registry.loader import Registry


def derivers(graph: LineageGraph, registry: Registry, family: str,
             by: str = "uploader-country") -> pd.DataFrame:
    """Who builds on ``family``: derivatives whose root is in the family, by the deriver's
    country or organisation, with their downloads. ``group, derivatives, share, ci_low, ci_high,
    downloads_30d, family_total, lineage``."""
    if not by.startswith("uploader-"):
        raise ValueError("derivers are grouped by the uploader: uploader-country or uploader-org")
    roots = graph.roots.filter(graph.roots.root_family.lower() == family.lower())
    roots = roots.group_by("model_id").agg(weight=roots.weight.sum())
    derivs = derivative_models(graph).join(roots, "model_id")
    joined = uploader_attributes(derivs, registry)
    grouped = joined.mutate(group=joined[BY[by]].fill_null(UNKNOWN))
    frame = grouped.group_by("group").agg(
        derivatives=grouped.weight.sum(),
        downloads_30d=(grouped.downloads_30d.fill_null(0) * grouped.weight).sum(),
    ).to_pandas()
    if frame.empty:
        known = sorted(graph.roots.select("root_family").distinct().to_pandas()["root_family"].dropna())
        raise EmptyResultError(f"no derivatives built on family {family!r}; families with "
                               f"derivatives: {', '.join(known[:20]) or 'none'}")
    total = float(frame["derivatives"].sum())
    frame["share"] = frame["derivatives"] / total
    bounds = [wilson(d, total) for d in frame["derivatives"]]
    frame["ci_low"] = [b[0] for b in bounds]
    frame["ci_high"] = [b[1] for b in bounds]
    frame["downloads_30d"] = frame["downloads_30d"].round().astype("int64")
    frame["family_total"] = total
    frame["lineage"] = graph.lineage_label
    frame = frame.sort_values(["derivatives", "group"], ascending=[False, True])
    return frame[["group", "derivatives", "share", "ci_low", "ci_high", "downloads_30d",
                  "family_total", "lineage"]].reset_index(drop=True)


def most_derived(graph: LineageGraph, column: str = "root_id") -> str:
    """The root (``root_id``) or root family (``root_family``) with the most derivatives (ties:
    the first by name): the base a report's burst and derivers pages look at."""
    if column not in ("root_id", "root_family"):
        raise ValueError(f"most_derived counts by root_id or root_family, not {column!r}")
    roots = graph.roots.filter(graph.roots[column].notnull())
    table = roots.group_by(column).agg(n=roots.model_id.count())
    found = table.order_by([table.n.desc(), table[column]]).limit(1).to_pandas()
    if found.empty:
        what = "derivative" if column == "root_id" else "derivative of a known family"
        raise EmptyResultError(f"no {what} in the lineage graph")
    return str(found[column].iloc[0])
