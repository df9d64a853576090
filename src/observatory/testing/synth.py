"""Deterministic synthetic Hugging Face Hub model records for the fake Hub.

Model ``i`` of a universe of ``n`` models is a pure function of ``(seed, i, n)``: nothing is
materialised, a few small bounded caches only speed up the lookups of parents. Records use the
Hub API's camelCase wire names (``createdAt``, ``cardData``, ``downloadsAllTime``, ...).

Layout of the index space (it makes ``author=`` filters cheap to enumerate):

* indices are grouped in blocks of ``BLOCK`` (100); each block has ``ORG_SLOTS`` (15) slots held
  by real organisations from the registry (``org_aliases.csv``, kind ``hf``), one per
  ``(20*s)//3 + jitter`` offset, the rest are synthetic community users (``user12345``);
* one organisation slot per block is the block's *anchor*, always a base model; every
  ``FLAGSHIP_EVERY``-th block's anchor is a *flagship* (a big lab's popular base) that attracts
  many derivatives and huge download counts;
* community models are mostly derivatives (finetune 50 %, quantized 25 %, adapter 15 %, merge 10 %)
  of an earlier model: a recent flagship, an earlier anchor or a recent community model, at most
  3 levels deep; about 1.5 % point at a parent id that does not exist. A derivative inherits the
  family (architecture, model type, size, usually the licence) of its root.
* ``createdAt`` grows with the index (more models per day later, as on the Hub) with +-18 h of
  jitter, and a derivative is never older than its first parent.

Model names end with ``-<index in base 36>``, so ids are unique and an id maps back to its index.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

M64 = 0xFFFFFFFFFFFFFFFF
GOLDEN = 0x9E3779B97F4A7C15
INV53 = 1.0 / (1 << 53)

BLOCK = 100
ORG_SLOTS = 15
SLOT_JITTER = 6
SLOT_START = tuple((20 * s) // 3 for s in range(ORG_SLOTS))
SLOT_OF_OFFSET = tuple(max(s for s in range(ORG_SLOTS) if SLOT_START[s] <= off) for off in range(BLOCK))
FLAGSHIP_EVERY = 64
ORG_TABLE_SIZE = 1024

START = int(datetime(2022, 1, 1, tzinfo=UTC).timestamp())
END = int(datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC).timestamp())
START_DAY = START // 86400
DAY_STRINGS = tuple(
    (datetime(2022, 1, 1, tzinfo=UTC) + timedelta(days=d)).strftime("%Y-%m-%d")
    for d in range(END // 86400 - START_DAY + 2)
)
GROWTH = 1.5  # the rate of new models grows e^1.5 ~ 4.5x from 2022 to 2026
GROWTH_SCALE = math.expm1(GROWTH)

RELATIONS = ("finetune", "quantized", "adapter", "merge")
BIG_LABS = {"Qwen": 20, "google": 14, "microsoft": 12, "meta-llama": 12, "nvidia": 12, "mistralai": 8,
            "deepseek-ai": 6}
MID_LABS = {"facebook": 4, "allenai": 3, "HuggingFaceTB": 3, "ibm-granite": 3, "openai": 2,
            "black-forest-labs": 2, "stabilityai": 2, "THUDM": 2, "tiiuae": 2, "Salesforce": 2}
FLAGSHIP_LABS = ("Qwen", "meta-llama", "google", "mistralai", "deepseek-ai", "microsoft", "nvidia")


def splitmix64(x: int) -> int:
    """The splitmix64 finaliser: a fast bijective 64-bit integer hash."""
    z = (x + GOLDEN) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def b36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if value == 0:
        return "0"
    out = []
    while value:
        value, rem = divmod(value, 36)
        out.append(digits[rem])
    return "".join(reversed(out))


def iso(ts: int, ms: int) -> str:
    """Seconds since the epoch -> the Hub's ``2024-03-05T12:00:00.000Z``."""
    day, rest = divmod(ts, 86400)
    minute, second = divmod(rest, 60)
    return f"{DAY_STRINGS[day - START_DAY]}T{minute // 60:02d}:{minute % 60:02d}:{second:02d}.{ms:03d}Z"


# --------------------------------------------------------------------------------------------
# Families: architecture, model type, sizes (config dimensions), licences, pipeline.


@dataclass(frozen=True)
class Size:
    label: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    inter: int
    vocab: int
    experts: int = 0
    top_k: int = 0
    moe_inter: int = 0
    shared: int = 0

    @property
    def params(self) -> int:
        return _params(self)[0]

    @property
    def active(self) -> int:
        return _params(self)[1]


@lru_cache(maxsize=256)
def _params(s: Size) -> tuple[int, int]:
    """(total, active) parameter counts implied by the config dimensions."""
    head_dim = s.hidden // s.heads
    attn = s.hidden * s.heads * head_dim * 2 + s.hidden * s.kv_heads * head_dim * 2
    embed = 2 * s.vocab * s.hidden
    if s.experts:
        experts = (s.experts + s.shared) * 3 * s.hidden * s.moe_inter + s.hidden * s.experts
        active_mlp = (s.top_k + s.shared) * 3 * s.hidden * s.moe_inter
        total = embed + s.layers * (attn + experts + 2 * s.hidden) + s.hidden
        active = embed + s.layers * (attn + active_mlp + 2 * s.hidden) + s.hidden
        return total, active
    total = embed + s.layers * (attn + 3 * s.hidden * s.inter + 2 * s.hidden) + s.hidden
    return total, total


@dataclass(frozen=True)
class Family:
    key: str
    display: str
    model_type: str | None
    architectures: tuple[str, ...]
    pipeline_tag: str | None
    library: str | None
    sizes: tuple[Size, ...]
    licences: tuple[str, ...]
    since: str = "2022-01-01"
    llm: bool = True
    extra_tags: tuple[str, ...] = ("conversational",)
    expert_key: str | None = None  # config.json key for the number of routed experts
    config_json: bool = True  # a config.json exists (not for diffusers / RL repos)
    dtype: str = "BF16"
    max_positions: int = 32768
    rope_theta: float = 1000000.0

    @property
    def since_ts(self) -> int:
        return int(datetime.fromisoformat(self.since).replace(tzinfo=UTC).timestamp())


def _s(label: str, *dims: int) -> Size:
    return Size(label, *dims)


FAMILIES: tuple[Family, ...] = (
    Family("llama", "Llama", "llama", ("LlamaForCausalLM",), "text-generation", "transformers",
           (_s("1B", 2048, 16, 32, 8, 8192, 128256), _s("3B", 3072, 28, 24, 8, 8192, 128256),
            _s("8B", 4096, 32, 32, 8, 14336, 128256), _s("70B", 8192, 80, 64, 8, 28672, 128256)),
           ("llama3.1", "llama3.2", "llama3", "llama2"), "2022-06-01", max_positions=131072,
           rope_theta=500000.0),
    Family("qwen2", "Qwen2.5", "qwen2", ("Qwen2ForCausalLM",), "text-generation", "transformers",
           (_s("0.5B", 896, 24, 14, 2, 4864, 151936), _s("1.5B", 1536, 28, 12, 2, 8960, 151936),
            _s("7B", 3584, 28, 28, 4, 18944, 152064), _s("14B", 5120, 48, 40, 8, 13824, 152064),
            _s("32B", 5120, 64, 40, 8, 27648, 152064), _s("72B", 8192, 80, 64, 8, 29568, 152064)),
           ("apache-2.0", "other"), "2023-08-01"),
    Family("qwen3", "Qwen3", "qwen3", ("Qwen3ForCausalLM",), "text-generation", "transformers",
           (_s("0.6B", 1024, 28, 16, 8, 3072, 151936), _s("4B", 2560, 36, 32, 8, 9728, 151936),
            _s("8B", 4096, 36, 32, 8, 12288, 151936), _s("32B", 5120, 64, 64, 8, 25600, 151936)),
           ("apache-2.0",), "2025-04-29", max_positions=40960),
    Family("qwen3_moe", "Qwen3-MoE", "qwen3_moe", ("Qwen3MoeForCausalLM",), "text-generation",
           "transformers",
           (_s("30B-A3B", 2048, 48, 32, 4, 6144, 151936, 128, 8, 768),
            _s("235B-A22B", 4096, 94, 64, 4, 12288, 151936, 128, 8, 1536)),
           ("apache-2.0",), "2025-04-29", expert_key="num_experts", max_positions=40960),
    Family("qwen2_5_vl", "Qwen2.5-VL", "qwen2_5_vl", ("Qwen2_5_VLForConditionalGeneration",),
           "image-text-to-text", "transformers",
           (_s("3B", 2048, 36, 16, 2, 11008, 151936), _s("7B", 3584, 28, 28, 4, 18944, 152064)),
           ("apache-2.0", "other"), "2025-01-26", max_positions=128000),
    Family("mistral", "Mistral", "mistral", ("MistralForCausalLM",), "text-generation", "transformers",
           (_s("7B", 4096, 32, 32, 8, 14336, 32768), _s("24B", 5120, 40, 32, 8, 32768, 131072)),
           ("apache-2.0",), "2023-09-27"),
    Family("mixtral", "Mixtral", "mixtral", ("MixtralForCausalLM",), "text-generation", "transformers",
           (_s("8x7B", 4096, 32, 32, 8, 14336, 32000, 8, 2, 14336),
            _s("8x22B", 6144, 56, 48, 8, 16384, 32768, 8, 2, 16384)),
           ("apache-2.0",), "2023-12-11", expert_key="num_local_experts"),
    Family("gemma2", "gemma-2", "gemma2", ("Gemma2ForCausalLM",), "text-generation", "transformers",
           (_s("2b", 2304, 26, 8, 4, 9216, 256000), _s("9b", 3584, 42, 16, 8, 14336, 256000),
            _s("27b", 4608, 46, 32, 16, 36864, 256000)),
           ("gemma",), "2024-06-27", max_positions=8192, rope_theta=10000.0),
    Family("gemma3", "gemma-3", "gemma3", ("Gemma3ForConditionalGeneration",), "image-text-to-text",
           "transformers",
           (_s("4b", 2560, 34, 8, 4, 10240, 262208), _s("12b", 3840, 48, 16, 8, 15360, 262208),
            _s("27b", 5376, 62, 32, 16, 21504, 262208)),
           ("gemma",), "2025-03-12", max_positions=131072),
    Family("deepseek_v3", "DeepSeek-V3", "deepseek_v3", ("DeepseekV3ForCausalLM",), "text-generation",
           "transformers", (_s("671B", 7168, 61, 128, 128, 18432, 129280, 256, 8, 2048, 1),),
           ("mit", "other"), "2024-12-26", ("conversational", "custom_code", "fp8"),
           expert_key="n_routed_experts", max_positions=163840, rope_theta=10000.0),
    Family("phi3", "Phi-3", "phi3", ("Phi3ForCausalLM",), "text-generation", "transformers",
           (_s("mini", 3072, 32, 32, 32, 8192, 32064), _s("medium", 5120, 40, 40, 10, 17920, 100352)),
           ("mit",), "2024-04-23", max_positions=131072, rope_theta=10000.0),
    Family("nemotron", "Nemotron", "nemotron", ("NemotronForCausalLM",), "text-generation",
           "transformers",
           (_s("4B", 3072, 32, 24, 8, 9216, 256000), _s("8B", 4096, 32, 32, 8, 16384, 256000)),
           ("other",), "2024-07-01", max_positions=4096, rope_theta=10000.0),
    Family("gpt_oss", "gpt-oss", "gpt_oss", ("GptOssForCausalLM",), "text-generation", "transformers",
           (_s("20b", 2880, 24, 64, 8, 2880, 201088, 32, 4, 2880),
            _s("120b", 2880, 36, 64, 8, 2880, 201088, 128, 4, 2880)),
           ("apache-2.0",), "2025-08-05", expert_key="num_local_experts", max_positions=131072,
           rope_theta=150000.0),
    Family("olmo2", "OLMo-2", "olmo2", ("Olmo2ForCausalLM",), "text-generation", "transformers",
           (_s("7B", 4096, 32, 32, 32, 11008, 100352), _s("13B", 5120, 40, 40, 40, 13824, 100352)),
           ("apache-2.0",), "2024-11-26", max_positions=4096, rope_theta=500000.0),
    Family("granite", "granite-3.1", "granite", ("GraniteForCausalLM",), "text-generation",
           "transformers", (_s("2b", 2048, 40, 32, 8, 8192, 49155), _s("8b", 4096, 40, 32, 8, 12800, 49155)),
           ("apache-2.0",), "2024-10-21", max_positions=131072, rope_theta=10000000.0),
    Family("gpt2", "gpt2", "gpt2", ("GPT2LMHeadModel",), "text-generation", "transformers",
           (_s("small", 768, 12, 12, 12, 3072, 50257), _s("medium", 1024, 24, 16, 16, 4096, 50257)),
           ("mit", "apache-2.0"), extra_tags=(), dtype="F32", max_positions=1024, rope_theta=0.0),
    Family("bert", "bert", "bert", ("BertModel",), "feature-extraction", "sentence-transformers",
           (_s("base", 768, 12, 12, 12, 3072, 30522), _s("large", 1024, 24, 16, 16, 4096, 30522)),
           ("apache-2.0", "mit"), llm=False, extra_tags=("sentence-similarity",), dtype="F32",
           max_positions=512, rope_theta=0.0),
    Family("roberta_cls", "roberta", "xlm-roberta", ("XLMRobertaForSequenceClassification",),
           "text-classification", "transformers",
           (_s("base", 768, 12, 12, 12, 3072, 250002), _s("large", 1024, 24, 16, 16, 4096, 250002)),
           ("mit", "apache-2.0"), llm=False, extra_tags=(), dtype="F32", max_positions=514,
           rope_theta=0.0),
    Family("vit", "vit", "vit", ("ViTForImageClassification",), "image-classification", "transformers",
           (_s("base", 768, 12, 12, 12, 3072, 0),), ("apache-2.0",), llm=False, extra_tags=(),
           dtype="F32", max_positions=0, rope_theta=0.0),
    Family("whisper", "whisper", "whisper", ("WhisperForConditionalGeneration",),
           "automatic-speech-recognition", "transformers",
           (_s("small", 768, 24, 12, 12, 3072, 51865), _s("large-v3", 1280, 64, 20, 20, 5120, 51866)),
           ("apache-2.0",), "2022-09-21", llm=False, extra_tags=(), dtype="F16", max_positions=448,
           rope_theta=0.0),
    Family("flux", "FLUX.1", None, (), "text-to-image", "diffusers",
           (_s("dev", 3072, 57, 24, 24, 12288, 0),), ("other",), "2024-08-01", llm=False,
           extra_tags=(), config_json=False),
    Family("sdxl", "sdxl", None, (), "text-to-image", "diffusers",
           (_s("base", 1280, 70, 20, 20, 5120, 0),), ("openrail++", "creativeml-openrail-m"), llm=False,
           extra_tags=(), config_json=False, dtype="F16"),
    Family("rl", "ppo", None, (), "reinforcement-learning", "stable-baselines3",
           (_s("agent", 64, 2, 1, 1, 64, 0),), ("mit",), llm=False, extra_tags=(), config_json=False),
)
FAMILY = {f.key: i for i, f in enumerate(FAMILIES)}

# organisation -> (family, weight); families unreleased at the model's date are skipped.
ORG_FAMILIES: dict[str, tuple[tuple[str, int], ...]] = {
    "Qwen": (("qwen2", 4), ("qwen3", 4), ("qwen3_moe", 2), ("qwen2_5_vl", 2), ("llama", 1)),
    "meta-llama": (("llama", 1),),
    "facebook": (("llama", 1), ("roberta_cls", 1), ("vit", 1)),
    "deepseek-ai": (("deepseek_v3", 3), ("qwen2", 2), ("llama", 1)),
    "google": (("gemma3", 3), ("gemma2", 3), ("bert", 1), ("vit", 1)),
    "mistralai": (("mistral", 3), ("mixtral", 1)),
    "microsoft": (("phi3", 3), ("roberta_cls", 1), ("llama", 1)),
    "nvidia": (("nemotron", 2), ("llama", 2), ("qwen2", 1)),
    "openai": (("gpt_oss", 3), ("whisper", 2), ("gpt2", 1)),
    "black-forest-labs": (("flux", 1),),
    "stabilityai": (("sdxl", 1),),
    "allenai": (("olmo2", 1), ("llama", 1)),
    "ibm-granite": (("granite", 1),),
    "HuggingFaceTB": (("llama", 1),),
}
GENERIC_ORG_FAMILIES = (("llama", 6), ("qwen2", 4), ("mistral", 3), ("qwen3", 3), ("qwen3_moe", 1),
                        ("mixtral", 1), ("bert", 2), ("roberta_cls", 1), ("gemma2", 1))
COMMUNITY_ROOT_FAMILIES = (("gpt2", 3), ("bert", 3), ("roberta_cls", 4), ("vit", 2), ("rl", 3),
                           ("llama", 2), ("whisper", 1))
MOE_FAMILIES = frozenset(i for i, f in enumerate(FAMILIES) if f.sizes[0].experts)

ORG_VARIANTS = ("", "-Instruct", "-Base", "-Instruct", "-Chat", "", "-Instruct", "-it")
COMMUNITY_TOPICS = ("imdb", "sst2", "ner", "tiny", "scratch", "emotion", "squad", "custom")
SUFFIXES = {
    "finetune": ("-sft", "-dpo", "-finetuned", "-chat", "-uncensored", "-v2", "-grpo", "-orpo",
                 "-lora-merged", "-it"),
    "quantized": ("-GGUF", "-Q4_K_M-GGUF", "-4bit", "-mlx-4Bit", "-bnb-4bit", "-AWQ", "-GGUF",
                  "-8bit"),
    "adapter": ("-lora", "-qlora", "-adapter", "-peft-lora"),
    "merge": ("-merge", "-slerp", "-ties", "-dare-ties"),
}
COMMUNITY_LICENCES = ("apache-2.0", "mit", "other", "cc-by-nc-4.0", "cc-by-4.0", "openrail",
                      "gpl-3.0", "bsd-3-clause", "llama3.1", "unknown")
LANGUAGES = (("en",), ("en", "zh"), ("en", "fr", "de", "es"), ("ko", "en"), ("ja",), ("ru",),
             ("en", "multilingual"))


def _weighted(pairs: tuple[tuple[str, int], ...]) -> tuple[tuple[int, int], ...]:
    return tuple((FAMILY[key], weight) for key, weight in pairs)


@lru_cache(maxsize=1)
def hf_organisations() -> tuple[str, ...]:
    """The registry's Hugging Face organisation namespaces (``org_aliases.csv``, kind ``hf``)."""
    text = resources.files("observatory.registry").joinpath("data/org_aliases.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    names = [row["alias"].strip() for row in rows if row.get("kind", "").strip() == "hf"]
    return tuple(dict.fromkeys(n for n in names if n))


# Every ``expand`` value the real Hub accepts (huggingface_hub's ExpandModelProperty_T). Those this
# generator does not synthesise (baseModels, childrenModelCount, spaces, ...) are accepted and absent.
HUB_EXPAND = ("author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt",
              "disabled", "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
              "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
              "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings",
              "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage", "widgetData")
# What synthetic_model returns besides _id and id: every list field this generator synthesises.
RECORD_FIELDS = ("author", "cardData", "config", "createdAt", "disabled", "downloads", "downloadsAllTime",
                 "gated", "gguf", "lastModified", "library_name", "likes", "pipeline_tag", "private",
                 "safetensors", "sha", "tags", "trendingScore", "usedStorage")
# /api/models without expand: the Hub's default list fields.
LIST_DEFAULT_FIELDS = ("likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
                       "library_name", "createdAt", "modelId")
# /api/models/{id} without expand.
INFO_DEFAULT_FIELDS = ("private", "pipeline_tag", "library_name", "tags", "downloads", "likes", "modelId",
                       "author", "sha", "lastModified", "gated", "disabled", "config", "cardData",
                       "siblings", "createdAt", "safetensors", "usedStorage", "gguf")


# --------------------------------------------------------------------------------------------
# The universe of one (seed, n).


class Lineage(NamedTuple):
    relation: str | None  # None for a base model
    parents: tuple[int | str, ...]  # earlier indices, or a missing parent's id
    root: int  # index of the root base model, -1 when the chain ends at a missing parent
    depth: int
    family: int
    size: int
    licence: str | None
    created: int  # seconds since the epoch
    org: int  # index into the organisation list, -1 for community users
    flagship: bool
    quant: str | None  # gguf, mlx, bnb or awq for quantized models


class Model(NamedTuple):
    """Every value of one model's record; each field's JSON is built from these."""

    i: int
    id: str
    author: str
    oid: str
    created: int  # seconds since the epoch
    created_at: str  # the same, as the Hub writes it
    last_modified: str
    downloads: int
    downloads_all: int
    likes: int
    trending: int
    relation: str | None
    parents: tuple[str, ...]  # parent ids (a missing parent's id too)
    family: int
    size: int
    quant: str | None
    licence: str | None
    library: str | None
    pipeline: str | None
    gated: bool | str
    card: int  # -1: no model card, else CARD_* flags
    card_tags: int  # index into CARD_TAGS
    dtype: str | None  # safetensors dtype, "quant" for packed weights, None: no safetensors
    imatrix: bool
    org: int


CARD_BASE_LIST = 1
CARD_RELATION = 2
CARD_PIPELINE = 4
CARD_LANGUAGE_SHIFT = 3  # (language index + 1) << 3, 0: no language
CARD_TAGS: tuple[tuple[str, ...], ...] = ((), ("trl", "sft"), ("unsloth", "trl"),
                                          ("llama-cpp", "gguf-my-repo"), ("mlx", "mlx-my-repo"), ("lora",),
                                          ("mergekit", "merge"))
PLACEHOLDERS = ("@@0@@", "@@1@@", "@@2@@")
PLACEHOLDER_RE = re.compile(r"@@(\d)@@")
LLM_FAMILIES = tuple(k for k, f in enumerate(FAMILIES) if f.llm)


def _era_tables(pairs: tuple[tuple[int, int], ...], eras: tuple[int, ...],
                fallback: list[tuple[tuple[int, ...], tuple[int, ...]]] | None
                ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """For each era (families released by then): cumulative weights and families."""
    out = []
    for k, era in enumerate(eras):
        cum, fams, total = [], [], 0
        for fam, weight in pairs:
            if FAMILIES[fam].since_ts <= era:
                total += weight
                cum.append(total)
                fams.append(fam)
        out.append((tuple(cum), tuple(fams)) if fams or fallback is None else fallback[k])
    return out


class Universe:
    """All models of one ``(seed, n)``; get one with :func:`universe` (cached)."""

    def __init__(self, seed: int, n: int) -> None:
        if n < 0:
            raise ValueError("the number of models must be >= 0")
        self.seed, self.n = seed, n
        base = splitmix64(seed & M64)
        self.k_model, self.k_pick, self.k_parent, self.k_block, self.k_sha, self.k_counts = (
            splitmix64(base ^ salt) for salt in (0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666))
        self.flag_offset = splitmix64(base ^ 0x7777) % FLAGSHIP_EVERY
        self.orgs = hf_organisations()
        self.org_table = self._org_table(seed)
        self.k1 = (splitmix64(base ^ 0x8888) % ORG_TABLE_SIZE) | 1
        self.k2 = (splitmix64(base ^ 0x9999) % ORG_TABLE_SIZE) | 1
        self.flagship_orgs = tuple(self.orgs.index(o) for o in FLAGSHIP_LABS if o in self.orgs)
        self.eras = tuple(sorted({f.since_ts for f in FAMILIES} | {START}))
        generic = _era_tables(_weighted(GENERIC_ORG_FAMILIES), self.eras, None)
        self.org_families = [
            _era_tables(_weighted(ORG_FAMILIES[name]), self.eras, generic) if name in ORG_FAMILIES
            else generic for name in self.orgs]
        self.community_families = _era_tables(_weighted(COMMUNITY_ROOT_FAMILIES), self.eras, generic)
        self.users = max(50, n // 6)
        self.stems = [[f"{f.display}-{s.label}" for s in f.sizes] for f in FAMILIES]
        self.lower_stems = [[f"{f.display.lower()}-{s.label.lower()}" for s in f.sizes] for f in FAMILIES]
        self.block_hash = lru_cache(maxsize=1 << 16)(self._block_hash)
        self.lineage = lru_cache(maxsize=1 << 16)(self._lineage)
        self.model_id = lru_cache(maxsize=1 << 16)(self._model_id)
        self.fragments: dict[str, dict[tuple[Any, ...], tuple[str | int, ...]]] = {}

    def _org_table(self, seed: int) -> tuple[int, ...]:
        """ORG_TABLE_SIZE organisation slots in proportion to the weights, shuffled by seed."""
        weights = [BIG_LABS.get(name) or MID_LABS.get(name) or 1 for name in self.orgs]
        total = sum(weights)
        quotas = [w * ORG_TABLE_SIZE / total for w in weights]
        counts = [max(1, int(q)) for q in quotas]
        by_remainder = sorted(range(len(quotas)), key=lambda k: int(quotas[k]) - quotas[k])
        k = 0
        while sum(counts) < ORG_TABLE_SIZE:
            counts[by_remainder[k % len(counts)]] += 1
            k += 1
        while sum(counts) > ORG_TABLE_SIZE:
            counts[max(range(len(counts)), key=counts.__getitem__)] -= 1
        table = [j for j, c in enumerate(counts) for _ in range(c)]
        random.Random(seed).shuffle(table)
        return tuple(table)

    # -- organisation slots ------------------------------------------------------------------

    def _block_hash(self, b: int) -> int:
        return splitmix64(self.k_block ^ b)

    def slot_org(self, b: int, s: int, bh: int) -> int:
        if s == (bh >> 60) % ORG_SLOTS and b % FLAGSHIP_EVERY == self.flag_offset:
            return self.flagship_orgs[(bh >> 20) % len(self.flagship_orgs)]
        return self.org_table[(b * self.k1 + s * self.k2) % ORG_TABLE_SIZE]

    @staticmethod
    def slot_index(b: int, s: int, bh: int) -> int:
        return b * BLOCK + SLOT_START[s] + ((bh >> (4 * s)) & 15) % SLOT_JITTER

    def anchor_index(self, b: int) -> int:
        bh = self.block_hash(b)
        s = (bh >> 60) % ORG_SLOTS
        return b * BLOCK + SLOT_START[s] + ((bh >> (4 * s)) & 15) % SLOT_JITTER

    def org_of(self, i: int) -> tuple[int, bool]:
        """(organisation index or -1 for a community user, whether ``i`` is its block's anchor)."""
        b, off = divmod(i, BLOCK)
        s = SLOT_OF_OFFSET[off]
        bh = self.block_hash(b)
        if off - SLOT_START[s] != ((bh >> (4 * s)) & 15) % SLOT_JITTER:
            return -1, False
        return self.slot_org(b, s, bh), s == (bh >> 60) % ORG_SLOTS

    def org_indices(self, org: int, start: int, stop: int) -> list[int]:
        """Indices in [start, stop) held by organisation ``org``, in order, without hashing models."""
        out: list[int] = []
        stop = min(stop, self.n)
        for b in range(start // BLOCK, -(-stop // BLOCK)):
            bh = self.block_hash(b)
            for s in range(ORG_SLOTS):
                if self.slot_org(b, s, bh) == org:
                    i = b * BLOCK + SLOT_START[s] + ((bh >> (4 * s)) & 15) % SLOT_JITTER
                    if start <= i < stop:
                        out.append(i)
        return out

    def is_org_base(self, j: int, anchor: bool) -> bool:
        """Whether organisation slot ``j`` holds a base model (the rule used in ``_lineage``)."""
        return anchor or j < BLOCK or (splitmix64(self.k_model ^ j) & 0xFFFF) < 49152

    def namespace(self, i: int) -> str:
        org, _ = self.org_of(i)
        if org >= 0:
            return self.orgs[org]
        u = (splitmix64(self.k_model ^ i) >> 11) * INV53
        return f"user{10000 + int(self.users * u * u)}"

    # -- lineage ------------------------------------------------------------------------------

    def base_time(self, i: int, hv: int) -> int:
        x = (i + 0.5) / self.n
        frac = math.log1p(x * GROWTH_SCALE) / GROWTH
        jitter = ((hv >> 40) & 0xFFFF) / 65536.0 - 0.5
        t = START + int(frac * (END - START) + jitter * 129600)
        return START if t < START else END if t > END else t

    def _base(self, i: int, hv: int, org: int, flagship: bool) -> Lineage:
        created = self.base_time(i, hv)
        pick = splitmix64(self.k_pick ^ i)
        tables = self.org_families[org] if org >= 0 else self.community_families
        cum, fams = tables[bisect_right(self.eras, created) - 1]
        fam = fams[bisect_right(cum, (pick & 0xFFFF) % cum[-1])]
        family = FAMILIES[fam]
        n_sizes = len(family.sizes)
        size = (pick >> 16) % n_sizes
        if org < 0 and size == n_sizes - 1 and n_sizes > 1 and (pick >> 24) & 1:
            size = 0  # the community trains small models
        if org >= 0 or (pick >> 26) & 3:
            licence: str | None = family.licences[(pick >> 28) % len(family.licences)]
        else:
            licence = COMMUNITY_LICENCES[(pick >> 28) % len(COMMUNITY_LICENCES)]
            if licence == "unknown":
                licence = None
        return Lineage(None, (), i, 0, fam, size, licence, created, org, flagship, None)

    def _earlier_parent(self, i: int, b: int, r: int, relation: str) -> int:
        """An earlier model for ``i`` to derive from; ``r`` holds 64 random bits."""
        choice = r & 0xFF
        u = ((r >> 8) & 0xFFFFFF) / 16777216.0
        if relation == "quantized":  # quantizers follow new releases
            choice = 0 if choice < 150 else 200
        last_flag = (b - self.flag_offset - 1) // FLAGSHIP_EVERY
        if choice < 110 and last_flag >= 0:  # a recent flagship (43 %)
            k = int(-math.log(1.0 - u) * 6)
            k = k if k < last_flag else last_flag
            return self.anchor_index((last_flag - k) * FLAGSHIP_EVERY + self.flag_offset)
        if choice < 200:  # an earlier block's anchor (35 %), recent blocks favoured
            return self.anchor_index(b - 1 - int(u * u * b))
        window = i if i < 20000 else 20000
        return i - 1 - int(u * u * window)  # a recent model (22 %)

    def _lineage(self, i: int) -> Lineage:
        hv = splitmix64(self.k_model ^ i)
        b, off = divmod(i, BLOCK)
        s = SLOT_OF_OFFSET[off]
        bh = self.block_hash(b)
        anchor = False
        org = -1
        if off - SLOT_START[s] == ((bh >> (4 * s)) & 15) % SLOT_JITTER:
            org = self.slot_org(b, s, bh)
            anchor = s == (bh >> 60) % ORG_SLOTS
        roll = hv & 0xFFFF
        if anchor or b == 0:
            return self._base(i, hv, org, anchor and b % FLAGSHIP_EVERY == self.flag_offset)
        if org >= 0:
            if roll < 49152:  # 75 % of organisation models are bases
                return self._base(i, hv, org, False)
            relation = "finetune" if roll < 60000 else "quantized"
        else:
            if roll < 13107:  # 20 % of community models are trained from scratch
                return self._base(i, hv, org, False)
            r = roll - 13107  # then finetune 50 %, quantized 25 %, adapter 15 %, merge 10 %
            relation = ("finetune" if r < 26214 else "quantized" if r < 39321
                        else "adapter" if r < 47185 else "merge")
        pr = splitmix64(self.k_parent ^ i)
        if org < 0 and (pr >> 54) < 16:  # ~1.5 %: the declared parent does not exist
            return self._missing_parent(i, hv, pr, relation)
        parents: list[int] = []
        for k in range(1 if relation != "merge" else 2 + ((pr >> 50) & 1)):
            r = pr if k == 0 else splitmix64(pr ^ k)
            p = -1
            if org >= 0 and k == 0 and (r >> 40) & 3:
                p = self._same_org_base(org, b)
            if p < 0:
                p = self._earlier_parent(i, b, r, relation)
            plin = self.lineage(p)
            if plin.depth >= 3 or (plin.root < 0 and plin.depth >= 2):
                p = plin.root if plin.root >= 0 else self.anchor_index(b - 1)
            if p not in parents:
                parents.append(p)
        first = self.lineage(parents[0])
        fam = first.family
        family = FAMILIES[fam]
        quant = None
        if relation == "merge" and len(parents) < 2:
            relation = "finetune"
        elif relation == "quantized":
            if family.llm:
                q = (hv >> 16) & 7
                quant = "gguf" if q < 4 else "mlx" if q < 5 else "bnb" if q < 7 else "awq"
            else:
                relation = "finetune"
        elif relation == "adapter" and family.library == "sentence-transformers":
            relation = "finetune"
        depth = first.depth
        latest = first.created
        for p in parents[1:]:
            plin = self.lineage(p)
            depth = plin.depth if plin.depth > depth else depth
            latest = plin.created if plin.created > latest else latest
        created = self.base_time(i, hv)
        earliest = latest + 3600 + ((hv >> 20) & 0xFFFFF) % 1209600
        created = min(max(created, earliest), END)
        licence = first.licence
        if org < 0 and (hv >> 56) < 20:  # ~8 %: the community author picks another licence
            licence = COMMUNITY_LICENCES[(hv >> 24) % len(COMMUNITY_LICENCES)]
            if licence == "unknown":
                licence = None
        return Lineage(relation, tuple(parents), first.root, depth + 1, fam, first.size, licence, created,
                       org, False, quant)

    def _same_org_base(self, org: int, b: int) -> int:
        for pb in range(b - 1, max(b - 5, -1), -1):
            bh = self.block_hash(pb)
            anchor_slot = (bh >> 60) % ORG_SLOTS
            for s in range(ORG_SLOTS):
                if self.slot_org(pb, s, bh) == org:
                    j = self.slot_index(pb, s, bh)
                    if self.is_org_base(j, s == anchor_slot):
                        return j
        return -1

    def _missing_parent(self, i: int, hv: int, pr: int, relation: str) -> Lineage:
        fam = LLM_FAMILIES[(pr >> 8) % len(LLM_FAMILIES)]
        family = FAMILIES[fam]
        size = (pr >> 16) % len(family.sizes)
        ghost = (f"removed-{(pr >> 24) % 1000}/{self.stems[fam][size]}"
                 f"-gone{b36(pr & 0xFFFFF)}")
        licence = family.licences[(pr >> 32) % len(family.licences)]
        relation = "finetune" if relation == "merge" else relation
        quant = "gguf" if relation == "quantized" else None
        return Lineage(relation, (ghost,), -1, 1, fam, size, licence, self.base_time(i, hv), -1, False,
                       quant)

    # -- ids ----------------------------------------------------------------------------------

    def _model_id(self, i: int) -> str:
        lin = self.lineage(i)
        hv = splitmix64(self.k_model ^ i)
        if lin.org >= 0:
            namespace = self.orgs[lin.org]
        else:
            u = (hv >> 11) * INV53
            namespace = f"user{10000 + int(self.users * u * u)}"
        pick = (hv >> 44) & 0xFF
        if lin.relation is None:
            if lin.org >= 0:
                stem = self.stems[lin.family][lin.size] + ORG_VARIANTS[pick % len(ORG_VARIANTS)]
            else:
                stem = f"{self.lower_stems[lin.family][lin.size]}-{COMMUNITY_TOPICS[pick % 8]}"
        else:
            quant = lin.quant
            if quant is None:
                options = SUFFIXES[lin.relation]
                suffix = options[pick % len(options)]
            else:
                suffix = QUANT_SUFFIXES[quant][pick & 1]
            stem = self.stems[lin.family][lin.size] + suffix
        return f"{namespace}/{stem}-{b36(i)}"

    def index_of(self, model_id: str) -> int | None:
        """The index of an existing model id (compared case-insensitively, as the Hub does), or None."""
        _, _, token = model_id.rpartition("-")
        if not token or not token.isalnum() or len(token) > 12:
            return None
        i = int(token, 36)
        if not 0 <= i < self.n:
            return None
        canonical = self.model_id(i)
        return i if canonical.lower() == model_id.lower() else None

    # -- records ------------------------------------------------------------------------------

    def model(self, i: int) -> Model:
        """All values of model ``i`` (0 <= i < n)."""
        lin = self.lineage(i)
        hv = splitmix64(self.k_model ^ i)
        h2 = splitmix64(self.k_counts ^ i)
        model_id = self.model_id(i)
        relation, quant, org, fam = lin.relation, lin.quant, lin.org, lin.family
        family = FAMILIES[fam]
        created = lin.created
        # downloads (30 days): Pareto tails, flagships and organisation bases far above the rest
        u1 = ((h2 >> 11) + 1) * INV53
        if lin.flagship:
            downloads = int(200000 * u1 ** (-1 / 1.4))
        elif relation is None and org >= 0:
            downloads = int(300 * u1 ** (-1 / 1.1))
        elif (h2 & 0xFF) < 90:  # ~35 % of community models: no downloads this month
            downloads = 0
        else:
            downloads = int(u1 ** (-1 / 0.85)) - 1
            if quant is not None:
                downloads *= 3
        downloads = min(downloads, 80_000_000)
        age_months = (END - created) // 2_592_000
        growth = 1.0 + age_months * (0.3 + ((h2 >> 8) & 0xFF) / 160.0)
        downloads_all = int(downloads * growth) + (int((h2 >> 16) & 0x3F) if age_months else 0)
        v = ((h2 >> 24) & 0xFFFF) / 65536.0
        likes = int(downloads ** 0.62 * v * v * (3.0 if relation is None and org >= 0 else 1.0))
        trending = int(likes / (1 + (END - created) / 604800.0))
        days = (h2 >> 40) & 0xFF
        modified = created + (0 if days < 60 else int((days - 60) ** 1.6 * 3600)) + ((h2 >> 48) & 0xFFF)
        modified = modified if modified < END else END
        # library, pipeline, gating
        if relation == "adapter":
            library = "peft" if family.library != "diffusers" else "diffusers"
        elif quant == "gguf":
            library = "gguf" if (hv >> 50) & 3 else None
        elif quant == "mlx":
            library = "mlx"
        elif relation is None and org < 0 and (hv >> 52) & 15 == 0:
            library = None
        else:
            library = family.library
        pipeline = None if relation is not None and (hv >> 54) & 31 == 0 else family.pipeline_tag
        g = (h2 >> 60) & 15
        gated: bool | str = False
        if relation is None and org >= 0:
            if self.orgs[org] in GATING_ORGS and g < 11:
                gated = "manual" if g < 6 else "auto"
            elif g == 0:
                gated = "auto"
        elif g == 0 and (h2 & 0x300) == 0:
            gated = "auto"
        parents = tuple(p if isinstance(p, str) else self.model_id(p) for p in lin.parents)
        # model card
        if relation is not None and org < 0 and (h2 >> 36) & 15 == 0:
            card = -1
        else:
            card = 0
            if relation is not None:
                if len(parents) > 1 or (hv >> 58) & 1:
                    card |= CARD_BASE_LIST
                if (hv >> 59) % 5 < 3:
                    card |= CARD_RELATION
            if pipeline and (h2 >> 34) & 1:
                card |= CARD_PIPELINE
            if family.llm and (h2 >> 33) & 1:
                card |= ((h2 >> 30) % len(LANGUAGES) + 1) << CARD_LANGUAGE_SHIFT
        if relation == "merge":
            card_tags = 6
        elif relation == "finetune" and family.llm and (hv >> 46) & 1:
            card_tags = 1 + ((hv >> 47) & 1)
        elif quant == "gguf":
            card_tags = 3
        elif quant == "mlx":
            card_tags = 4
        elif relation == "adapter":
            card_tags = 5
        else:
            card_tags = 0
        # safetensors
        dtype: str | None
        if relation == "adapter" or quant == "gguf" or family.key == "rl":
            dtype = None
        elif relation is None and org < 0 and (hv >> 52) & 15 < 2:
            dtype = None  # an old pickled checkpoint
        elif quant is not None:
            dtype = "quant"
        else:
            dtype = family.dtype
            if relation is not None and (h2 >> 28) & 3 == 0:
                dtype = "F16" if dtype != "F16" else "F32"
        return Model(i, model_id, model_id.partition("/")[0], f"{created:08x}{hv:016x}", created,
                     iso(created, (hv >> 8) % 1000), iso(modified, (h2 >> 52) % 1000), downloads,
                     downloads_all, likes, trending, relation, parents, fam, lin.size, quant, lin.licence,
                     library, pipeline, gated, card, card_tags, dtype,
                     quant == "gguf" and bool((hv >> 48) & 1), org)

    def sha(self, i: int) -> str:
        k = self.k_sha ^ i
        a, b = splitmix64(k), splitmix64(k ^ 0xFFFF)
        return f"{a:016x}{b:016x}{(a ^ b) >> 32:08x}"

    # -- JSON ---------------------------------------------------------------------------------

    def encoder(self, fields: Iterable[str]) -> Callable[[Model], str]:
        """A function: model -> its JSON object with ``_id``, ``id`` and ``fields``.

        Fields whose JSON depends only on a few discrete attributes (config, safetensors, tags,
        cardData, ...) come from templates cached per attribute combination, with the parent ids
        filled in; per-model values go through one ``str.format``.
        """
        wanted = tuple(dict.fromkeys(f for f in fields if f in VALUES))
        variable = [f for f in wanted if f in VARIABLE_FORMATS]
        head = ",".join(['"_id":"{0.oid}"', '"id":"{0.id}"'] + [VARIABLE_FORMATS[f] for f in variable])
        head = "{{" + head
        fmt = head.format
        static = tuple(f for f in wanted if f in STATIC_FIELDS)
        static_cache: dict[tuple[Any, ...], str] = {}
        tags = "tags" in wanted
        card = "cardData" in wanted
        siblings = "siblings" in wanted
        templated = self._templated
        sha = self.sha

        def static_part(m: Model) -> str:
            key = (m.family, m.size, m.relation, m.quant, m.dtype, m.library, m.pipeline, m.gated)
            text = static_cache.get(key)
            if text is None:
                text = "".join("," + f'"{name}":{dumps(value)}' for name in static
                               if (value := VALUES[name](self, m)) is not None)
                if len(static_cache) > 20000:
                    static_cache.clear()
                static_cache[key] = text
            return text

        def encode(m: Model) -> str:
            text = fmt(m, sha(m.i) if "sha" in variable else "")
            if static:
                text += static_part(m)
            if tags:
                text += templated("tags", (m.family, m.relation, m.quant, m.licence, m.library, m.pipeline,
                                           m.card_tags, m.dtype is not None, m.imatrix, len(m.parents)), m)
            if card and m.card >= 0:
                text += templated("cardData", (m.card, m.licence, m.family, m.library, m.relation,
                                               len(m.parents), m.card_tags, m.pipeline), m)
            if siblings:
                text += ',"siblings":' + dumps(_siblings_value(self, m))
            return text + "}"

        return encode

    def _templated(self, name: str, key: tuple[Any, ...], m: Model) -> str:
        """``,"name":value`` from a template cached per ``key``, with ``m``'s parent ids filled in."""
        cache = self.fragments.setdefault(name, {})
        template = cache.get(key)
        if template is None:
            placeholder = m._replace(parents=PLACEHOLDERS[:len(m.parents)])
            value = VALUES[name](self, placeholder)
            if value is None:
                template = ("",)
            else:
                parts = PLACEHOLDER_RE.split(f',"{name}":{dumps(value)}')
                template = tuple(int(p) if k % 2 else p for k, p in enumerate(parts))
            if len(cache) > 50000:
                cache.clear()
            cache[key] = template
        if len(template) == 1:
            return template[0]  # type: ignore[return-value]
        ids = m.parents
        return "".join([ids[p] if type(p) is int else p for p in template])  # type: ignore[misc]

    def encode_many(self, indices: Iterable[int], fields: Iterable[str]) -> str:
        """A JSON array of the records of ``indices`` with ``_id``, ``id`` and ``fields``."""
        encode = self.encoder(fields)
        model = self.model
        return "[" + ",".join([encode(model(i)) for i in indices]) + "]"

    def record(self, i: int, fields: Iterable[str] = RECORD_FIELDS) -> dict[str, Any]:
        """Model ``i`` as a dict with ``_id``, ``id`` and ``fields`` (absent values left out)."""
        m = self.model(i)
        out: dict[str, Any] = {"_id": m.oid, "id": m.id}
        for name in fields:
            func = VALUES.get(name)
            if func is not None:
                value = func(self, m)
                if value is not None:
                    out[name] = value
        return out


GATING_ORGS = frozenset({"meta-llama", "google", "mistralai"})
QUANT_SUFFIXES = {"gguf": ("-GGUF", "-Q4_K_M-GGUF"), "mlx": ("-mlx-4Bit", "-MLX-4bit"),
                  "bnb": ("-bnb-4bit", "-4bit"), "awq": ("-AWQ", "-awq")}


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


# --------------------------------------------------------------------------------------------
# Field values (the reference: a dict record) and their fast JSON fragments.


def _card_value(u: Universe, m: Model) -> dict[str, Any] | None:
    if m.card < 0:
        return None
    family = FAMILIES[m.family]
    card: dict[str, Any] = {}
    if m.licence:
        card["license"] = m.licence
        if m.licence == "other":
            card["license_name"] = f"{family.key.replace('_', '-')}-license"
    if m.library:
        card["library_name"] = m.library
    if m.relation is not None:
        card["base_model"] = list(m.parents) if m.card & CARD_BASE_LIST else m.parents[0]
        if m.card & CARD_RELATION:
            card["base_model_relation"] = m.relation
    language = m.card >> CARD_LANGUAGE_SHIFT
    if language:
        card["language"] = list(LANGUAGES[language - 1])
    if m.card & CARD_PIPELINE:
        card["pipeline_tag"] = m.pipeline
    if CARD_TAGS[m.card_tags]:
        card["tags"] = list(CARD_TAGS[m.card_tags])
    return card


def _tags_value(u: Universe, m: Model) -> list[str]:
    family = FAMILIES[m.family]
    tags: list[str] = []
    if m.library and m.library != "gguf":
        tags.append(m.library)
    if m.quant == "gguf":
        tags.append("gguf")
    elif m.dtype is not None:
        tags.append("safetensors")
    if family.model_type and m.relation != "adapter" and m.quant != "gguf":
        tags.append(family.model_type)
    if m.pipeline:
        tags.append(m.pipeline)
    if m.relation is None or m.relation in ("finetune", "merge"):
        tags.extend(family.extra_tags)
    tags.extend(CARD_TAGS[m.card_tags])
    for base in m.parents:
        tags.append(f"base_model:{base}")
        tags.append(f"base_model:{m.relation}:{base}")
    if m.licence:
        tags.append(f"license:{m.licence}")
    if family.library == "transformers" and m.relation != "adapter" and m.quant != "gguf":
        if m.pipeline == "text-generation":
            tags.append("text-generation-inference")
        tags.append("endpoints_compatible")
    if m.quant in ("mlx", "bnb"):
        tags.append("4-bit")
    if m.quant == "bnb":
        tags.append("bitsandbytes")
    if m.quant == "awq":
        tags.extend(("4-bit", "awq"))
    if m.imatrix:
        tags.append("imatrix")
    tags.append("region:us")
    return tags


def _safetensors_value(u: Universe, m: Model) -> dict[str, Any] | None:
    if m.dtype is None:
        return None
    size = FAMILIES[m.family].sizes[m.size]
    total = size.params
    if m.dtype == "quant":
        kept = size.vocab * size.hidden * 2 + size.layers * size.hidden * 2
        packed = (total - kept) // (2 if m.quant == "bnb" else 8)
        params = {"BF16" if m.quant != "awq" else "F16": kept, "U8" if m.quant == "bnb" else "U32": packed}
    else:
        params = {m.dtype: total}
    return {"parameters": params, "total": sum(params.values())}


def _config_value(u: Universe, m: Model) -> dict[str, Any] | None:
    family = FAMILIES[m.family]
    if m.relation == "adapter" or not family.model_type:
        return None
    if m.quant == "gguf":
        return {"model_type": family.model_type}
    config: dict[str, Any] = {"architectures": list(family.architectures), "model_type": family.model_type}
    quant = quantization_config(m.quant)
    if quant:
        config["quantization_config"] = quant
    return config


def _gguf_value(u: Universe, m: Model) -> dict[str, Any] | None:
    if m.quant != "gguf":
        return None
    family = FAMILIES[m.family]
    return {"total": family.sizes[m.size].params, "architecture": family.model_type,
            "context_length": family.max_positions}


def _used_storage(u: Universe, m: Model) -> int:
    size = FAMILIES[m.family].sizes[m.size]
    if m.relation == "adapter":
        return size.hidden * size.layers * 128 + 4096
    factor = 0.6 if m.quant else (4 if FAMILIES[m.family].dtype == "F32" else 2)
    return int(size.params * factor) + 4096


def _siblings_value(u: Universe, m: Model) -> list[dict[str, str]]:
    family = FAMILIES[m.family]
    files = [".gitattributes", "README.md"]
    if m.relation == "adapter":
        files += ["adapter_config.json", "adapter_model.safetensors"]
    elif m.quant == "gguf":
        stem = m.id.partition("/")[2]
        files += [f"{stem}-Q4_K_M.gguf", f"{stem}-Q8_0.gguf"]
    elif family.library == "diffusers":
        files += ["model_index.json", "transformer/diffusion_pytorch_model.safetensors"]
    elif not family.config_json:
        files += ["agent.zip", "replay.mp4"]
    else:
        files.append("config.json")
        shards = max(1, family.sizes[m.size].params // 5_000_000_000)
        if m.dtype is None:
            files.append("pytorch_model.bin")
        elif shards == 1:
            files.append("model.safetensors")
        else:
            files += [f"model-{k:05d}-of-{shards:05d}.safetensors" for k in range(1, shards + 1)]
        if family.llm:
            files += ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]
    return [{"rfilename": f} for f in sorted(files)]


VALUES: dict[str, Callable[[Universe, Model], Any]] = {
    "author": lambda u, m: m.author,
    "cardData": _card_value,
    "config": _config_value,
    "createdAt": lambda u, m: m.created_at,
    "disabled": lambda u, m: False,
    "downloads": lambda u, m: m.downloads,
    "downloadsAllTime": lambda u, m: m.downloads_all,
    "gated": lambda u, m: m.gated,
    "gguf": _gguf_value,
    "lastModified": lambda u, m: m.last_modified,
    "library_name": lambda u, m: m.library,
    "likes": lambda u, m: m.likes,
    "modelId": lambda u, m: m.id,
    "pipeline_tag": lambda u, m: m.pipeline,
    "private": lambda u, m: False,
    "safetensors": _safetensors_value,
    "sha": lambda u, m: u.sha(m.i),
    "siblings": _siblings_value,
    "tags": _tags_value,
    "trendingScore": lambda u, m: m.trending,
    "usedStorage": _used_storage,
}

# Fields whose value is per model: their str.format pieces ({0} is the Model, {1} the sha).
VARIABLE_FORMATS = {
    "author": '"author":"{0.author}"',
    "createdAt": '"createdAt":"{0.created_at}"',
    "downloads": '"downloads":{0.downloads}',
    "downloadsAllTime": '"downloadsAllTime":{0.downloads_all}',
    "lastModified": '"lastModified":"{0.last_modified}"',
    "likes": '"likes":{0.likes}',
    "modelId": '"modelId":"{0.id}"',
    "sha": '"sha":"{1}"',
    "trendingScore": '"trendingScore":{0.trending}',
}
# Fields whose value depends on (family, size, relation, quant, dtype, library, pipeline, gated) only.
STATIC_FIELDS = frozenset({"config", "disabled", "gated", "gguf", "library_name", "pipeline_tag", "private",
                           "safetensors", "usedStorage"})


def quantization_config(quant: str | None) -> dict[str, Any] | None:
    if quant == "bnb":
        return {"load_in_4bit": True, "quant_method": "bitsandbytes", "bnb_4bit_quant_type": "nf4"}
    if quant == "mlx":
        return {"bits": 4, "group_size": 64}
    if quant == "awq":
        return {"bits": 4, "quant_method": "awq", "group_size": 128}
    return None


@lru_cache(maxsize=16)
def universe(seed: int, n: int) -> Universe:
    """The (cached) universe of ``n`` models for ``seed``."""
    return Universe(seed, n)


def synthetic_model(seed: int, index: int, n_models: int) -> dict[str, Any]:
    """Model ``index`` of ``n_models`` for ``seed``: the Hub API record with every synthesised field."""
    if not 0 <= index < n_models:
        raise IndexError(f"index {index} outside 0..{n_models - 1}")
    return universe(seed, n_models).record(index)


def synthetic_config(seed: int, index: int, n_models: int) -> dict[str, Any] | None:
    """The model's full ``config.json``, or None when its repository has none (GGUF, adapters, ...)."""
    if not 0 <= index < n_models:
        raise IndexError(f"index {index} outside 0..{n_models - 1}")
    return full_config(universe(seed, n_models), index)


def full_config(u: Universe, i: int) -> dict[str, Any] | None:
    lin = u.lineage(i)
    family = FAMILIES[lin.family]
    if lin.relation == "adapter" or lin.quant == "gguf" or not family.config_json:
        return None
    size = family.sizes[lin.size]
    config: dict[str, Any] = {
        "architectures": list(family.architectures),
        "model_type": family.model_type,
        "vocab_size": size.vocab,
        "hidden_size": size.hidden,
        "num_hidden_layers": size.layers,
        "num_attention_heads": size.heads,
        "num_key_value_heads": size.kv_heads,
        "intermediate_size": size.inter,
        "max_position_embeddings": family.max_positions,
        "torch_dtype": {"BF16": "bfloat16", "F16": "float16", "F32": "float32"}[family.dtype],
        "tie_word_embeddings": False,
        "transformers_version": "4.51.3",
    }
    if family.rope_theta:
        config["rope_theta"] = family.rope_theta
    if size.experts:
        config[family.expert_key or "num_local_experts"] = size.experts
        config["num_experts_per_tok"] = size.top_k
        config["moe_intermediate_size"] = size.moe_inter
        if size.shared:
            config["n_shared_experts"] = size.shared
    quant = quantization_config(lin.quant)
    if quant:
        config["quantization_config"] = quant
    return config


def parameter_counts(seed: int, index: int, n_models: int) -> tuple[int, int]:
    """(total, active) parameters implied by the model's config (what an enrichment pass should find)."""
    lin = universe(seed, n_models).lineage(index)
    size = FAMILIES[lin.family].sizes[lin.size]
    return size.params, size.active
