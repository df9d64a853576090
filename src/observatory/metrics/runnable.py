"""Runnable builds of a model: the quantized repositories (GGUF, AWQ, GPTQ, EXL2, MLX,
bitsandbytes) built from it, with bits, parameters, storage and downloads."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from observatory.errors import EmptyResultError
from observatory.lineage.graph import LineageGraph, canonical_id, model_details
from observatory.lineage.walk import descendants

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
    details = model_details(graph, down["model_id"].tolist())
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
