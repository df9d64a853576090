"""Hub model records -> ``hub_models`` rows, parsed once at the boundary.

Reads both spellings of a record: the API's camelCase JSON (``createdAt``, ``cardData``,
``downloadsAllTime``) and huggingface_hub's ``ModelInfo`` serialised with snake_case
(``created_at``, ``card_data``), as in ../shared/data/hf-model-tree. Fields this version does not
read are kept as JSON in ``extra``; missing fields are null; a field of the wrong type becomes
null and is reported as an issue; a record without a usable id is malformed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import yaml

RELATIONS = ("finetune", "adapter", "merge", "quantized")
# API name -> snake_case name; both are read.
ALIASES = {
    "createdAt": "created_at", "lastModified": "last_modified",
    "downloadsAllTime": "downloads_all_time", "cardData": "card_data",
    "modelId": "model_id", "trendingScore": "trending_score", "widgetData": "widget_data",
    "transformersInfo": "transformers_info", "usedStorage": "used_storage",
    "model-index": "model_index", "childrenModelCount": "children_model_count",
    "baseModels": "base_models_info", "evalResults": "eval_results",
    "inferenceProviderMapping": "inference_provider_mapping", "resourceGroup": "resource_group",
    "mask_token": "mask_token",
}
READ = {"id", "_id", "model_id", "author", "created_at", "last_modified", "likes", "downloads",
        "downloads_all_time", "pipeline_tag", "library_name", "card_data", "gated", "tags",
        "safetensors", "config"}
# Known fields that are large and not needed (file lists, widgets): not copied into ``extra``.
DROPPED = {"siblings", "widget_data", "spaces", "sha", "private", "disabled", "model_index",
           "transformers_info", "mask_token", "security_repo_status", "xet_enabled", "gguf",
           "inference", "inference_provider_mapping", "trending_score", "card",
           "eval_results", "children_model_count", "resource_group"}
EXPERT_KEYS = ("num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts")
TOP_K_KEYS = ("num_experts_per_tok", "num_experts_per_token", "moe_top_k", "top_k")
INT64_LIMIT = 2**63  # larger counts cannot be stored: null and reported


class MalformedRecord(ValueError):
    """The record cannot become a row (no id, not an object)."""


@dataclass
class Issues:
    """Problems met while reading records, for the manifest: counts by reason, a few examples."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, reason: str, model_id: str | None) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        self.examples.setdefault(reason, model_id or "(no id)")

    def merge(self, other: Issues) -> None:
        for reason, count in other.counts.items():
            self.counts[reason] = self.counts.get(reason, 0) + count
            self.examples.setdefault(reason, other.examples[reason])

    def as_dict(self) -> dict[str, Any]:
        return {"counts": dict(sorted(self.counts.items())), "examples": self.examples}


def _int(value: Any, name: str, issues: Issues, model_id: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        issues.add(f"{name}: not a number", model_id)
        return None
    if isinstance(value, float) and not value.is_integer():
        issues.add(f"{name}: not a whole number", model_id)
        return None
    if abs(value) >= INT64_LIMIT:
        issues.add(f"{name}: out of range", model_id)
        return None
    return int(value)


def _time(value: Any, name: str, issues: Issues, model_id: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        issues.add(f"{name}: not a date", model_id)
        return None
    try:
        parsed = datetime.fromisoformat(value)  # 3.11 reads the Hub's "...Z" form directly
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        issues.add(f"{name}: not a date", model_id)
        return None


def _str(value: Any, name: str, issues: Issues, model_id: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        issues.add(f"{name}: not a string", model_id)
        return None
    return value


def _card(value: Any, issues: Issues, model_id: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):  # ModelInfo.card_data serialised as its YAML text
        try:
            value = yaml.safe_load(value)
        except yaml.YAMLError:
            issues.add("card_data: unreadable YAML", model_id)
            return {}
    if not isinstance(value, dict):
        issues.add("card_data: not an object", model_id)
        return {}
    return value


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def declared_bases(tags: list[str], card: dict[str, Any]) -> tuple[list[str], str | None]:
    """Bases from card data and from ``base_model:[relation:]id`` tags (every source: the Hub
    derives the tags from the card, but either can list a base the other lacks); the relation
    from card data, else from the tags."""
    from_card = _str_list(card.get("base_model"))
    relation = card.get("base_model_relation")
    tagged, tag_relation = [], None
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:"):]
        head, _, tail = rest.partition(":")
        if head in RELATIONS and tail:
            tag_relation = tag_relation or head
            tagged.append(tail)
        elif rest and rest not in tagged:
            tagged.append(rest)
    bases = list(dict.fromkeys([*from_card, *tagged]))
    if not bases:
        return [], None
    relation = relation if relation in RELATIONS else tag_relation
    return bases, relation or "unknown"


def _object(value: Any, name: str, issues: Issues, model_id: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        issues.add(f"{name}: not an object", model_id)
        return {}
    return value


def _first_int(config: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = config.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < INT64_LIMIT:
            return value
    return None


def _licence(card: dict[str, Any], tags: list[str]) -> str | None:
    licence = card.get("license")
    if isinstance(licence, list):
        licence = licence[0] if licence else None
    if isinstance(licence, str) and licence:
        return licence
    return next((tag[len("license:"):] for tag in tags if tag.startswith("license:")), None)


def _gated(value: Any, issues: Issues, model_id: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        issues.add("gated: not a string", model_id)
        return None
    return value


# An API spelling is known when its snake_case name is read or dropped; others go to ``extra``.
KNOWN = READ | DROPPED | {api for api, snake in ALIASES.items() if snake in READ | DROPPED} | {"_id"}
_MISSING = object()


def _pick(rec: dict[str, Any], api_name: str, snake_name: str) -> Any:
    value = rec.get(api_name, _MISSING)
    return rec.get(snake_name) if value is _MISSING else value


def to_row(record: Any, snapshot_date: date, source: str, issues: Issues) -> dict[str, Any]:
    """One record -> one ``hub_models`` row (without snapshot_id)."""
    if not isinstance(record, dict):
        raise MalformedRecord(f"not an object ({type(record).__name__})")
    rec = record
    model_id = rec.get("id") or _pick(rec, "modelId", "model_id")
    if not isinstance(model_id, str) or not model_id.strip():
        raise MalformedRecord("no model id")
    raw_tags = rec.get("tags")
    tags = [t for t in raw_tags if type(t) is str] if isinstance(raw_tags, list) else []
    if raw_tags is not None and not isinstance(raw_tags, list):
        issues.add("tags: not a list", model_id)
    card = _card(_pick(rec, "cardData", "card_data"), issues, model_id)
    config = _object(rec.get("config"), "config", issues, model_id)
    safetensors = _object(rec.get("safetensors"), "safetensors", issues, model_id)
    bases, relation = (declared_bases(tags, card)
                       if "base_model" in card or any(t.startswith("base_model:") for t in tags)
                       else ([], None))
    architectures = _str_list(config.get("architectures")) if config else []
    experts = _first_int(config, EXPERT_KEYS) if config else None
    unknown = rec.keys() - KNOWN
    extra = {ALIASES.get(k, k): rec[k] for k in unknown} if unknown else None
    author = rec.get("author")
    model_type = config.get("model_type")
    return {
        "source": source,
        "snapshot_date": snapshot_date,
        "model_id": model_id,
        "author": (author if type(author) is str and author else
                   _str(author, "author", issues, model_id)
                   or (model_id.split("/")[0] if "/" in model_id else None)),
        "created_at": _time(_pick(rec, "createdAt", "created_at"), "created_at", issues, model_id),
        "last_modified": _time(_pick(rec, "lastModified", "last_modified"), "last_modified",
                               issues, model_id),
        "likes": _int(rec.get("likes"), "likes", issues, model_id),
        "downloads_30d": _int(rec.get("downloads"), "downloads", issues, model_id),
        "downloads_all_time": _int(_pick(rec, "downloadsAllTime", "downloads_all_time"),
                                   "downloads_all_time", issues, model_id),
        "pipeline_tag": _str(rec.get("pipeline_tag"), "pipeline_tag", issues, model_id),
        "library_name": _str(rec.get("library_name"), "library_name", issues, model_id),
        "licence": _licence(card, tags),
        "gated": _gated(rec.get("gated"), issues, model_id),
        "params_total": _int(safetensors.get("total"), "safetensors.total", issues, model_id)
        if safetensors else None,
        "params_active": None,
        "architecture": architectures[0] if architectures else None,
        "model_type": model_type if isinstance(model_type, str) else None,
        "num_experts": experts,
        # ``top_k`` is also a sampling setting in older configs: only read beside an expert count.
        "experts_per_token": _first_int(config, TOP_K_KEYS) if experts else None,
        "tags": tags,
        "base_models": bases,
        "base_relation": relation,
        "extra": json.dumps(extra, sort_keys=True, default=str) if extra else None,
    }
