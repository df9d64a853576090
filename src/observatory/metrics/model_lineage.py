"""One model's lineage: the tree around it (Q14 context), whose base it is (Q14), the burst
of derivatives after its release (Q9), and the quantized builds that make it runnable."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import ibis
import pandas as pd

from observatory.errors import EmptyResultError
from observatory.lineage.walk import ancestors, descendants
from observatory.metrics.lineage_graph import LineageGraph

QUANT_FORMATS = (  # first match wins; read from tags, library and the model id
    ("gguf", re.compile(r"gguf", re.I)),
    ("awq", re.compile(r"\bawq\b|[-_]awq", re.I)),
    ("gptq", re.compile(r"gptq", re.I)),
    ("exl2", re.compile(r"exl2", re.I)),
    ("mlx", re.compile(r"\bmlx\b|[-_]mlx", re.I)),
    ("bitsandbytes", re.compile(r"bnb|bitsandbytes|[48][-_]?bit", re.I)),
)
BITS = re.compile(r"(?i)(?:^|[-_.])(q\d(?:_k(?:_[sml])?|_\d)?|iq\d\w*|[2-8][-_]?bits?|int[48]"
                  r"|fp8|fp16|fp32|f16|bf16)(?:$|[-_.])")


def canonical_id(graph: LineageGraph, model_id: str) -> str:
    """The id as the snapshot spells it (the Hub compares ids case-insensitively)."""
    models = graph.models
    found = models.filter(models.model_id.lower() == model_id.lower()).select("model_id").to_pandas()
    if not found.empty:
        return str(found["model_id"].iloc[0])
    parents = graph.edges.filter(graph.edges.parent_id.lower() == model_id.lower())
    as_parent = parents.select("parent_id").limit(1).to_pandas()
    if not as_parent.empty:
        return str(as_parent["parent_id"].iloc[0])
    raise EmptyResultError(f"model {model_id!r} is not in the Hub snapshots (nor declared as a base); "
                           "import a Hub snapshot or a model-tree file that contains it")


def _details(graph: LineageGraph, ids: list[str]) -> pd.DataFrame:
    wanted = ibis.memtable(pd.DataFrame({"model_id": ids}, dtype="string"))
    models = graph.models.semi_join(wanted, "model_id")
    return models.select("model_id", "created_at", "downloads_30d", "downloads_all_time", "likes",
                         "tags", "library_name", "params_total", "extra").to_pandas()


def tree(graph: LineageGraph, model_id: str) -> dict[str, Any]:
    """The ancestors and descendants of a model as nested dicts (children sorted by downloads)."""
    model_id = canonical_id(graph, model_id)
    up, down = ancestors(graph.edges, model_id), descendants(graph.edges, model_id)
    details = _details(graph, [model_id, *up["model_id"], *down["model_id"]]).set_index("model_id")

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


def burst(graph: LineageGraph, model_id: str, days: int = 30) -> tuple[dict[str, Any], pd.DataFrame]:
    """Derivatives (at any depth) created within ``days`` of the model's creation, by relation,
    with their downloads; and the daily cumulative count for a chart."""
    model_id = canonical_id(graph, model_id)
    base = _details(graph, [model_id])
    if base.empty or pd.isna(base["created_at"].iloc[0]):
        raise EmptyResultError(f"{model_id}: no creation date in the Hub snapshots, so no burst "
                               "window can be set")
    released = pd.Timestamp(base["created_at"].iloc[0])
    down = descendants(graph.edges, model_id)
    rows = down.merge(_details(graph, down["model_id"].tolist()), on="model_id", how="left")
    dated = rows.dropna(subset=["created_at"])
    window = dated[pd.to_datetime(dated["created_at"]) <= released + timedelta(days=days)]
    by_relation = window.groupby("relation", dropna=False).agg(
        derivatives=("model_id", "count"),
        downloads_30d=("downloads_30d", _total),
        downloads_all_time=("downloads_all_time", _total),
    ).reset_index()
    day = (pd.to_datetime(window["created_at"]) - released).dt.days.clip(lower=0)
    daily = day.value_counts().sort_index().cumsum().rename("derivatives").rename_axis("day").reset_index()
    summary = {"model_id": model_id, "released": released.date().isoformat(), "days": days,
               "derivatives": len(window), "all_derivatives": len(down),
               "undated": int(len(rows) - len(dated)),
               "downloads_30d": _total(window["downloads_30d"]),
               "downloads_all_time": _total(window["downloads_all_time"]),
               "by_relation": by_relation.to_dict("records"), "lineage": graph.lineage_label}
    return summary, daily


def _total(values: pd.Series) -> int | None:
    """A sum that stays unknown (None) when no value is known, rather than 0."""
    known = values.dropna()
    return int(known.sum()) if len(known) else None


def quant_format(model_id: str, tags: list[str] | None, library: str | None) -> str:
    text = " ".join([model_id, library if isinstance(library, str) else "", *(tags or [])])
    return next((name for name, pattern in QUANT_FORMATS if pattern.search(text)), "other")


def _bits(model_id: str) -> str | None:
    found = BITS.search(model_id.rsplit("/", 1)[-1])
    if not found:
        return None
    bits = re.fullmatch(r"(\d)[-_]?bits?", found.group(1), re.I)
    return f"{bits.group(1)}-bit" if bits else found.group(1).upper()


def runnable(graph: LineageGraph, model_id: str) -> pd.DataFrame:
    """Runnable builds of the model (and builds of those): GGUF, AWQ, GPTQ, EXL2, MLX and
    bitsandbytes repositories, with bits, parameters, storage and downloads.

    A build is a descendant declared ``quantized`` or showing a build format in its tags, library
    or id: uploaders often declare a quantization as a ``finetune`` (every GGUF and MLX build in
    the real EXAONE-Deep tree does). Only build-of-build paths count: a quantization of someone's
    fine-tune is that fine-tune's build, not this model's."""
    model_id = canonical_id(graph, model_id)
    down = descendants(graph.edges, model_id)
    if down.empty:
        raise EmptyResultError(f"{model_id}: no models declare it as their base")
    details = _details(graph, down["model_id"].tolist())
    frame = down.merge(details, on="model_id", how="left")
    tags = frame["tags"].map(_as_list)
    frame["format"] = [quant_format(m, t, lib) for m, t, lib in
                       zip(frame["model_id"], tags, frame["library_name"], strict=True)]
    is_build = (frame["relation"] == "quantized") | (frame["format"] != "other")
    keep = {model_id}
    rows = []
    for index, row in frame[is_build].sort_values("depth").iterrows():
        if row["via"] in keep:
            keep.add(row["model_id"])
            rows.append(index)
    if not rows:
        raise EmptyResultError(f"{model_id}: none of its {len(down)} derivatives is a quantized build")
    frame = frame.loc[rows].copy()
    frame["bits"] = frame["model_id"].map(_bits)
    frame["storage_gb"] = frame["extra"].map(_used_storage_gb)
    frame["params_b"] = frame["params_total"].map(lambda p: None if pd.isna(p) else round(p / 1e9, 2))
    frame = frame.sort_values(["format", "downloads_30d", "model_id"], ascending=[True, False, True])
    return frame[["model_id", "format", "bits", "params_b", "storage_gb", "downloads_30d", "relation",
                  "depth", "via", "kind"]].reset_index(drop=True)


def _as_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [str(v) for v in value]


def _used_storage_gb(extra: Any) -> float | None:
    if not isinstance(extra, str):
        return None
    try:
        value = json.loads(extra).get("used_storage")
    except (ValueError, AttributeError):
        return None
    return round(value / 1e9, 2) if isinstance(value, int | float) else None
