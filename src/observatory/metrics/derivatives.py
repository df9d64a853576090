"""Q8 and Q15: new derivatives per month by whose base they are built on, and who builds on a
family.

A derivative is a model with at least one edge to a parent (declared, or inferred when the
graph includes inferred edges). Attribution modes:

* ``root-country`` / ``root-org`` / ``root-family``: the root base's country, organisation or
  family. A merge with roots in two countries counts half to each (``weight = 1 / n_roots``).
* ``uploader-country`` / ``uploader-org``: the country or organisation of the namespace that
  published the derivative (community accounts are ``unknown``).

Shares carry a Wilson 95 % interval, treating a month's derivatives as a sample of what the
community builds; it is narrow when a month has many derivatives and honest when it has few.
"""

from __future__ import annotations

import math
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.errors import EmptyResultError
from observatory.metrics.lineage_graph import LineageGraph, uploader_attributes
from observatory.registry.loader import Registry

BY = {"root-country": "root_country", "root-org": "root_org", "root-family": "root_family",
      "uploader-country": "country", "uploader-org": "org_name"}
UNKNOWN = "unknown"
Z95 = 1.959963984540054


def wilson(successes: float, total: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (fractional counts allowed)."""
    if total <= 0:
        return math.nan, math.nan
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def derivative_models(graph: LineageGraph, relations: tuple[str, ...] | None = None) -> ir.Table:
    """The derivatives: ``model_id, created_at, relation`` (relation of the first edge)."""
    edges = graph.edges
    if relations:
        edges = edges.filter(edges.relation.isin(relations))
    first = edges.select("child_id", "relation").distinct(on="child_id", keep="first")
    models = graph.models.select("model_id", "created_at", "downloads_30d", "downloads_all_time")
    return models.join(first, models.model_id == first.child_id).drop("child_id")


def _grouped(graph: LineageGraph, registry: Registry, derivs: ir.Table, by: str) -> ir.Table:
    column = BY[by]
    if by.startswith("root-"):
        joined = derivs.join(graph.roots, "model_id")
        return joined.mutate(group=joined[column].fill_null(UNKNOWN), weight=joined.weight)
    joined = uploader_attributes(derivs, registry)
    return joined.mutate(group=joined[column].fill_null(UNKNOWN), weight=ibis.literal(1.0))


def monthly(graph: LineageGraph, registry: Registry, by: str = "root-country",
            start: date | None = None, end: date | None = None,
            relations: tuple[str, ...] | None = None) -> pd.DataFrame:
    """``month, group, derivatives, share, ci_low, ci_high, month_total, lineage``."""
    if by not in BY:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(BY)}")
    derivs = derivative_models(graph, relations).filter(lambda t: t.created_at.notnull())
    derivs = derivs.mutate(month=derivs.created_at.date().truncate("M"))
    if start is not None:
        derivs = derivs.filter(derivs.month >= date(start.year, start.month, 1))
    if end is not None:
        derivs = derivs.filter(derivs.month <= end)
    grouped = _grouped(graph, registry, derivs, by)
    counts = grouped.group_by("month", "group").agg(derivatives=grouped.weight.sum()).to_pandas()
    if counts.empty:
        raise EmptyResultError("no derivative models with a creation date in the selected Hub "
                               "snapshots and months")
    totals = derivs.group_by("month").agg(month_total=derivs.count()).to_pandas()
    frame = counts.merge(totals, on="month")
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["share"] = frame["derivatives"] / frame["month_total"]
    bounds = [wilson(d, t) for d, t in zip(frame["derivatives"], frame["month_total"], strict=True)]
    frame["ci_low"] = [b[0] for b in bounds]
    frame["ci_high"] = [b[1] for b in bounds]
    frame["lineage"] = graph.lineage_label
    frame = frame.sort_values(["month", "derivatives", "group"], ascending=[True, False, True])
    return frame[["month", "group", "derivatives", "share", "ci_low", "ci_high", "month_total",
                  "lineage"]].reset_index(drop=True)


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
