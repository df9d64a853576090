"""Facts from a model's config.json and safetensors metadata: architecture, experts, parameters.

Active parameters of a mixture-of-experts model are estimated from its config: the routed
experts' weights (3 matrices of hidden x expert-intermediate per expert per MoE layer) count
only ``k / E`` of the time. For DeepSeek-V3 (671B total) this gives 37.5B, against the 37B
its authors state.
"""

from __future__ import annotations

from typing import Any

from observatory.sources.hub_records import EXPERT_KEYS, TOP_K_KEYS


def _int(config: dict[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = config.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def active_parameters(total: int | None, config: dict[str, Any]) -> int | None:
    experts, top_k = _int(config, *EXPERT_KEYS), _int(config, *TOP_K_KEYS)
    if total is None:
        return None
    if not experts or not top_k or top_k >= experts:
        return total  # dense
    hidden = _int(config, "hidden_size", "d_model")
    inner = _int(config, "moe_intermediate_size", "expert_intermediate_size",
                 "intermediate_size")
    layers = _int(config, "num_hidden_layers", "n_layers")
    if not (hidden and inner and layers):
        return None
    dense_layers = config.get("first_k_dense_replace") or 0
    expert_weights = (layers - int(dense_layers)) * experts * 3 * hidden * inner
    active = total - expert_weights * (experts - top_k) // experts
    return active if 0 < active <= total else None


def enrichment_row(model_id: str, info: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    safetensors = info.get("safetensors") if isinstance(info.get("safetensors"), dict) else {}
    total = safetensors.get("total") if isinstance(safetensors.get("total"), int) else None
    info_config = info.get("config") if isinstance(info.get("config"), dict) else {}
    merged = {**info_config, **config}
    architectures = merged.get("architectures")
    architecture = architectures[0] if isinstance(architectures, list) and architectures else None
    return {
        "model_id": model_id,
        "params_total": total,
        "params_active": active_parameters(total, merged),
        "architecture": architecture if isinstance(architecture, str) else None,
        "model_type": merged.get("model_type") if isinstance(merged.get("model_type"), str)
        else None,
        "num_experts": _int(merged, *EXPERT_KEYS),
        "experts_per_token": _int(merged, *TOP_K_KEYS),
    }


def fingerprint_row(model_id: str, info: dict[str, Any], config: dict[str, Any]) -> dict[str, Any] | None:
    """The ``hub_configs`` facts from a model's info (listing config with its tokenizer config,
    GGUF header, safetensors total) and its config.json, which wins where both tell."""
    from observatory.sources.hub_fingerprint import config_row

    info_config = info.get("config") if isinstance(info.get("config"), dict) else {}
    safetensors = info.get("safetensors") if isinstance(info.get("safetensors"), dict) else {}
    gguf = info.get("gguf") if isinstance(info.get("gguf"), dict) else None
    return config_row(model_id, {**info_config, **config}, gguf=gguf,
                      safetensors_total=safetensors.get("total"))
