"""The tree around one model: its ancestors up to the roots and every derivative below it, as
nested dicts (children sorted by downloads) for the terminal, JSON and the icicle chart."""

from __future__ import annotations

from typing import Any

import pandas as pd

from observatory.lineage.graph import LineageGraph, canonical_id, model_details
from observatory.lineage.walk import ancestors, descendants


def tree(graph: LineageGraph, model_id: str) -> dict[str, Any]:
    """The ancestors and descendants of a model as nested dicts (children sorted by downloads)."""
    model_id = canonical_id(graph, model_id)
    up, down = ancestors(graph.edges, model_id), descendants(graph.edges, model_id)
    details = model_details(graph, [model_id, *up["model_id"], *down["model_id"]]).set_index("model_id")

    def node(mid: str, relation: str | None = None, kind: str | None = None) -> dict[str, Any]:
        row = details.loc[mid] if mid in details.index else None
        return {"model_id": mid, "relation": relation, "kind": kind,
                "in_snapshot": row is not None,
                "downloads_30d": None if row is None or pd.isna(row["downloads_30d"])
                else int(row["downloads_30d"]),
                "created_at": None if row is None or pd.isna(row["created_at"])
                else pd.Timestamp(row["created_at"]).date().isoformat(),
                "children": []}

    nodes = {model_id: node(model_id)}
    for row in down.itertuples():
        nodes[row.model_id] = node(row.model_id, row.relation, row.kind)
    for row in down.itertuples():
        nodes[row.via]["children"].append(nodes[row.model_id])
    for item in nodes.values():
        item["children"].sort(key=lambda c: (-(c["downloads_30d"] or 0), c["model_id"]))
    parents = [{**node(r.model_id), "depth": int(r.depth), "child": r.via,
                "child_relation": r.relation, "kind": r.kind} for r in up.itertuples()]
    roots = graph.roots.filter(graph.roots.model_id == model_id).to_pandas()
    return {"model": nodes[model_id], "ancestors": parents,
            "roots": roots.drop(columns=["model_id"]).to_dict("records"),
            "descendants": len(down), "lineage": graph.lineage_label}


ROW_COLUMNS = ["position", "depth", "model_id", "relation", "kind", "via", "downloads_30d",
               "created_at", "in_snapshot", "is_root", "root_org", "root_country", "lineage"]


def tree_rows(found: dict[str, Any]) -> pd.DataFrame:
    """``tree``'s answer as one flat table (``lineage --format csv``): the ancestors from the
    farthest down, the model, then every descendant depth first in the tree's order. ``depth``
    counts steps from the model either way; ``via`` is the model next to it on the path (an
    ancestor's derivative, a descendant's parent) and ``relation`` how the lower of the two
    derives from the upper; roots carry their organisation and country."""
    roots = {root["root_id"]: root for root in found["roots"]}

    def row(node: dict[str, Any], position: str, depth: int, via: str | None,
            relation: str | None) -> dict[str, Any]:
        root = roots.get(node["model_id"])
        return {"position": position, "depth": depth, "model_id": node["model_id"],
                "relation": relation, "kind": node.get("kind"), "via": via,
                "downloads_30d": node.get("downloads_30d"), "created_at": node.get("created_at"),
                "in_snapshot": node.get("in_snapshot"), "is_root": root is not None,
                "root_org": root.get("root_org") if root else None,
                "root_country": root.get("root_country") if root else None,
                "lineage": found["lineage"]}

    rows = [row(parent, "ancestor", parent["depth"], parent["child"], parent["child_relation"])
            for parent in sorted(found["ancestors"], key=lambda p: (-p["depth"], p["model_id"]))]
    rows.append(row(found["model"], "model", 0, None, None))

    def below(node: dict[str, Any], depth: int) -> None:
        for child in node["children"]:
            rows.append(row(child, "descendant", depth, node["model_id"], child["relation"]))
            below(child, depth + 1)

    below(found["model"], 1)
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS)
    return frame.astype({"downloads_30d": "Int64"})
