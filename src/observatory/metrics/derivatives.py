"""Q8: new derivatives per month, by whose base they are built on.

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

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.errors import EmptyResultError
from observatory.lineage.graph import LineageGraph
from observatory.metrics.common import UNKNOWN, wilson
from observatory.registry.hub import uploader_attributes
from observatory.registry.loader import Registry

BY = {"root-country": "root_country", "root-org": "root_org", "root-family": "root_family",
      "uploader-country": "country", "uploader-org": "org_name"}


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
