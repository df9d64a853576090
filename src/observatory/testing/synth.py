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
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

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
    return f"{DAY_STRINGS[day - START_DAY]}T{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}.{ms:03d}Z"


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


# --------------------------------------------------------------------------------------------
# The universe of one (seed, n).


@dataclass(frozen=True, slots=True)
class Lineage:
    relation: str | None  # None for a base model
    parents: tuple[int | str, ...]  # earlier indices, or a missing parent's id
    root: int  # index of the root base model, -1 when the chain ends at a missing parent
    depth: int
    family: int
    size: int
    licence: str | None
    created: int  # seconds since the epoch
    org: int  # index into the organisation list, -1 for community users
    anchor: bool
    flagship: bool
    quant: str | None  # gguf, mlx, bnb, awq for quantized models


class Universe:
    """All models of one ``(seed, n)``; build with :func:`universe` (cached)."""

    def __init__(self, seed: int, n: int) -> None:
        if n < 0:
            raise ValueError("n must be >= 0")
        self.seed, self.n = seed, n
        base = splitmix64(seed & M64)
        self.k_model = splitmix64(base ^ 0x1111)
        self.k_more = splitmix64(base ^ 0x2222)
        self.k_parent = splitmix64(base ^ 0x3333)
        self.k_block = splitmix64(base ^ 0x4444)
        self.k_sha = splitmix64(base ^ 0x5555)
        self.n_blocks = -(-n // BLOCK)
        self.flag_offset = splitmix64(base ^ 0x6666) % FLAGSHIP_EVERY
        self.orgs = hf_organisations()
        weights = []
        for name in self.orgs:
            weights.append(BIG_LABS.get(name) or MID_LABS.get(name) or 1)
        total = sum(weights)
        quotas = [w * ORG_TABLE_SIZE / total for w in weights]
        counts = [max(1, int(q)) for q in quotas]
        order = sorted(range(len(quotas)), key=lambda k: quotas[k] - int(quotas[k]), reverse=True)
        k = 0
        while sum(counts) < ORG_TABLE_SIZE:
            counts[order[k % len(order)]] += 1
            k += 1
        while sum(counts) > ORG_TABLE_SIZE:  # many weight-1 orgs rounded up to 1
            big = max(range(len(counts)), key=lambda j: counts[j])
            counts[big] -= 1
        table = [j for j, c in enumerate(counts) for _ in range(c)]
        random.Random(seed).shuffle(table)
        self.org_table = tuple(table)
        self.k1 = (splitmix64(base ^ 0x7777) % ORG_TABLE_SIZE) | 1
        self.k2 = (splitmix64(base ^ 0x8888) % ORG_TABLE_SIZE) | 1
        self.flagship_orgs = tuple(self.orgs.index(o) for o in FLAGSHIP_LABS if o in self.orgs)
        self.org_families = [
            _weighted(ORG_FAMILIES.get(name, GENERIC_ORG_FAMILIES)) for name in self.orgs
        ]
        self.generic_families = _weighted(GENERIC_ORG_FAMILIES)
        self.community_families = _weighted(COMMUNITY_ROOT_FAMILIES)
        self.since = tuple(f.since_ts for f in FAMILIES)
        self.users = max(50, n // 6)
        self.block_hash = lru_cache(maxsize=1 << 16)(self._block_hash)
        self.lineage = lru_cache(maxsize=1 << 15)(self._lineage)
        self.model_id = lru_cache(maxsize=1 << 15)(self._model_id)

    # -- hashing -----------------------------------------------------------------------------

    def h(self, i: int) -> int:
        return splitmix64(self.k_model ^ i)

    def _block_hash(self, b: int) -> int:
        return splitmix64(self.k_block ^ b)

    # -- organisation slots ------------------------------------------------------------------

    def slot_org(self, b: int, s: int, bh: int) -> int:
        if s == (bh >> 60) % ORG_SLOTS and b % FLAGSHIP_EVERY == self.flag_offset and self.flagship_orgs:
            return self.flagship_orgs[(bh >> 20) % len(self.flagship_orgs)]
        return self.org_table[(b * self.k1 + s * self.k2) % ORG_TABLE_SIZE]

    def slot_index(self, b: int, s: int, bh: int) -> int:
        return b * BLOCK + SLOT_START[s] + ((bh >> (4 * s)) & 15) % SLOT_JITTER

    def anchor_index(self, b: int) -> int:
        bh = self.block_hash(b)
        return self.slot_index(b, (bh >> 60) % ORG_SLOTS, bh)

    def org_of(self, i: int) -> tuple[int, bool]:
        """(organisation index or -1, is the block's anchor)."""
        b, off = divmod(i, BLOCK)
        s = SLOT_OF_OFFSET[off]
        bh = self.block_hash(b)
        if off - SLOT_START[s] != ((bh >> (4 * s)) & 15) % SLOT_JITTER:
            return -1, False
        return self.slot_org(b, s, bh), s == (bh >> 60) % ORG_SLOTS

    def org_indices(self, org: int, start: int, stop: int) -> list[int]:
        """Indices in [start, stop) held by organisation ``org``, in order (no hashing per model)."""
        out: list[int] = []
        for b in range(start // BLOCK, -(-stop // BLOCK)):
            bh = self.block_hash(b)
            for s in range(ORG_SLOTS):
                if self.slot_org(b, s, bh) == org:
                    i = self.slot_index(b, s, bh)
                    if start <= i < stop:
                        out.append(i)
        return out

    def namespace(self, i: int) -> str:
        org, _ = self.org_of(i)
        if org >= 0:
            return self.orgs[org]
        return self.user_of(i)

    def user_of(self, i: int) -> str:
        u = (self.h(i) >> 11) * INV53
        return f"user{10000 + int(self.users * u * u)}"

    # -- time ----------------------------------------------------------------------------------

    def base_time(self, i: int, hv: int) -> int:
        x = (i + 0.5) / max(self.n, 1)
        frac = math.log1p(x * GROWTH_SCALE) / GROWTH
        jitter = ((hv >> 40) & 0xFFFF) / 65536.0 - 0.5
        t = START + int(frac * (END - START) + jitter * 129600)
        return min(max(t, START), END)

    # -- lineage ------------------------------------------------------------------------------

    def _root_family(self, pairs: tuple[tuple[int, int], ...], created: int, pick: int) -> int:
        """A family by weight among those released by ``created``."""
        allowed = [(fam, w) for fam, w in pairs if self.since[fam] <= created]
        if not allowed:
            return FAMILY["llama"] if created >= self.since[FAMILY["llama"]] else FAMILY["gpt2"]
        r = pick % sum(w for _, w in allowed)
        for fam, w in allowed:
            if r < w:
                return fam
            r -= w
        return allowed[-1][0]

    def _base(self, i: int, hv: int, org: int, anchor: bool, flagship: bool) -> Lineage:
        created = self.base_time(i, hv)
        pick = splitmix64(self.k_more ^ i)
        if org >= 0:
            fam = self._root_family(self.org_families[org], created, pick & 0xFFFF)
        else:
            fam = self._root_family(self.community_families, created, pick & 0xFFFF)
        family = FAMILIES[fam]
        n_sizes = len(family.sizes)
        size = (pick >> 16) % n_sizes
        if org < 0 and n_sizes > 1 and size == n_sizes - 1 and (pick >> 24) & 1:
            size = 0  # community trains small models
        if org >= 0 or (pick >> 26) % 4:
            licence = family.licences[(pick >> 28) % len(family.licences)]
        else:
            licence = COMMUNITY_LICENCES[(pick >> 28) % len(COMMUNITY_LICENCES)]
            licence = None if licence == "unknown" else licence
        return Lineage(None, (), i, 0, fam, size, licence, created, org, anchor, flagship, None)

    def _earlier_parent(self, i: int, b: int, r: int, relation: str) -> int:
        """An earlier model for ``i`` to derive from; ``r`` is 64 random bits."""
        choice = r & 0xFF
        u = ((r >> 8) & 0xFFFFFF) / 16777216.0
        if relation == "quantized":
            choice = 0 if choice < 150 else 200
        last_flag = (b - self.flag_offset - 1) // FLAGSHIP_EVERY
        if choice < 110 and last_flag >= 0:  # a recent flagship (43 %)
            k = min(last_flag, int(-math.log(1.0 - u) * 6))
            return self.anchor_index((last_flag - k) * FLAGSHIP_EVERY + self.flag_offset)
        if choice < 200 and b > 0:  # an earlier block's anchor (35 %), recent ones favoured
            return self.anchor_index(b - 1 - int(u * u * b))
        window = min(i, 20000)
        return i - 1 - int(u * u * window)

    def _lineage(self, i: int) -> Lineage:
        hv = self.h(i)
        org, anchor = self.org_of(i)
        b = i // BLOCK
        flagship = anchor and b % FLAGSHIP_EVERY == self.flag_offset
        roll = hv & 0xFFFF  # 0..65535
        if anchor or i < BLOCK:
            return self._base(i, hv, org, anchor, flagship)
        if org >= 0:
            if roll < 49152:  # 75 % of organisation models are bases
                return self._base(i, hv, org, False, False)
            relation = "finetune" if roll < 60000 else "quantized"
        else:
            if roll < 13107:  # 20 % of community models are trained from scratch
                return self._base(i, hv, org, False, False)
            r = roll - 13107
            relation = ("finetune" if r < 26214 else "quantized" if r < 39321
                        else "adapter" if r < 47185 else "merge")
        pr = splitmix64(self.k_parent ^ i)
        if org < 0 and (pr >> 54) < 16:  # ~1.5 %: the declared parent does not exist
            return self._missing_parent(i, hv, pr, relation)
        n_parents = 1 if relation != "merge" else 2 + ((pr >> 50) & 1)
        parents: list[int] = []
        for k in range(n_parents):
            r = pr if k == 0 else splitmix64(pr ^ k)
            if org >= 0 and k == 0:
                p = self._same_org_base(org, b) if (r >> 40) & 3 else -1
                p = p if p >= 0 else self._earlier_parent(i, b, r & ~0xFF, relation)
            else:
                p = self._earlier_parent(i, b, r, relation)
            if 0 <= p < i:
                plin = self.lineage(p)
                if plin.depth >= 3 or (plin.root < 0 and plin.depth >= 2):
                    p = plin.root if plin.root >= 0 else self.anchor_index(b - 1)
            if 0 <= p < i and p not in parents:
                parents.append(p)
        if not parents:
            return self._base(i, hv, org, False, False)
        first = self.lineage(parents[0])
        fam = first.family
        if relation == "merge" and len(parents) < 2:
            relation = "finetune"
        family = FAMILIES[fam]
        quant = None
        if relation == "quantized":
            if not family.llm:
                relation = "finetune"
            else:
                q = (hv >> 16) & 7
                quant = "gguf" if q < 4 else "mlx" if q < 5 else "bnb" if q < 7 else "awq"
        if relation == "adapter" and family.library == "sentence-transformers":
            relation = "finetune"
        created = max(self.base_time(i, hv), max(self.lineage(p).created for p in parents)
                      + 3600 + ((hv >> 20) & 0xFFFFF) % 1209600)
        created = min(created, END)
        licence = first.licence
        if org < 0 and (hv >> 56) < 20:  # ~8 %: the community author picks another licence
            lic = COMMUNITY_LICENCES[(hv >> 24) % len(COMMUNITY_LICENCES)]
            licence = None if lic == "unknown" else lic
        depth = 1 + max(self.lineage(p).depth for p in parents)
        return Lineage(relation, tuple(parents), first.root, depth, fam, first.size, licence, created,
                       org, False, False, quant)

    def _same_org_base(self, org: int, b: int) -> int:
        for back in range(1, 5):
            pb = b - back
            if pb < 0:
                return -1
            bh = self.block_hash(pb)
            for s in range(ORG_SLOTS):
                if self.slot_org(pb, s, bh) == org:
                    j = self.slot_index(pb, s, bh)
                    if self.is_org_base(j, s == (bh >> 60) % ORG_SLOTS):
                        return j
        return -1

    def is_org_base(self, j: int, anchor: bool) -> bool:
        """Whether organisation slot ``j`` holds a base model (the rule in ``_lineage``)."""
        return anchor or j < BLOCK or (self.h(j) & 0xFFFF) < 49152

    def _missing_parent(self, i: int, hv: int, pr: int, relation: str) -> Lineage:
        llm = [k for k, f in enumerate(FAMILIES) if f.llm]
        fam = llm[(pr >> 8) % len(llm)]
        family = FAMILIES[fam]
        size = (pr >> 16) % len(family.sizes)
        ghost = f"removed-{(pr >> 24) % 1000}/{family.display}-{family.sizes[size].label}-gone{b36(pr & 0xFFFFF)}"
        quant = None
        if relation == "quantized":
            quant = "gguf"
        created = self.base_time(i, hv)
        relation = "finetune" if relation == "merge" else relation
        licence = family.licences[(pr >> 32) % len(family.licences)]
        return Lineage(relation, (ghost,), -1, 1, fam, size, licence, created, -1, False, False, quant)

    # -- names --------------------------------------------------------------------------------

    def stem(self, i: int) -> str:
        """The name without its ``-<index>`` token."""
        lin = self.lineage(i)
        family = FAMILIES[lin.family]
        size = family.sizes[lin.size].label
        hv = self.h(i)
        if lin.relation is None:
            if lin.org >= 0:
                return f"{family.display}-{size}{ORG_VARIANTS[(hv >> 44) % len(ORG_VARIANTS)]}"
            topic = COMMUNITY_TOPICS[(hv >> 44) % len(COMMUNITY_TOPICS)]
            return f"{family.display.lower()}-{size.lower()}-{topic}"
        first = lin.parents[0]
        if isinstance(first, int):
            root = lin.root if lin.root >= 0 else first
            root_lin = self.lineage(root)
            root_family = FAMILIES[root_lin.family]
            base = f"{root_family.display}-{root_family.sizes[root_lin.size].label}"
        else:
            base = f"{family.display}-{size}"
        options = SUFFIXES[lin.relation]
        if lin.quant == "gguf":
            suffix = "-GGUF" if (hv >> 44) & 1 else "-Q4_K_M-GGUF"
        elif lin.quant == "mlx":
            suffix = "-mlx-4Bit"
        elif lin.quant == "bnb":
            suffix = "-bnb-4bit"
        elif lin.quant == "awq":
            suffix = "-AWQ"
        else:
            suffix = options[(hv >> 44) % len(options)]
        return base + suffix

    def _model_id(self, i: int) -> str:
        return f"{self.namespace(i)}/{self.stem(i)}-{b36(i)}"

    def index_of(self, model_id: str) -> int | None:
        """The index of an existing model id, or None."""
        _, _, name = model_id.partition("/")
        _, _, token = name.rpartition("-")
        if not token or not token.isalnum() or len(token) > 12:
            return None
        try:
            i = int(token, 36)
        except ValueError:
            return None
        if not 0 <= i < self.n:
            return None
        canonical = self.model_id(i)
        if canonical == model_id or canonical.lower() == model_id.lower():
            return i
        return None

    def parent_id(self, parent: int | str) -> str:
        return parent if isinstance(parent, str) else self.model_id(parent)

    # -- records ------------------------------------------------------------------------------

    def core(self, i: int) -> Core:
        return Core(self, i)


class Core:
    """Values of one model, computed lazily field by field (cheap fields first)."""

    __slots__ = ("_sha", "dl", "dl_all", "fam", "family", "h2", "hv", "i", "id", "likes", "lin", "u")

    def __init__(self, u: Universe, i: int) -> None:
        self.u, self.i = u, i
        self.lin = u.lineage(i)
        self.fam = self.lin.family
        self.family = FAMILIES[self.fam]
        self.hv = u.h(i)
        self.h2 = splitmix64(u.k_more ^ (i + 0x5DEECE66D))
        self.id = u.model_id(i)
        self._counts()
        self._sha: str | None = None

    def _counts(self) -> None:
        lin, h2 = self.lin, self.h2
        u1 = ((h2 >> 11) + 1) * INV53  # (0, 1]
        if lin.flagship:
            dl = int(200000 * u1 ** (-1 / 1.4))
        elif lin.relation is None and lin.org >= 0:
            dl = int(300 * u1 ** (-1 / 1.1))
        elif (h2 & 0xFF) < 90:  # ~35 % of community models: no downloads this month
            dl = 0
        else:
            dl = int(u1 ** (-1 / 0.85)) - 1
            if lin.relation == "quantized":
                dl *= 3
        dl = min(dl, 80_000_000)
        age_months = max(0, (END - lin.created) // 2_592_000)
        growth = 1.0 + age_months * (0.3 + ((h2 >> 8) & 0xFF) / 160.0)
        history = int((h2 >> 16) & 0x3F) if age_months else 0
        self.dl = dl
        self.dl_all = int(dl * growth) + history
        v = ((h2 >> 24) & 0xFFFF) / 65536.0
        self.likes = int((dl ** 0.62) * v * v * (3.0 if lin.relation is None and lin.org >= 0 else 1.0))

    # -- individual fields --------------------------------------------------------------------

    @property
    def author(self) -> str:
        return self.id.partition("/")[0]

    @property
    def created(self) -> str:
        return iso(self.lin.created, (self.hv >> 8) % 1000)

    @property
    def modified_ts(self) -> int:
        days = (self.h2 >> 40) & 0xFF
        gap = 0 if days < 60 else int((days - 60) ** 1.6 * 3600)
        return min(self.lin.created + gap + ((self.h2 >> 48) & 0xFFF), END)

    @property
    def modified(self) -> str:
        return iso(self.modified_ts, (self.h2 >> 52) % 1000)

    @property
    def object_id(self) -> str:
        return f"{self.lin.created:08x}{self.hv & 0xFFFFFFFFFFFFFFFF:016x}"

    @property
    def sha(self) -> str:
        if self._sha is None:
            k = self.u.k_sha ^ self.i
            self._sha = f"{splitmix64(k):016x}{splitmix64(k ^ 1):016x}{splitmix64(k ^ 2) & 0xFFFFFFFF:08x}"
        return self._sha

    @property
    def library(self) -> str | None:
        lin = self.lin
        if lin.relation == "adapter":
            return "peft" if self.family.library != "diffusers" else "diffusers"
        if lin.quant == "gguf":
            return "gguf" if (self.hv >> 50) & 3 else None
        if lin.quant == "mlx":
            return "mlx"
        if lin.relation is None and lin.org < 0 and (self.hv >> 52) & 15 == 0:
            return None
        return self.family.library

    @property
    def pipeline_tag(self) -> str | None:
        if self.lin.relation is not None and (self.hv >> 54) & 31 == 0:
            return None  # an undeclared pipeline
        return self.family.pipeline_tag

    @property
    def gated(self) -> bool | str:
        lin = self.lin
        g = (self.h2 >> 60) & 15
        if lin.relation is None and lin.org >= 0:
            org = self.u.orgs[lin.org]
            if org in ("meta-llama", "google", "mistralai") and g < 11:
                return "manual" if g < 6 else "auto"
            return "auto" if g == 0 else False
        return "auto" if g == 0 and (self.h2 & 0x300) == 0 else False

    @property
    def base_ids(self) -> list[str]:
        return [self.u.parent_id(p) for p in self.lin.parents]

    def card_data(self) -> dict[str, Any] | None:
        lin, family = self.lin, self.family
        if lin.relation is not None and lin.org < 0 and (self.h2 >> 36) & 15 == 0:
            return None  # no model card
        card: dict[str, Any] = {}
        if lin.licence:
            card["license"] = lin.licence
            if lin.licence == "other":
                card["license_name"] = f"{family.key.replace('_', '-')}-license"
        library = self.library
        if library:
            card["library_name"] = library
        if lin.relation is not None:
            bases = self.base_ids
            card["base_model"] = bases if len(bases) > 1 or (self.hv >> 58) & 1 else bases[0]
            if (self.hv >> 59) % 5 < 3:
                card["base_model_relation"] = lin.relation
        if family.llm and (self.h2 >> 33) & 1:
            card["language"] = list(LANGUAGES[(self.h2 >> 30) % len(LANGUAGES)])
        pipeline = self.pipeline_tag
        if pipeline and (self.h2 >> 34) & 1:
            card["pipeline_tag"] = pipeline
        tags = self.card_tags()
        if tags:
            card["tags"] = tags
        return card

    def card_tags(self) -> list[str]:
        lin = self.lin
        if lin.relation == "merge":
            return ["mergekit", "merge"]
        if lin.relation == "finetune" and self.family.llm and (self.hv >> 46) & 1:
            return ["trl", "sft"] if (self.hv >> 47) & 1 else ["unsloth", "trl"]
        if lin.quant in ("gguf", "mlx"):
            return ["llama-cpp", "gguf-my-repo"] if lin.quant == "gguf" else ["mlx", "mlx-my-repo"]
        if lin.relation == "adapter":
            return ["lora"]
        return []

    def tags(self) -> list[str]:
        lin, family = self.lin, self.family
        library = self.library
        tags: list[str] = []
        if library and library not in ("gguf",):
            tags.append(library)
        if lin.quant == "gguf":
            tags.append("gguf")
        elif self.safetensors_params() is not None:
            tags.append("safetensors")
        if family.model_type and lin.relation != "adapter" and lin.quant != "gguf":
            tags.append(family.model_type)
        pipeline = self.pipeline_tag
        if pipeline:
            tags.append(pipeline)
        if lin.relation is None or lin.relation in ("finetune", "merge"):
            tags.extend(family.extra_tags)
        tags.extend(self.card_tags())
        for base in self.base_ids:
            tags.append(f"base_model:{base}")
            tags.append(f"base_model:{lin.relation}:{base}")
        if lin.licence:
            tags.append(f"license:{lin.licence}")
        if family.library == "transformers" and lin.relation != "adapter" and lin.quant != "gguf":
            if pipeline == "text-generation":
                tags.append("text-generation-inference")
            tags.append("endpoints_compatible")
        if lin.quant in ("mlx", "bnb"):
            tags.append("4-bit")
        if lin.quant == "bnb":
            tags.append("bitsandbytes")
        if lin.quant == "awq":
            tags.extend(("4-bit", "awq"))
        if lin.quant == "gguf" and (self.hv >> 48) & 1:
            tags.append("imatrix")
        tags.append("region:us")
        return tags

    def safetensors_params(self) -> dict[str, int] | None:
        lin, family = self.lin, self.family
        if lin.relation == "adapter" or lin.quant == "gguf" or family.key == "rl":
            return None
        if lin.relation is None and lin.org < 0 and (self.hv >> 52) & 15 < 2:
            return None  # an old pickled checkpoint
        size = family.sizes[lin.size]
        total = size.params
        if lin.quant in ("mlx", "bnb", "awq"):
            kept = size.vocab * size.hidden * 2 + size.layers * size.hidden * 2
            packed = (total - kept) // (8 if lin.quant != "bnb" else 2)
            key = "U32" if lin.quant != "bnb" else "U8"
            return {"BF16" if lin.quant != "awq" else "F16": kept, key: packed}
        dtype = family.dtype
        if lin.relation is not None and (self.h2 >> 28) & 3 == 0:
            dtype = "F16" if dtype != "F16" else "F32"
        return {dtype: total}

    def safetensors(self) -> dict[str, Any] | None:
        params = self.safetensors_params()
        if params is None:
            return None
        return {"parameters": params, "total": sum(params.values())}

    def config_short(self) -> dict[str, Any] | None:
        """``config`` as list_models / model_info return it: architectures and model_type."""
        lin, family = self.lin, self.family
        if lin.relation == "adapter" or not family.model_type:
            return None
        if lin.quant == "gguf":
            return {"model_type": family.model_type}
        config: dict[str, Any] = {"architectures": list(family.architectures),
                                  "model_type": family.model_type}
        quant = quantization_config(lin.quant)
        if quant:
            config["quantization_config"] = quant
        return config

    def gguf(self) -> dict[str, Any] | None:
        if self.lin.quant != "gguf":
            return None
        size = self.family.sizes[self.lin.size]
        return {"total": size.params, "architecture": self.family.model_type,
                "context_length": self.family.max_positions}

    def trending(self) -> int:
        age_days = (END - self.lin.created) // 86400
        return int(self.likes / (1 + age_days / 7.0))

    def used_storage(self) -> int:
        size = self.family.sizes[self.lin.size]
        if self.lin.relation == "adapter":
            return size.hidden * size.layers * 64 * 2
        factor = 0.6 if self.lin.quant else (4 if self.family.dtype == "F32" else 2)
        return int(size.params * factor) + 4096

    def siblings(self) -> list[dict[str, str]]:
        files = [".gitattributes", "README.md"]
        lin, family = self.lin, self.family
        if lin.relation == "adapter":
            files += ["adapter_config.json", "adapter_model.safetensors"]
        elif lin.quant == "gguf":
            stem = self.id.partition("/")[2]
            files += [f"{stem}-Q4_K_M.gguf", f"{stem}-Q8_0.gguf"]
        elif family.library == "diffusers":
            files += ["model_index.json", "transformer/diffusion_pytorch_model.safetensors"]
        elif family.key == "rl":
            files += ["agent.zip", "replay.mp4"]
        else:
            files.append("config.json")
            shards = max(1, family.sizes[lin.size].params // 5_000_000_000)
            if shards == 1:
                files.append("model.safetensors")
            else:
                files += [f"model-{k:05d}-of-{shards:05d}.safetensors" for k in range(1, shards + 1)]
            if family.llm:
                files += ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]
        return [{"rfilename": f} for f in sorted(files)]


def quantization_config(quant: str | None) -> dict[str, Any] | None:
    if quant == "bnb":
        return {"load_in_4bit": True, "quant_method": "bitsandbytes", "bnb_4bit_quant_type": "nf4"}
    if quant == "mlx":
        return {"bits": 4, "group_size": 64}
    if quant == "awq":
        return {"bits": 4, "quant_method": "awq", "group_size": 128}
    return None


# --------------------------------------------------------------------------------------------
# Field encoders: API name -> value (None: the field is absent from the record).

FIELD_GETTERS: dict[str, Any] = {
    "author": lambda c: c.author,
    "cardData": lambda c: c.card_data(),
    "config": lambda c: c.config_short(),
    "createdAt": lambda c: c.created,
    "disabled": lambda c: False,
    "downloads": lambda c: c.dl,
    "downloadsAllTime": lambda c: c.dl_all,
    "gated": lambda c: c.gated,
    "gguf": lambda c: c.gguf(),
    "lastModified": lambda c: c.modified,
    "library_name": lambda c: c.library,
    "likes": lambda c: c.likes,
    "pipeline_tag": lambda c: c.pipeline_tag,
    "private": lambda c: False,
    "safetensors": lambda c: c.safetensors(),
    "sha": lambda c: c.sha,
    "siblings": lambda c: c.siblings(),
    "tags": lambda c: c.tags(),
    "trendingScore": lambda c: c.trending(),
    "usedStorage": lambda c: c.used_storage(),
    "modelId": lambda c: c.id,
}
# Every ``expand`` value the real Hub accepts (huggingface_hub ExpandModelProperty_T); the ones not
# in FIELD_GETTERS are accepted and left out of the records.
HUB_EXPAND = ("author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
              "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
              "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
              "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha",
              "siblings", "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage",
              "widgetData")
# What synthetic_model returns: every field this generator synthesises.
RECORD_FIELDS = ("author", "cardData", "config", "createdAt", "disabled", "downloads", "downloadsAllTime",
                 "gated", "gguf", "lastModified", "library_name", "likes", "pipeline_tag", "private",
                 "safetensors", "sha", "tags", "trendingScore", "usedStorage")
# /api/models without expand (the Hub's default list fields).
LIST_DEFAULT_FIELDS = ("likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
                       "library_name", "createdAt", "modelId")
# /api/models/{id} without expand.
INFO_DEFAULT_FIELDS = ("private", "pipeline_tag", "library_name", "tags", "downloads", "likes", "modelId",
                       "author", "sha", "lastModified", "gated", "disabled", "config", "cardData",
                       "siblings", "createdAt", "safetensors", "usedStorage", "gguf")


@lru_cache(maxsize=16)
def universe(seed: int, n: int) -> Universe:
    return Universe(seed, n)


def record(u: Universe, i: int, fields: tuple[str, ...] = RECORD_FIELDS) -> dict[str, Any]:
    """Model ``i`` with ``_id``, ``id`` and ``fields`` (absent values left out, as the Hub does)."""
    c = Core(u, i)
    out: dict[str, Any] = {"_id": c.object_id, "id": c.id}
    for name in fields:
        getter = FIELD_GETTERS.get(name)
        if getter is not None:
            value = getter(c)
            if value is not None:
                out[name] = value
    return out


def synthetic_model(seed: int, index: int, n_models: int) -> dict[str, Any]:
    """Model ``index`` of ``n_models`` for ``seed``: the Hub API record with every synthesised field."""
    if not 0 <= index < n_models:
        raise IndexError(f"index {index} outside 0..{n_models - 1}")
    return record(universe(seed, n_models), index)


def synthetic_config(seed: int, index: int, n_models: int) -> dict[str, Any] | None:
    """The model's full ``config.json``, or None when the repository has none (GGUF, adapters, ...)."""
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


def parameter_counts(seed: int, index: int, n_models: int) -> tuple[int, int] | None:
    """(total, active) parameters of the model's family size (what an enrichment pass should find)."""
    u = universe(seed, n_models)
    lin = u.lineage(index)
    size = FAMILIES[lin.family].sizes[lin.size]
    return size.params, size.active
