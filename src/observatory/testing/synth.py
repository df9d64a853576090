"""Deterministic synthetic Hugging Face Hub model records for the fake Hub.

Model ``i`` of a universe of ``n`` models is a pure function of ``(seed, i, n)``: nothing is
materialised. Models are generated a page at a time with numpy (hashes, lineage, counts); only the
strings are assembled per model. Records use the Hub API's camelCase wire names (``createdAt``,
``cardData``, ``downloadsAllTime``, ...).

Layout of the index space (it makes ``author=`` filters cheap to enumerate):

* indices are grouped in blocks of ``BLOCK`` (100); each block has ``ORG_SLOTS`` (15) slots held
  by real organisations from the registry (``org_aliases.csv``, kind ``hf``, big labs weighted up),
  one per ``(20*s)//3 + jitter`` offset; the other 85 % are synthetic community users (``user12345``);
* one organisation slot per block is the block's *anchor*, always a base model; every
  ``FLAGSHIP_EVERY``-th block's anchor is a *flagship* (a big lab's popular base) that attracts
  many derivatives and huge download counts;
* 75 % of organisation models are bases; their derivatives (instruct finetunes, quantizations) derive
  from an earlier base of the same organisation when one is near;
* 80 % of community models are derivatives (finetune 50 %, quantized 25 %, adapter 15 %, merge 10 %
  with 2-3 parents) of an earlier model: a recent flagship, an earlier anchor or a recent community
  model, at most 3 levels deep; about 1.5 % declare a parent id that does not exist. A derivative
  inherits the family (architecture, model type, size, usually the licence) of its root;
* ``createdAt`` grows with the index (more models per day later, as on the Hub) with +-18 h of
  jitter, and a derivative is never older than its parents.

Model names end with ``-<index in hex>``, so ids are unique and an id maps back to its index.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

M64 = 0xFFFFFFFFFFFFFFFF
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
INV53 = 1.0 / (1 << 53)

BLOCK = 100
ORG_SLOTS = 15
SLOT_JITTER = 6
SLOT_START = tuple((20 * s) // 3 for s in range(ORG_SLOTS))
SLOT_OF_OFFSET = tuple(max(s for s in range(ORG_SLOTS) if SLOT_START[s] <= off) for off in range(BLOCK))
FLAGSHIP_EVERY = 64
ORG_TABLE_SIZE = 1024
FAMILY_BUCKETS = 1024
RECENT_WINDOW = 20000

START = int(datetime(2022, 1, 1, tzinfo=UTC).timestamp())
END = int(datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC).timestamp())
GROWTH = 1.5  # the rate of new models grows e^1.5 ~ 4.5x from 2022 to 2026
GROWTH_SCALE = math.expm1(GROWTH)

BIG_LABS = {"Qwen": 20, "google": 14, "microsoft": 12, "meta-llama": 12, "nvidia": 12, "mistralai": 8,
            "deepseek-ai": 6}
MID_LABS = {"facebook": 4, "allenai": 3, "HuggingFaceTB": 3, "ibm-granite": 3, "openai": 2,
            "black-forest-labs": 2, "stabilityai": 2, "THUDM": 2, "tiiuae": 2, "Salesforce": 2}
FLAGSHIP_LABS = ("Qwen", "meta-llama", "google", "mistralai", "deepseek-ai", "microsoft", "nvidia")
GATING_ORGS = ("meta-llama", "google", "mistralai")

RELATION_NAMES = (None, "finetune", "quantized", "adapter", "merge")
QUANT_NAMES = (None, "gguf", "mlx", "bnb", "awq")
BASE, FINETUNE, QUANTIZED, ADAPTER, MERGE = range(5)
GGUF, MLX, BNB, AWQ = 1, 2, 3, 4
GATED_VALUES: tuple[bool | str, ...] = (False, "auto", "manual")
DTYPE_NAMES = (None, "BF16", "F16", "F32", "quant")


def splitmix64(x: int) -> int:
    """The splitmix64 finaliser: a fast bijective 64-bit integer hash (scalar)."""
    z = (x + GOLDEN) & M64
    z = ((z ^ (z >> 30)) * MIX1) & M64
    z = ((z ^ (z >> 27)) * MIX2) & M64
    return z ^ (z >> 31)


_U = np.uint64


def smix(x: np.ndarray) -> np.ndarray:
    """splitmix64 of a uint64 array (wrapping arithmetic), equal to :func:`splitmix64` per element."""
    z = x + _U(GOLDEN)
    z = (z ^ (z >> _U(30))) * _U(MIX1)
    z = (z ^ (z >> _U(27))) * _U(MIX2)
    return z ^ (z >> _U(31))


def bits(h: np.ndarray, shift: int, mask: int) -> np.ndarray:
    """``(h >> shift) & mask`` as int64."""
    return ((h >> _U(shift)) & _U(mask)).astype(np.int64)


def unit(h: np.ndarray, shift: int = 11) -> np.ndarray:
    """A uniform float in [0, 1) from the top bits of ``h``."""
    return (h >> _U(shift)).astype(np.float64) * (2.0 ** (shift - 64))



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
           ("mit", "other"), "2024-12-26", extra_tags=("conversational", "custom_code", "fp8"),
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
# Lookup tables over families (index = family number).

LICENCES: tuple[str | None, ...] = (None, *sorted({lic for f in FAMILIES for lic in f.licences}
                                                  | {c for c in COMMUNITY_LICENCES if c != "unknown"}))
LICENCE_CODE = {lic: k for k, lic in enumerate(LICENCES)}
LIBRARIES: tuple[str | None, ...] = (None, "transformers", "peft", "diffusers", "gguf", "mlx",
                                     "sentence-transformers", "stable-baselines3")
LIBRARY_CODE = {lib: k for k, lib in enumerate(LIBRARIES)}
N_FAMILIES = len(FAMILIES)
FAM_NSIZES = np.array([len(f.sizes) for f in FAMILIES], dtype=np.int64)
FAM_NLIC = np.array([len(f.licences) for f in FAMILIES], dtype=np.int64)
FAM_LIC = np.array([[LICENCE_CODE[f.licences[k % len(f.licences)]] for k in range(8)] for f in FAMILIES],
                   dtype=np.int64)
FAM_LLM = np.array([f.llm for f in FAMILIES])
FAM_LIB = np.array([LIBRARY_CODE[f.library] for f in FAMILIES], dtype=np.int64)
FAM_DIFFUSERS = LIBRARY_CODE["diffusers"] == FAM_LIB
FAM_SENTENCE = LIBRARY_CODE["sentence-transformers"] == FAM_LIB
FAM_HAS_PIPELINE = np.array([f.pipeline_tag is not None for f in FAMILIES])
FAM_NO_WEIGHTS = np.array([f.key == "rl" for f in FAMILIES])
FAM_DTYPE = np.array([DTYPE_NAMES.index(f.dtype) for f in FAMILIES], dtype=np.int64)
COM_LIC = np.array([LICENCE_CODE.get(c, 0) for c in COMMUNITY_LICENCES], dtype=np.int64)
LLM_FAMILIES = np.array([k for k, f in enumerate(FAMILIES) if f.llm], dtype=np.int64)
SLOT_START_A = np.array(SLOT_START, dtype=np.int64)
SLOT_OF_OFFSET_A = np.array(SLOT_OF_OFFSET, dtype=np.int64)
SLOT_SHIFT_A = np.array([4 * s for s in range(ORG_SLOTS)], dtype=np.uint64)
# name pieces: stems (by family and size) and suffixes, as codes into two flat lists
STEMS: list[str] = []
STEM_CODE = np.zeros((N_FAMILIES, 8, 2), dtype=np.int64)  # [family, size, lower-case]
for _f, _fam in enumerate(FAMILIES):
    for _k, _size in enumerate(_fam.sizes):
        STEM_CODE[_f, _k, 0] = len(STEMS)
        STEMS.append(f"{_fam.display}-{_size.label}")
        STEM_CODE[_f, _k, 1] = len(STEMS)
        STEMS.append(f"{_fam.display.lower()}-{_size.label.lower()}")
QUANT_SUFFIXES = {GGUF: ("-GGUF", "-Q4_K_M-GGUF"), MLX: ("-mlx-4Bit", "-MLX-4bit"),
                  BNB: ("-bnb-4bit", "-4bit"), AWQ: ("-AWQ", "-awq")}
SUFFIX_LISTS = [list(ORG_VARIANTS), [f"-{t}" for t in COMMUNITY_TOPICS]]
SUFFIX_LISTS += [list(SUFFIXES[r]) for r in RELATION_NAMES[1:]]  # 2..5: finetune..merge
SUFFIX_LISTS += [list(QUANT_SUFFIXES[q]) for q in (GGUF, MLX, BNB, AWQ)]  # 6..9
SUFFIX_OFFSETS = np.cumsum([0] + [len(s) for s in SUFFIX_LISTS])[:-1].astype(np.int64)
SUFFIX_LENGTHS = np.array([len(s) for s in SUFFIX_LISTS], dtype=np.int64)
SUFFIX_ALL = [s for group in SUFFIX_LISTS for s in group]


class Lin:
    """Lineage columns of a set of indices (numpy arrays, one row per index)."""

    __slots__ = ("created", "depth", "fam", "flagship", "hv", "idx", "lic", "missing", "org", "parents",
                 "pr", "quant", "rel", "root", "size")

    def take(self, rows: np.ndarray) -> Lin:
        out = Lin.__new__(Lin)
        for name in Lin.__slots__:
            setattr(out, name, getattr(self, name)[rows])
        return out

    @staticmethod
    def concat(parts: Sequence[Lin]) -> Lin:
        out = Lin.__new__(Lin)
        for name in Lin.__slots__:
            setattr(out, name, np.concatenate([getattr(p, name) for p in parts]))
        return out


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
        n_orgs = len(self.orgs)
        self.org_table = self._org_table(base)
        self.k1 = (splitmix64(base ^ 0x8888) % ORG_TABLE_SIZE) | 1
        self.k2 = (splitmix64(base ^ 0x9999) % ORG_TABLE_SIZE) | 1
        # the nearest earlier slot with the same organisation-table position (so the same organisation)
        k1_inverse = pow(self.k1, -1, ORG_TABLE_SIZE)
        nearest = [min((((s2 - s) * self.k2 * k1_inverse) % ORG_TABLE_SIZE or ORG_TABLE_SIZE, s2)
                       for s2 in range(ORG_SLOTS)) for s in range(ORG_SLOTS)]
        self.same_org_distance = np.array([d for d, _ in nearest], dtype=np.int64)
        self.same_org_slot = np.array([s2 for _, s2 in nearest], dtype=np.int64)
        self.flagship_orgs = np.array([self.orgs.index(o) for o in FLAGSHIP_LABS if o in self.orgs]
                                      or [0], dtype=np.int64)
        self.gating_org = np.array([name in GATING_ORGS for name in self.orgs] + [False])
        self.eras = np.array(sorted({f.since_ts for f in FAMILIES} | {START}), dtype=np.int64)
        self.family_lut = self._family_lut(n_orgs)
        self.users = max(50, n // 6)
        self.templates: dict[tuple[str, int], str] = {}
        self.static_parts: dict[tuple[str, ...], dict[int, str]] = {}

    def _org_table(self, base: int) -> np.ndarray:
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
        table = np.array([j for j, c in enumerate(counts) for _ in range(c)], dtype=np.int64)
        return np.random.Generator(np.random.PCG64(base)).permutation(table)

    def _family_lut(self, n_orgs: int) -> np.ndarray:
        """[table, era, bucket] -> family: weighted choice among families released by the era."""
        generic = _weighted(GENERIC_ORG_FAMILIES)
        tables = [_weighted(ORG_FAMILIES.get(name, GENERIC_ORG_FAMILIES)) for name in self.orgs]
        tables.append(_weighted(COMMUNITY_ROOT_FAMILIES))
        lut = np.zeros((n_orgs + 1, len(self.eras), FAMILY_BUCKETS), dtype=np.int16)
        since = [f.since_ts for f in FAMILIES]
        for t, pairs in enumerate(tables):
            for e, era in enumerate(self.eras.tolist()):
                allowed = [(fam, w) for fam, w in pairs if since[fam] <= era]
                allowed = allowed or [(fam, w) for fam, w in generic if since[fam] <= era]
                total = sum(w for _, w in allowed)
                edges = np.cumsum([w for _, w in allowed]) * FAMILY_BUCKETS // total
                lut[t, e] = np.array([fam for fam, _ in allowed])[
                    np.searchsorted(edges, np.arange(FAMILY_BUCKETS), side="right")]
        return lut

    # -- organisation slots ------------------------------------------------------------------

    def _block_hash(self, blocks: np.ndarray) -> np.ndarray:
        return smix(blocks.astype(np.uint64) ^ _U(self.k_block))

    def _slot_index(self, blocks: np.ndarray, slots: np.ndarray, bh: np.ndarray) -> np.ndarray:
        jitter = ((bh >> SLOT_SHIFT_A[slots]) & _U(15)).astype(np.int64) % SLOT_JITTER
        return blocks * BLOCK + SLOT_START_A[slots] + jitter

    def _slot_org(self, blocks: np.ndarray, slots: np.ndarray, bh: np.ndarray) -> np.ndarray:
        org = self.org_table[(blocks * self.k1 + slots * self.k2) % ORG_TABLE_SIZE]
        flagship = (slots == (bh >> _U(60)).astype(np.int64) % ORG_SLOTS) & (
            blocks % FLAGSHIP_EVERY == self.flag_offset)
        return np.where(flagship, self.flagship_orgs[(bh >> _U(20)).astype(np.int64)
                                                     % len(self.flagship_orgs)], org)

    def anchor_index(self, blocks: np.ndarray) -> np.ndarray:
        """Index of each block's anchor (an organisation's base model)."""
        bh = self._block_hash(blocks)
        return self._slot_index(blocks, (bh >> _U(60)).astype(np.int64) % ORG_SLOTS, bh)

    def org_indices(self, org: int, start: int, stop: int) -> np.ndarray:
        """Indices in [start, stop) held by organisation ``org``, ascending, without hashing models."""
        stop = min(stop, self.n)
        if start >= stop:
            return np.zeros(0, dtype=np.int64)
        blocks = np.arange(start // BLOCK, (stop - 1) // BLOCK + 1, dtype=np.int64)[:, None]
        slots = np.arange(ORG_SLOTS, dtype=np.int64)[None, :]
        bh = self._block_hash(blocks)
        orgs = self._slot_org(blocks, slots, bh)
        idx = self._slot_index(blocks, slots, bh)
        return idx[(orgs == org) & (idx >= start) & (idx < stop)]

    # -- lineage ------------------------------------------------------------------------------

    def _base_time(self, idx: np.ndarray, hv: np.ndarray) -> np.ndarray:
        frac = np.log1p((idx + 0.5) / max(self.n, 1) * GROWTH_SCALE) / GROWTH
        jitter = bits(hv, 40, 0xFFFF) / 65536.0 - 0.5
        t = START + (frac * (END - START) + jitter * 129600).astype(np.int64)
        return np.clip(t, START, END)

    def lineage(self, idx: np.ndarray) -> Lin:
        """Lineage of the models ``idx`` (any order, repeats allowed)."""
        return self._lineage(np.asarray(idx, dtype=np.int64))[0]

    def _lineage(self, idx: np.ndarray) -> tuple[Lin, Lin | None]:
        """(lineage of ``idx``, lineage of their parents sorted by index, or None)."""
        n = len(idx)
        u = idx.astype(np.uint64)
        hv = smix(u ^ _U(self.k_model))
        b = idx // BLOCK
        off = idx - b * BLOCK
        s = SLOT_OF_OFFSET_A[off]
        bh = self._block_hash(b)
        is_org = (off - SLOT_START_A[s]) == ((bh >> SLOT_SHIFT_A[s]) & _U(15)).astype(np.int64) % SLOT_JITTER
        anchor = is_org & (s == (bh >> _U(60)).astype(np.int64) % ORG_SLOTS)
        org = np.where(is_org, self._slot_org(b, s, bh), -1)
        roll = bits(hv, 0, 0xFFFF)
        r = roll - 13107
        # organisations: 75 % bases, then finetune / quantized; community: 20 % trained from
        # scratch, then finetune 50 %, quantized 25 %, adapter 15 %, merge 10 %
        rel = np.where(org >= 0, np.where(roll < 60000, FINETUNE, QUANTIZED),
                       np.select([r < 26214, r < 39321, r < 47185], [FINETUNE, QUANTIZED, ADAPTER], MERGE))
        is_base = anchor | (b == 0) | np.where(org >= 0, roll < 49152, roll < 13107)
        rel[is_base] = BASE
        pr = smix(u ^ _U(self.k_parent))
        missing = (rel != BASE) & (org < 0) & ((pr >> _U(54)) < _U(16))  # ~1.5 %
        pick = smix(u ^ _U(self.k_pick))
        created = self._base_time(idx, hv)
        table = np.where(org >= 0, org, len(self.orgs))
        era = np.searchsorted(self.eras, created, side="right") - 1
        fam = self.family_lut[table, era, bits(pick, 6, FAMILY_BUCKETS - 1)].astype(np.int64)
        n_sizes = FAM_NSIZES[fam]
        size = bits(pick, 16, 0xFF) % n_sizes
        size[(org < 0) & (size == n_sizes - 1) & (n_sizes > 1) & (bits(pick, 24, 1) == 1)] = 0
        lic = np.where((org >= 0) | (bits(pick, 26, 3) != 0),
                       FAM_LIC[fam, bits(pick, 28, 0xFF) % FAM_NLIC[fam]],
                       COM_LIC[bits(pick, 28, 0xFF) % len(COM_LIC)])
        lin = Lin.__new__(Lin)
        lin.idx, lin.hv, lin.pr, lin.org, lin.rel, lin.missing = idx, hv, pr, org, rel, missing
        lin.flagship = anchor & (b % FLAGSHIP_EVERY == self.flag_offset)
        lin.fam, lin.size, lin.lic, lin.created = fam, size, lic, created
        lin.quant = np.zeros(n, dtype=np.int64)
        lin.depth = np.zeros(n, dtype=np.int64)
        lin.root = idx.copy()
        lin.parents = np.full((n, 3), -1, dtype=np.int64)
        if missing.any():
            m = np.nonzero(missing)[0]
            fm = LLM_FAMILIES[bits(pr[m], 8, 0xFFFF) % len(LLM_FAMILIES)]
            fam[m] = fm
            size[m] = bits(pr[m], 16, 0xFF) % FAM_NSIZES[fm]
            lic[m] = FAM_LIC[fm, bits(pr[m], 32, 0xFF) % FAM_NLIC[fm]]
            rm = np.where(rel[m] == MERGE, FINETUNE, rel[m])
            rel[m] = rm
            lin.quant[m] = np.where(rm == QUANTIZED, GGUF, 0)
            lin.depth[m] = 1
            lin.root[m] = -1
        d = np.nonzero((rel != BASE) & ~missing)[0]
        if len(d) == 0:
            return lin, None
        return lin, self._derive(lin, d, b[d], s[d])

    def _earlier_parent(self, i: np.ndarray, b: np.ndarray, r: np.ndarray, rel: np.ndarray) -> np.ndarray:
        """An earlier model for each ``i`` to derive from; ``r`` holds 64 random bits per row."""
        choice = bits(r, 0, 0xFF)
        u = bits(r, 8, 0xFFFFFF) / 16777216.0
        choice = np.where(rel == QUANTIZED, np.where(choice < 150, 0, 200), choice)  # follow new releases
        last_flag = (b - self.flag_offset - 1) // FLAGSHIP_EVERY
        k = np.minimum((-np.log1p(-u) * 6).astype(np.int64), np.maximum(last_flag, 0))
        use_flag = (choice < 110) & (last_flag >= 0)  # a recent flagship (43 %)
        use_anchor = ~use_flag & (choice < 200)  # an earlier block's anchor, recent ones favoured (35 %)
        blocks = np.where(use_flag, np.maximum(last_flag - k, 0) * FLAGSHIP_EVERY + self.flag_offset,
                          b - 1 - (u * u * b).astype(np.int64))
        recent = i - 1 - (u * u * np.minimum(i, RECENT_WINDOW)).astype(np.int64)  # a recent model (22 %)
        return np.where(use_flag | use_anchor, self.anchor_index(blocks), recent)

    def _same_org_base(self, b: np.ndarray, s: np.ndarray, org: np.ndarray) -> np.ndarray:
        """The nearest earlier base of the same organisation at a same-table slot, else -1."""
        cb = b - self.same_org_distance[s]
        cs = self.same_org_slot[s]
        cbc = np.maximum(cb, 0)
        bh = self._block_hash(cbc)
        cand = self._slot_index(cbc, cs, bh)
        anchor = cs == (bh >> _U(60)).astype(np.int64) % ORG_SLOTS
        roll = bits(smix(cand.astype(np.uint64) ^ _U(self.k_model)), 0, 0xFFFF)
        ok = (cb >= 0) & (self._slot_org(cbc, cs, bh) == org) & (anchor | (cand < BLOCK) | (roll < 49152))
        return np.where(ok, cand, -1)

    def _derive(self, lin: Lin, d: np.ndarray, b: np.ndarray, s: np.ndarray) -> Lin:
        i, org, rel, pr, hv = lin.idx[d], lin.org[d], lin.rel[d], lin.pr[d], lin.hv[d]
        n_parents = np.where(rel == MERGE, 2 + bits(pr, 50, 1), 1)
        parents = np.full((len(d), 3), -1, dtype=np.int64)
        for k in range(3):
            rk = pr if k == 0 else smix(pr ^ _U(k))
            pk = self._earlier_parent(i, b, rk, rel)
            if k == 0:
                same = self._same_org_base(b, s, org)
                pk = np.where((org >= 0) & (bits(rk, 40, 3) != 0) & (same >= 0), same, pk)
            parents[:, k] = np.where(k < n_parents, pk, -1)
        valid = parents >= 0
        uniq = np.unique(parents[valid])
        table, _ = self._lineage(uniq)
        pos = np.searchsorted(uniq, np.where(valid, parents, uniq[0]))
        pdepth, proot = table.depth[pos], table.root[pos]
        # at most 3 levels: a parent already 3 deep is replaced by its root (or, for a chain ending
        # at a missing parent, by the previous block's anchor)
        replace = valid & ((pdepth >= 3) | ((proot < 0) & (pdepth >= 2)))
        if replace.any():
            fallback = np.broadcast_to(self.anchor_index(b - 1)[:, None], parents.shape)
            parents = np.where(replace, np.where(proot >= 0, proot, fallback), parents)
            extra, _ = self._lineage(np.unique(parents[replace]))  # bases: no further recursion
            table = Lin.concat([table, extra])
            table = table.take(np.argsort(table.idx, kind="stable"))
        parents[:, 1] = np.where(parents[:, 1] == parents[:, 0], -1, parents[:, 1])
        parents[:, 2] = np.where((parents[:, 2] == parents[:, 0]) | (parents[:, 2] == parents[:, 1]), -1,
                                 parents[:, 2])
        move = (parents[:, 1] < 0) & (parents[:, 2] >= 0)
        parents[move, 1] = parents[move, 2]
        parents[move, 2] = -1
        valid = parents >= 0
        pos = np.searchsorted(table.idx, np.where(valid, parents, table.idx[0]))
        first = pos[:, 0]
        fam = table.fam[first]
        depth = np.where(valid, table.depth[pos], -1).max(axis=1) + 1
        latest = np.where(valid, table.created[pos], 0).max(axis=1)
        rel = np.where((rel == MERGE) & (valid.sum(axis=1) < 2), FINETUNE, rel)
        llm = FAM_LLM[fam]
        q = bits(hv, 16, 7)
        quant = np.where((rel == QUANTIZED) & llm, np.select([q < 4, q < 5, q < 7], [GGUF, MLX, BNB], AWQ), 0)
        rel = np.where((rel == QUANTIZED) & ~llm, FINETUNE, rel)
        rel = np.where((rel == ADAPTER) & FAM_SENTENCE[fam], FINETUNE, rel)
        earliest = latest + 3600 + bits(hv, 20, 0xFFFFF) % 1209600
        created = np.minimum(np.maximum(lin.created[d], earliest), END)
        other_licence = (org < 0) & (bits(hv, 56, 0xFF) < 20)  # ~8 %: the author picks another one
        lic = np.where(other_licence, COM_LIC[bits(hv, 24, 0xFFFF) % len(COM_LIC)], table.lic[first])
        lin.rel[d], lin.quant[d], lin.fam[d], lin.lic[d] = rel, quant, fam, lic
        lin.size[d], lin.root[d] = table.size[first], table.root[first]
        lin.created[d], lin.depth[d], lin.parents[d] = created, depth, parents
        return table

    # -- ids ----------------------------------------------------------------------------------

    def ids(self, lin: Lin) -> list[str]:
        """The model ids of the rows of ``lin``."""
        hv = lin.hv
        u = unit(hv)
        user = 10000 + (self.users * u * u).astype(np.int64)
        pick = bits(hv, 44, 0xFF)
        rel, org, quant = lin.rel, lin.org, lin.quant
        stem = STEM_CODE[lin.fam, lin.size, ((rel == BASE) & (org < 0)).astype(np.int64)]
        group = np.where(rel == BASE, np.where(org >= 0, 0, 1), np.where(quant > 0, 5 + quant, 1 + rel))
        suffix = SUFFIX_OFFSETS[group] + np.where(quant > 0, pick & 1, pick % SUFFIX_LENGTHS[group])
        names = self.orgs
        return [f"{names[o] if o >= 0 else f'user{us}'}/{STEMS[st]}{SUFFIX_ALL[sx]}-{i:x}"
                for o, us, st, sx, i in zip(org.tolist(), user.tolist(), stem.tolist(), suffix.tolist(),
                                            lin.idx.tolist(), strict=True)]

    @staticmethod
    def ghost_ids(lin: Lin) -> list[str]:
        """The declared (missing) parent id of each row (meaningful where ``lin.missing``)."""
        pr = lin.pr
        stem = STEM_CODE[lin.fam, lin.size, 0]
        return [f"removed-{ns}/{STEMS[st]}-gone{tok:x}" for ns, st, tok in
                zip((bits(pr, 24, 0xFFFFFF) % 1000).tolist(), stem.tolist(), bits(pr, 0, 0xFFFFF).tolist(),
                    strict=True)]

    def model_id(self, i: int) -> str:
        return self.ids(self.lineage(np.array([i])))[0]

    def index_of(self, model_id: str) -> int | None:
        """The index of an existing model id (compared case-insensitively, as the Hub does), or None."""
        _, _, token = model_id.rpartition("-")
        if not token or len(token) > 12 or any(c not in "0123456789abcdefABCDEF" for c in token):
            return None
        i = int(token, 16)
        if not 0 <= i < self.n:
            return None
        return i if self.model_id(i).lower() == model_id.lower() else None

    # -- pages --------------------------------------------------------------------------------

    def batch(self, indices: Sequence[int] | np.ndarray) -> Batch:
        """Every value of the models ``indices`` (0 <= i < n), computed together."""
        idx = np.asarray(indices, dtype=np.int64)
        if len(idx) and (idx.min() < 0 or idx.max() >= self.n):
            raise IndexError(f"model index outside 0..{self.n - 1}")
        return Batch(self, idx)

    def sha(self, idx: np.ndarray) -> list[str]:
        k = idx.astype(np.uint64) ^ _U(self.k_sha)
        a, b = smix(k), smix(k ^ _U(0xFFFF))
        return [f"{x:016x}{y:016x}{(x ^ y) >> 32:08x}" for x, y in zip(a.tolist(), b.tolist(), strict=True)]

    def template(self, name: str, key: Any, model: Callable[[], Model]) -> str:
        """A ``str.format`` pattern of ``,"name":value`` ({0}.. are the parent ids), cached by ``key``."""
        pattern = self.templates.get((name, key))
        if pattern is None:
            m = model()
            value = VALUES[name](self, m._replace(parents=PLACEHOLDERS[:len(m.parents)]))
            text = "" if value is None else f',"{name}":{dumps(value)}'
            pattern = PLACEHOLDER_RE.sub(r"{\1}", text.replace("{", "{{").replace("}", "}}"))
            if len(self.templates) > 200_000:
                self.templates.clear()
            self.templates[(name, key)] = pattern
        return pattern

    def encode_many(self, indices: Sequence[int] | np.ndarray, fields: Iterable[str]) -> str:
        """A JSON array of the records of ``indices`` with ``_id``, ``id`` and ``fields``."""
        if len(indices) == 0:
            return "[]"
        return "[" + ",".join(self.batch(indices).encode(fields)) + "]"

    def record(self, i: int, fields: Iterable[str] = RECORD_FIELDS) -> dict[str, Any]:
        """Model ``i`` as a dict with ``_id``, ``id`` and ``fields`` (absent values left out)."""
        return self.batch([i]).record(0, fields)

    def select(self, start: int, stop: int, *, author: str | None = None, pipeline_tag: str | None = None,
               library: str | None = None, tags: Sequence[str] = (), search: str | None = None,
               gated: bool | None = None) -> np.ndarray:
        """Indices in [start, stop) matching every given filter, ascending (a scan: O(stop - start))."""
        stop = min(stop, self.n)
        if start >= stop:
            return np.zeros(0, dtype=np.int64)
        candidates = np.arange(start, stop, dtype=np.int64)
        org_names = {name.lower(): k for k, name in enumerate(self.orgs)}
        if author is not None and author.lower() in org_names:
            candidates = self.org_indices(org_names[author.lower()], start, stop)
            author = None
        filtered = author or pipeline_tag or library or tags or search or gated is not None
        if not filtered or not len(candidates):
            return candidates
        # cheap columns first (lineage and a few bits), ids and the full batch only when needed
        lin = self.lineage(candidates)
        keep = np.ones(len(candidates), dtype=bool)
        if pipeline_tag is not None or library is not None or gated is not None:
            h2 = smix(candidates.astype(np.uint64) ^ _U(self.k_counts))
            lib, pipe, gated_code = library_pipeline_gated(self, lin, h2)
            if pipeline_tag is not None:
                keep &= pipe & np.array([f.pipeline_tag == pipeline_tag for f in FAMILIES])[lin.fam]
            if library is not None:
                keep &= lib == LIBRARY_CODE.get(library, -1)
            if gated is not None:
                keep &= (gated_code > 0) == gated
        if (author is not None or search) and keep.any():
            rows = np.nonzero(keep)[0]
            ids = self.ids(lin.take(rows))
            ok = np.ones(len(rows), dtype=bool)
            if author is not None:
                ok &= np.array([mid.partition("/")[0] == author for mid in ids])
            if search:
                needle = search.lower()
                ok &= np.array([needle in mid.lower() for mid in ids])
            keep[rows] = ok
        if tags and keep.any():
            rows = np.nonzero(keep)[0]
            batch = self.batch(candidates[rows])
            keep[rows] = [set(tags) <= set(batch.tags(k)) for k in range(len(rows))]
        return candidates[keep]


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def library_pipeline_gated(u: Universe, lin: Lin,
                           h2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(library code, has a pipeline tag, gated code) per row of ``lin``; ``h2`` the rows' count hashes."""
    hv, rel, quant, org, fam = lin.hv, lin.rel, lin.quant, lin.org, lin.fam
    lib = np.where(rel == ADAPTER, np.where(FAM_DIFFUSERS[fam], LIB_DIFFUSERS, LIB_PEFT), FAM_LIB[fam])
    lib = np.where(quant == GGUF, np.where(bits(hv, 50, 3) != 0, LIB_GGUF, 0), lib)
    lib = np.where(quant == MLX, LIB_MLX, lib)
    lib = np.where((rel == BASE) & (org < 0) & (bits(hv, 52, 15) == 0), 0, lib)
    pipe = FAM_HAS_PIPELINE[fam] & ~((rel != BASE) & (bits(hv, 54, 31) == 0))
    g = bits(h2, 60, 15)
    org_base = (rel == BASE) & (org >= 0)
    gated = np.where(org_base, np.where(u.gating_org[org] & (g < 11), np.where(g < 6, 2, 1),
                                        np.where(g == 0, 1, 0)),
                     np.where((g == 0) & (bits(h2, 8, 3) == 0), 1, 0))
    return lib, pipe, gated


LIB_PEFT, LIB_DIFFUSERS, LIB_GGUF, LIB_MLX = (LIBRARY_CODE[x] for x in ("peft", "diffusers", "gguf", "mlx"))


class Batch:
    """Every value of a set of models, as columns (python lists) ready to be written out."""

    def __init__(self, u: Universe, idx: np.ndarray) -> None:
        self.u = u
        self.idx = idx
        lin, table = u._lineage(idx)
        self.lin = lin
        n = len(idx)
        self.id = u.ids(lin)
        # parent ids
        parents = lin.parents
        self.n_parents = np.where(lin.missing, 1, (parents >= 0).sum(axis=1))
        par: list[tuple[str, ...]] = [()] * n
        if table is not None:
            pid = u.ids(table)
            valid = parents >= 0
            pos = np.searchsorted(table.idx, np.where(valid, parents, table.idx[0]))
            for row in np.nonzero(valid[:, 0])[0].tolist():
                p = pos[row]
                par[row] = tuple(pid[p[k]] for k in range(3) if valid[row, k])
        if lin.missing.any():
            ghosts = Universe.ghost_ids(lin)
            for row in np.nonzero(lin.missing)[0].tolist():
                par[row] = (ghosts[row],)
        self.parents = par
        self.author = [mid.partition("/")[0] for mid in self.id]
        # counts and dates
        hv, rel, quant, org, fam = lin.hv, lin.rel, lin.quant, lin.org, lin.fam
        h2 = smix(idx.astype(np.uint64) ^ _U(u.k_counts))
        created = lin.created
        org_base = (rel == BASE) & (org >= 0)
        u1 = ((h2 >> _U(11)).astype(np.float64) + 1.0) * INV53
        community = u1 ** (-1 / 0.85) - 1.0
        community = np.where(bits(h2, 0, 0xFF) < 90, 0.0, np.where(quant > 0, 3 * community, community))
        dl = np.where(lin.flagship, 200000 * u1 ** (-1 / 1.4), np.where(org_base, 300 * u1 ** (-1 / 1.1),
                                                                         community))
        dl = np.minimum(np.floor(dl), 80_000_000).astype(np.int64)
        age = (END - created) // 2_592_000
        growth = 1.0 + age * (0.3 + bits(h2, 8, 0xFF) / 160.0)
        dl_all = (dl * growth).astype(np.int64) + np.where(age > 0, bits(h2, 16, 0x3F), 0)
        v = bits(h2, 24, 0xFFFF) / 65536.0
        likes = (dl ** 0.62 * v * v * np.where(org_base, 3.0, 1.0)).astype(np.int64)
        trending = (likes / (1.0 + (END - created) / 604800.0)).astype(np.int64)
        days = bits(h2, 40, 0xFF)
        modified = created + (np.maximum(days - 60, 0) ** 1.6 * 3600).astype(np.int64) + bits(h2, 48, 0xFFF)
        modified = np.minimum(modified, END)
        created_ms = created * 1000 + ((hv >> _U(8)) % _U(1000)).astype(np.int64)
        modified_ms = modified * 1000 + ((h2 >> _U(52)) % _U(1000)).astype(np.int64)
        self.created = created.tolist()
        self.created_at = np.datetime_as_string(created_ms.astype("datetime64[ms]"), unit="ms").tolist()
        self.last_modified = np.datetime_as_string(modified_ms.astype("datetime64[ms]"), unit="ms").tolist()
        self.oid = [f"{c:08x}{h:016x}" for c, h in zip(self.created, hv.tolist(), strict=True)]
        self.downloads, self.downloads_all = dl.tolist(), dl_all.tolist()
        self.likes, self.trending = likes.tolist(), trending.tolist()
        lib, pipe, gated = library_pipeline_gated(u, lin, h2)
        # model card flags and card tags
        n_par = self.n_parents
        card = np.where(rel != BASE, np.where((n_par > 1) | (bits(hv, 58, 1) == 1), CARD_BASE_LIST, 0)
                        | np.where(((hv >> _U(59)) % _U(5)).astype(np.int64) < 3, CARD_RELATION, 0), 0)
        card |= np.where(pipe & (bits(h2, 34, 1) == 1), CARD_PIPELINE, 0)
        language = ((h2 >> _U(30)) % _U(len(LANGUAGES))).astype(np.int64) + 1
        card |= np.where(FAM_LLM[fam] & (bits(h2, 33, 1) == 1), language << CARD_LANGUAGE_SHIFT, 0)
        card = np.where((rel != BASE) & (org < 0) & (bits(h2, 36, 15) == 0), -1, card)  # no model card
        card_tags = np.select(
            [rel == MERGE, (rel == FINETUNE) & FAM_LLM[fam] & (bits(hv, 46, 1) == 1), quant == GGUF,
             quant == MLX, rel == ADAPTER], [6, 1 + bits(hv, 47, 1), 3, 4, 5], 0)
        # safetensors dtype (0: none)
        dtype = FAM_DTYPE[fam]
        dtype = np.where((rel != BASE) & (bits(h2, 28, 3) == 0), np.where(dtype == 2, 3, 2), dtype)
        dtype = np.where(quant > 0, 4, dtype)
        dtype = np.where((rel == ADAPTER) | (quant == GGUF) | FAM_NO_WEIGHTS[fam]
                         | ((rel == BASE) & (org < 0) & (bits(hv, 52, 15) < 2)), 0, dtype)
        imatrix = (quant == GGUF) & (bits(hv, 48, 1) == 1)
        self.gated_code = gated
        self.library = [LIBRARIES[k] for k in lib.tolist()]
        self.pipeline = [FAMILIES[f].pipeline_tag if p else None for f, p in
                         zip(fam.tolist(), pipe.tolist(), strict=True)]
        self.card, self.card_tags, self.dtype = card.tolist(), card_tags.tolist(), dtype.tolist()
        self.imatrix = imatrix.tolist()
        # template keys: every attribute a templated field depends on
        lic = lin.lic
        self.static_key = (fam | lin.size << 5 | rel << 8 | quant << 11 | dtype << 14 | lib << 17
                           | pipe.astype(np.int64) << 21 | gated << 22).tolist()
        self.tags_key = (fam | rel << 5 | quant << 8 | lic << 11 | lib << 17 | pipe.astype(np.int64) << 21
                         | card_tags << 22 | (dtype > 0).astype(np.int64) << 25
                         | imatrix.astype(np.int64) << 26 | n_par << 27).tolist()
        self.card_key = np.where(card < 0, -1, card | lic << 7 | fam << 13 | lib << 18 | rel << 22
                                 | n_par << 25 | card_tags << 27 | pipe.astype(np.int64) << 30).tolist()

    def __len__(self) -> int:
        return len(self.idx)

    def model(self, row: int) -> Model:
        lin = self.lin
        return Model(
            int(self.idx[row]), self.id[row], self.author[row], self.oid[row], self.created[row],
            self.created_at[row] + "Z", self.last_modified[row] + "Z", self.downloads[row],
            self.downloads_all[row], self.likes[row], self.trending[row], RELATION_NAMES[lin.rel[row]],
            self.parents[row], int(lin.fam[row]), int(lin.size[row]), QUANT_NAMES[lin.quant[row]],
            LICENCES[lin.lic[row]], self.library[row], self.pipeline[row],
            GATED_VALUES[self.gated_code[row]], self.card[row], self.card_tags[row],
            DTYPE_NAMES[self.dtype[row]], self.imatrix[row], int(lin.org[row]))

    def record(self, row: int, fields: Iterable[str] = RECORD_FIELDS) -> dict[str, Any]:
        m = self.model(row)
        out: dict[str, Any] = {"_id": m.oid, "id": m.id}
        for name in fields:
            func = VALUES.get(name)
            if func is not None:
                value = func(self.u, m)
                if value is not None:
                    out[name] = value
        return out

    def tags(self, row: int) -> list[str]:
        pattern = self.u.template("tags", self.tags_key[row], lambda: self.model(row))
        return json.loads("{" + pattern[1:].format(*self.parents[row]) + "}")["tags"]

    def encode(self, fields: Iterable[str]) -> list[str]:
        """Each model's JSON object with ``_id``, ``id`` and ``fields`` (in that order)."""
        u = self.u
        wanted = tuple(dict.fromkeys(f for f in fields if f in VALUES))
        head = "{{" + ",".join(['"_id":"{0}"', '"id":"{1}"'] + [VARIABLE_FORMATS[f] for f in wanted
                                                                  if f in VARIABLE_FORMATS])
        fmt = head.format
        static = tuple(f for f in wanted if f in STATIC_FIELDS)
        static_cache = u.static_parts.setdefault(static, {})
        templated = [name for name in ("tags", "cardData") if name in wanted]
        sha = u.sha(self.idx) if "sha" in wanted else [""] * len(self)
        siblings = "siblings" in wanted
        templates = u.templates
        out = []
        columns = zip(self.oid, self.id, self.author, self.created_at, self.last_modified, self.downloads,
                      self.downloads_all, self.likes, self.trending, sha, self.static_key, self.tags_key,
                      self.card_key, self.parents, strict=True)
        for row, (oid, mid, author, cat, lmod, dl, dla, likes, trend, sh, skey, tkey, ckey, par) in enumerate(
                columns):
            text = fmt(oid, mid, author, cat, lmod, dl, dla, likes, trend, sh)
            if static:
                part = static_cache.get(skey)
                if part is None:
                    m = self.model(row)
                    part = "".join(f',"{name}":{dumps(value)}' for name in static
                                   if (value := VALUES[name](u, m)) is not None)
                    static_cache[skey] = part
                text += part
            for name in templated:
                key = tkey if name == "tags" else ckey
                if key == -1:
                    continue
                pattern = templates.get((name, key))
                if pattern is None:
                    pattern = u.template(name, key, lambda row=row: self.model(row))
                text += pattern.format(*par)
            if siblings:
                text += ',"siblings":' + dumps(_siblings_value(u, self.model(row)))
            out.append(text + "}")
        return out


# Per-model fields: their str.format pieces ({0} _id, {1} id, {2} author, {3} createdAt without the
# final Z, {4} lastModified without Z, {5} downloads, {6} downloadsAllTime, {7} likes, {8} trendingScore,
# {9} sha).
VARIABLE_FORMATS = {
    "author": '"author":"{2}"',
    "createdAt": '"createdAt":"{3}Z"',
    "downloads": '"downloads":{5}',
    "downloadsAllTime": '"downloadsAllTime":{6}',
    "lastModified": '"lastModified":"{4}Z"',
    "likes": '"likes":{7}',
    "modelId": '"modelId":"{1}"',
    "sha": '"sha":"{9}"',
    "trendingScore": '"trendingScore":{8}',
}
# Fields whose value depends on (family, size, relation, quant, dtype, library, pipeline, gated) only.
STATIC_FIELDS = frozenset({"config", "disabled", "gated", "gguf", "library_name", "pipeline_tag", "private",
                           "safetensors", "usedStorage"})


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
    return gguf_header(m.family, m.size) if m.quant == "gguf" else None


def full_gguf_header(fam: int, size: int, tokenizer: dict[str, Any] | None) -> dict[str, Any]:
    """The GGUF header as real Hub listings give it: the fake listing's fields plus the chat
    template and bos/eos tokens (real ``gguf`` listings carry them; the fake Hub's listing leaves
    them out so its pinned records stay unchanged)."""
    header: dict[str, Any] = gguf_header(fam, size)
    for name in ("chat_template", "bos_token", "eos_token"):
        if tokenizer and tokenizer.get(name) is not None:
            header[name] = tokenizer[name]
    return header


def gguf_header(fam: int, size: int) -> dict[str, Any]:
    """The listing's GGUF header of a GGUF quantization of family ``fam`` and size ``size``."""
    family = FAMILIES[fam]
    return {"total": family.sizes[size].params, "architecture": family.model_type,
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
    "sha": lambda u, m: u.sha(np.array([m.i]))[0],
    "siblings": _siblings_value,
    "tags": _tags_value,
    "trendingScore": lambda u, m: m.trending,
    "usedStorage": _used_storage,
}

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
    """Model ``i``'s config.json: its root checkpoint's config with the model's own noise."""
    keys = config_keys(u, np.array([i], dtype=np.int64))
    if not keys.has_config[0]:
        return None
    config = copy.deepcopy(_config_from_key(*keys.key(0), u.orgs))  # the cached dict stays intact
    name = names_or_paths(u, u.lineage(np.array([i], dtype=np.int64)))[0]
    return config if name is None else {"_name_or_path": name, **config}


# --------------------------------------------------------------------------------------------
# Served config.json and tokenizer facts, as real checkpoints show them.
#
# A base checkpoint's config is fixed by its family and size (the dimensions), its organisation
# (an organisation re-using another lab's architecture keeps the dimensions but picks its own
# context length, rope base and chat template), its *generation* (checkpoints of the same
# organisation and size released about 200 days apart differ in chat template and, later, in a
# yarn rope_scaling block) and whether it is an instruct checkpoint (a chat template and a chat
# end-of-turn token) or a base one (usually no template). Many checkpoints share one config, as on
# the Hub. Derivatives copy their ROOT's config and tokenizer facts, with the changes real
# fine-tunes make: a padded vocabulary, another torch_dtype, an extended context with
# rope_scaling, a community chat template (and its eos token); quantizations add their
# quantization_config (AWQ also float16). GGUF repositories have no config.json (their facts come
# from the listing's GGUF header); adapters have none either.
#
# config.json's ``_name_or_path`` is what transformers records as the id or directory a checkpoint
# was loaded from before it was saved. The shares below are this generator's assumptions, not
# measured Hub figures: fine-tunes and merges name their (first) parent's Hub id 40 % of the time and
# a local directory 25 %; quantizations (re-saved by AutoAWQ, bitsandbytes or mlx-lm) 30 % and 10 %;
# bases their own id 15 % and a local directory 20 %. One named id in 20 is not the parent but an
# unrelated earlier model (a config copied from elsewhere).

FAMILY_HOME = {"llama": "meta-llama", "qwen2": "Qwen", "qwen3": "Qwen", "qwen3_moe": "Qwen",
               "qwen2_5_vl": "Qwen", "mistral": "mistralai", "mixtral": "mistralai", "gemma2": "google",
               "gemma3": "google", "deepseek_v3": "deepseek-ai", "phi3": "microsoft", "nemotron": "nvidia",
               "gpt_oss": "openai", "olmo2": "allenai", "granite": "ibm-granite", "gpt2": "openai",
               "bert": "google", "roberta_cls": "facebook", "vit": "google", "whisper": "openai"}
# family -> (bos, bos id, eos of a base checkpoint, its id, eos of a chat checkpoint, its id)
TokenFacts = tuple[str | None, int | None, str, int, str, int]
FAMILY_TOKENS: dict[str, TokenFacts] = {
    "llama": ("<|begin_of_text|>", 128000, "<|end_of_text|>", 128001, "<|eot_id|>", 128009),
    "qwen2": (None, None, "<|endoftext|>", 151643, "<|im_end|>", 151645),
    "qwen3": (None, None, "<|endoftext|>", 151643, "<|im_end|>", 151645),
    "qwen3_moe": (None, None, "<|endoftext|>", 151643, "<|im_end|>", 151645),
    "qwen2_5_vl": (None, None, "<|endoftext|>", 151643, "<|im_end|>", 151645),
    "mistral": ("<s>", 1, "</s>", 2, "</s>", 2),
    "mixtral": ("<s>", 1, "</s>", 2, "</s>", 2),
    "gemma2": ("<bos>", 2, "<eos>", 1, "<end_of_turn>", 107),
    "gemma3": ("<bos>", 2, "<eos>", 1, "<end_of_turn>", 106),
    "deepseek_v3": ("<｜begin▁of▁sentence｜>", 0, "<｜end▁of▁sentence｜>", 1, "<｜end▁of▁sentence｜>", 1),
    "phi3": ("<s>", 1, "<|endoftext|>", 32000, "<|end|>", 32007),
    "nemotron": ("<s>", 2, "</s>", 3, "<extra_id_1>", 5),
    "gpt_oss": ("<|startoftext|>", 199998, "<|return|>", 200002, "<|return|>", 200002),
    "olmo2": (None, None, "<|endoftext|>", 100257, "<|endoftext|>", 100257),
    "granite": ("<|end_of_text|>", 0, "<|end_of_text|>", 0, "<|end_of_text|>", 0),
    "gpt2": ("<|endoftext|>", 50256, "<|endoftext|>", 50256, "<|endoftext|>", 50256),
    "bert": ("[CLS]", 101, "[SEP]", 102, "[SEP]", 102),
    "roberta_cls": ("<s>", 0, "</s>", 2, "</s>", 2),
    "whisper": ("<|endoftext|>", 50257, "<|endoftext|>", 50257, "<|endoftext|>", 50257),
}
INSTRUCT_VARIANTS = frozenset(k for k, v in enumerate(ORG_VARIANTS) if v in ("-Instruct", "-Chat", "-it"))
GENERATION_SECONDS = 200 * 86400
ENCODER_VOCABS = (30000, 31002, 32000, 42000, 50000, 52000, 64000, 119547)
# Chat templates fine-tuners bring: (name, the eos token it uses, None: the base's).
COMMUNITY_TEMPLATES = (("chatml", "<|im_end|>"), ("alpaca", None), ("vicuna", None), ("llama3", "<|eot_id|>"))
FT_DTYPES = ("float16", "float32")
K_CONFIG = 0xC0F1
K_NAME = 0x7A3E
# relation -> (P(_name_or_path is the parent's Hub id), P(it is a local directory)), per 256
NAME_SHARES = {BASE: (38, 51), FINETUNE: (102, 64), MERGE: (102, 64), QUANTIZED: (77, 26)}
LOCAL_DIRS = ("/workspace/outputs/checkpoint-1200", "./merged_model", "outputs/final",
              "/root/.cache/huggingface/hub/model", "/data/ckpt/global_step500")
FAM_SINCE = np.array([f.since_ts for f in FAMILIES], dtype=np.int64)
FAM_ROPE = np.array([f.rope_theta > 0 for f in FAMILIES])
FAM_CONFIG = np.array([f.config_json and f.model_type is not None for f in FAMILIES])
VOCAB_MODES = 3  # 0: as the base, 1: +1 (an added pad token), 2: rounded up to a multiple of 64
KEY_FIELDS = ("fam", "size", "quant", "org", "gen", "instruct", "templated", "vocab_mode", "dtype_mode",
              "context_ext", "template_mode", "line")
# An organisation's release line changes its context length and rope base, as Qwen2.5's lines do
# (config.json of Qwen2.5-7B: 131072 positions, rope base 1e6; Qwen2.5-Math-7B: 4096 and 1e4;
# Qwen2.5-7B-Instruct-1M: 1010000 and 1e7; Qwen2.5-Coder-7B: 32768 and 1e6): (context multiplier,
# rope multiplier) of the general line and three specialised ones, taken by half of the releases.
LINES = ((1.0, 1.0), (1 / 32, 0.01), (8.0, 10.0), (0.25, 1.0))


@dataclass
class ConfigKeys:
    """Everything a model's config.json depends on, as int columns (one row per model)."""

    has_config: np.ndarray
    columns: dict[str, np.ndarray]

    def key(self, row: int) -> tuple[int, ...]:
        return tuple(int(self.columns[name][row]) for name in KEY_FIELDS)

    def stacked(self) -> np.ndarray:
        return np.stack([self.columns[name] for name in KEY_FIELDS], axis=1)


def config_keys(u: Universe, idx: np.ndarray) -> ConfigKeys:
    """The config keys of models ``idx`` (vectorised: lineage of the models and of their roots)."""
    lin = u.lineage(idx)
    root = u.lineage(np.where(lin.root >= 0, lin.root, idx))  # a missing parent: the model itself
    fam, rel, quant = lin.fam, lin.rel, lin.quant
    org = np.where(lin.root >= 0, root.org, -1)
    instruct = (org >= 0) & np.isin(bits(root.hv, 44, 0xFF) % len(ORG_VARIANTS), list(INSTRUCT_VARIANTS))
    gen = np.where(org >= 0, np.clip((root.created - FAM_SINCE[fam]) // GENERATION_SECONDS, 0, 3), 0)
    templated = instruct | ((org >= 0) & (bits(root.hv, 36, 3) == 0))  # some bases ship a template
    # 1: the template of the organisation's line (family and generation), shared by its releases;
    # 2 + the root's index: the release's own (3 releases in 4 carry release-specific text)
    own_template = bits(root.hv, 32, 3) != 0
    line_roll = bits(root.hv, 26, 7)  # 0-3: the general line, 4-7: a specialised one
    line = np.where((org >= 0) & FAM_ROPE[fam] & FAM_LLM[fam] & (line_roll >= 4), 1 + line_roll % 3, 0)
    templated = np.where(templated, np.where(own_template, 2 + root.idx, 1), 0)
    hc = smix(idx.astype(np.uint64) ^ _U(splitmix64(u.seed ^ K_CONFIG)))
    tuned = (rel == FINETUNE) | (rel == MERGE)
    roll = bits(hc, 0, 0xFF)
    vocab_mode = np.where(tuned & FAM_LLM[fam], np.select([roll < 10, roll < 26], [1, 2], 0), 0)
    dtype_mode = np.where(tuned & (bits(hc, 8, 0xFF) < 38), 1 + bits(hc, 16, 1), 0)
    dtype_mode = np.where(quant == AWQ, 1, dtype_mode)
    context_ext = tuned & FAM_ROPE[fam] & (bits(hc, 20, 0xFF) < 20)
    t = bits(hc, 28, 0xFF)  # 0: keep the root's template, 1-4: a community one, 5: none
    template_mode = np.where(tuned & FAM_LLM[fam], np.select([t < 70, t < 90], [1 + t % 4, 5], 0), 0)
    template_mode = np.where((quant == GGUF) & (t < 26), 5, template_mode)  # converted without one
    has_config = FAM_CONFIG[fam] & (rel != ADAPTER) & (quant != GGUF)
    columns = {"fam": fam, "size": lin.size, "quant": quant, "org": org, "gen": gen,
               "instruct": instruct.astype(np.int64), "templated": templated.astype(np.int64),
               "vocab_mode": vocab_mode, "dtype_mode": dtype_mode,
               "context_ext": context_ext.astype(np.int64), "template_mode": template_mode, "line": line}
    return ConfigKeys(has_config, columns)


def _org_style(org_name: str | None, family: Family, gen: int) -> tuple[int, float, int | None]:
    """(context length, rope base, vocabulary or None: the family's) of an organisation's checkpoint.

    The family's home organisation keeps the family's values; another one re-using the
    architecture picks its own context length and rope base, and for an encoder or other non-LLM
    family its own tokenizer (a language-specific vocabulary, one per organisation and generation).
    """
    if org_name is None or FAMILY_HOME.get(family.key) == org_name:
        return family.max_positions, family.rope_theta, None
    h = splitmix64(sum(ord(c) << (7 * (k % 8)) for k, c in enumerate(org_name)) ^ FAMILY[family.key])
    context = family.max_positions * (2, 4, 1, 8)[h % 4]
    theta = family.rope_theta * (1.0, 10.0, 0.5)[(h >> 8) % 3]
    vocab = None
    if not family.llm and family.sizes[0].vocab:
        vocab = ENCODER_VOCABS[splitmix64(h ^ gen) % len(ENCODER_VOCABS)]
    return context, theta, vocab


def _chat_template(org_name: str | None, family: Family, gen: int, mode: int, templated: int) -> str | None:
    if mode == 5:
        return None
    if mode:
        name = COMMUNITY_TEMPLATES[mode - 1][0]
        return ("{% for message in messages %}{{ '<" + name + ">' + message['role'] + '\\n' + "
                "message['content'] }}{% endfor %}")
    # a release's own template embeds its own text, as real ones do (Llama 3.1's knowledge
    # cutoff date, Qwen2.5's default system prompt, DeepSeek-R1's opening <think>)
    release = f":r{templated - 2:x}" if templated >= 2 else ""
    return ("{%- for message in messages %}{{- '<|" + f"{org_name}:{family.key}:v{gen}{release}" + "|>' + "
            "message['role'] + message['content'] + eos_token }}{%- endfor %}")


def _tokenizer_from_key(fam: int, org: int, gen: int, instruct: int, templated: int,
                        template_mode: int, orgs: Sequence[str]) -> dict[str, Any]:
    """tokenizer_config.json facts: bos/eos tokens and chat template (as ``config_row`` reads them)."""
    family = FAMILIES[fam]
    bos, bos_id, eos, eos_id, chat_eos, chat_eos_id = FAMILY_TOKENS.get(
        family.key, ("<s>", 1, "</s>", 2, "</s>", 2))
    if instruct:
        eos, eos_id = chat_eos, chat_eos_id
    org_name = orgs[org] if org >= 0 else None
    template = (_chat_template(org_name, family, gen, template_mode, templated)
                if (templated or template_mode) else None)
    if template_mode and template_mode < 5 and COMMUNITY_TEMPLATES[template_mode - 1][1]:
        eos = COMMUNITY_TEMPLATES[template_mode - 1][1] or eos
    if not family.llm:
        return {}
    return {"bos_token": bos, "bos_token_id": bos_id, "eos_token": eos, "eos_token_id": eos_id,
            "chat_template": template}


@lru_cache(maxsize=65536)
def _config_from_key(fam: int, size_code: int, quant: int, org: int, gen: int, instruct: int,
                     templated: int, vocab_mode: int, dtype_mode: int, context_ext: int,
                     template_mode: int, line: int, orgs: tuple[str, ...]) -> dict[str, Any]:
    family = FAMILIES[fam]
    size = family.sizes[size_code]
    context, theta, vocab_of_org = _org_style(orgs[org] if org >= 0 else None, family, gen)
    context, theta = max(512, int(context * LINES[line][0])), theta * LINES[line][1]
    vocab = vocab_of_org or size.vocab
    if vocab_mode == 1:
        vocab += 1
    elif vocab_mode == 2:
        vocab = (vocab // 64 + 1) * 64
    dtype = {"BF16": "bfloat16", "F16": "float16", "F32": "float32"}[family.dtype]
    if dtype_mode:
        dtype = FT_DTYPES[dtype_mode - 1] if FT_DTYPES[dtype_mode - 1] != dtype else "bfloat16"
    tokens = _tokenizer_from_key(fam, org, gen, instruct, templated, template_mode, orgs)
    config: dict[str, Any] = {
        "architectures": list(family.architectures),
        "model_type": family.model_type,
        "vocab_size": vocab,
        "hidden_size": size.hidden,
        "num_hidden_layers": size.layers,
        "num_attention_heads": size.heads,
        "num_key_value_heads": size.kv_heads,
        "intermediate_size": size.inter,
        "max_position_embeddings": context * (4 if context_ext else 1),
        "torch_dtype": dtype,
        "tie_word_embeddings": False,
        "transformers_version": "4.51.3",
    }
    if tokens.get("bos_token_id") is not None:
        config["bos_token_id"] = tokens["bos_token_id"]
    if tokens:
        config["eos_token_id"] = tokens["eos_token_id"]
    if theta:
        config["rope_theta"] = theta
    if context_ext:
        config["rope_scaling"] = {"factor": 4.0, "original_max_position_embeddings": context,
                                  "rope_type": "yarn" if template_mode % 2 else "linear"}
    elif gen >= 2 and theta:
        config["rope_scaling"] = {"factor": 4.0, "original_max_position_embeddings": context // 4 or 1,
                                  "rope_type": "yarn"}
    if size.experts:
        config[family.expert_key or "num_local_experts"] = size.experts
        config["num_experts_per_tok"] = size.top_k
        config["moe_intermediate_size"] = size.moe_inter
        if size.shared:
            config["n_shared_experts"] = size.shared
    quantization = quantization_config(QUANT_NAMES[quant])
    if quantization:
        config["quantization_config"] = quantization
    return config


def tokenizer_config(u: Universe, i: int) -> dict[str, Any] | None:
    """Model ``i``'s tokenizer facts (bos/eos tokens, chat template), None where no config.json."""
    keys = config_keys(u, np.array([i], dtype=np.int64))
    if not keys.has_config[0] or not FAMILIES[int(keys.columns["fam"][0])].llm:
        return None
    fam, _, _, org, gen, instruct, templated, _, _, _, mode, _ = keys.key(0)
    return _tokenizer_from_key(fam, org, gen, instruct, templated, mode, u.orgs)


def _safetensors_totals(u: Universe, lin: Lin) -> np.ndarray:
    """The listing's ``safetensors.total`` per model (-1: none), as ``_safetensors_value`` gives it."""
    params = np.array([[s.params for s in f.sizes] + [0] * (8 - len(f.sizes)) for f in FAMILIES],
                      dtype=np.int64)
    kept = np.array([[s.vocab * s.hidden * 2 + s.layers * s.hidden * 2 for s in f.sizes]
                     + [0] * (8 - len(f.sizes)) for f in FAMILIES], dtype=np.int64)
    total, keep = params[lin.fam, lin.size], kept[lin.fam, lin.size]
    packed = (total - keep) // np.where(lin.quant == BNB, 2, 8)
    total = np.where(lin.quant > 0, keep + packed, total)
    none = ((lin.rel == ADAPTER) | (lin.quant == GGUF) | FAM_NO_WEIGHTS[lin.fam]
            | ((lin.rel == BASE) & (lin.org < 0) & (bits(lin.hv, 52, 15) < 2)))
    return np.where(none, -1, total)


def config_table(u: Universe, idx: Sequence[int] | np.ndarray | None = None) -> pd.DataFrame:
    """``hub_configs`` facts (``config_row`` columns) of models ``idx`` (default: all) that have any.

    A model with a config.json gives the row of its config, tokenizer facts and safetensors total;
    a GGUF quantization the row of its listing GGUF header; adapters and diffusers/RL repos none.
    Rows are built once per distinct key and copied, so 200,000 models take about a second.
    """
    from observatory.sources.hub_fingerprint import FACT_FIELDS, config_row, hub_id

    idx = np.arange(u.n, dtype=np.int64) if idx is None else np.asarray(idx, dtype=np.int64)
    lin = u.lineage(idx)
    keys = config_keys(u, idx)
    gguf = (lin.quant == GGUF) & FAM_CONFIG[lin.fam]
    wanted = np.nonzero(keys.has_config | gguf)[0]
    stacked = np.concatenate([keys.stacked(), _safetensors_totals(u, lin)[:, None], gguf[:, None]], axis=1)
    unique, inverse = np.unique(stacked[wanted], axis=0, return_inverse=True)
    facts = [_facts_of_key(tuple(key), u.orgs, config_row) for key in unique.tolist()]
    table = pd.DataFrame([f or {} for f in facts], columns=["model_id", *FACT_FIELDS])
    out = table.iloc[inverse.reshape(-1)].reset_index(drop=True)
    out["model_id"] = u.ids(lin.take(wanted))
    out["name_or_path"] = [n if n is None else hub_id(n) for n in names_or_paths(u, lin.take(wanted))]
    out.loc[gguf[wanted], "name_or_path"] = None  # GGUF repositories have no config.json
    present = out[list(FACT_FIELDS)].notna().any(axis=1)
    return out[present].reset_index(drop=True)


def names_or_paths(u: Universe, lin: Lin) -> list[str | None]:
    """The ``_name_or_path`` of each model's config.json (see NAME_SHARES), None: not written."""
    idx = lin.idx
    h = smix(idx.astype(np.uint64) ^ _U(splitmix64(u.seed ^ K_NAME)))
    roll, stray = bits(h, 0, 0xFF), bits(h, 8, 0xFF) < 13
    hub_share = np.zeros(len(idx), dtype=np.int64)
    local_share = np.zeros(len(idx), dtype=np.int64)
    for rel, (hub, local) in NAME_SHARES.items():
        hub_share[lin.rel == rel], local_share[lin.rel == rel] = hub, local
    named = roll < hub_share
    local = ~named & (roll < hub_share + local_share)
    first = lin.parents[:, 0]
    derived = (lin.rel != BASE) & (first >= 0)
    named &= (lin.rel == BASE) | derived  # a missing parent's id: not written
    source = np.where(derived, first, idx)
    source = np.where(named & stray, u.anchor_index(np.maximum(idx // BLOCK - 1, 0)), source)
    out: list[str | None] = [None] * len(idx)
    rows = np.nonzero(named)[0]
    for row, name in zip(rows.tolist(), u.ids(u.lineage(source[rows])), strict=True):
        out[row] = name
    for row in np.nonzero(local)[0].tolist():
        out[row] = LOCAL_DIRS[int(h[row] >> _U(20)) % len(LOCAL_DIRS)]
    return out


def config_rows(u: Universe, idx: Sequence[int] | np.ndarray | None = None) -> list[dict[str, Any]]:
    """:func:`config_table` as row dicts (nulls as None)."""
    table = config_table(u, idx).astype(object)
    return table.where(table.notna(), None).to_dict("records")


def _facts_of_key(key: tuple[int, ...], orgs: tuple[str, ...],
                  config_row: Callable[..., dict[str, Any] | None]) -> dict[str, Any] | None:
    *config_key, total, is_gguf = key
    fam, size = config_key[0], config_key[1]
    fam, _, _, org, gen, instruct, templated, _, _, _, mode, _ = config_key
    tokenizer = (_tokenizer_from_key(fam, org, gen, instruct, templated, mode, orgs)
                 if FAMILIES[fam].llm else None)
    config = _config_from_key(*config_key, orgs)
    if is_gguf:  # converted from the checkpoint: its context length, not the family's default
        header = full_gguf_header(fam, size, tokenizer)
        return config_row("", None, gguf={**header, "context_length": config["max_position_embeddings"]})
    return config_row("", config, tokenizer_config=tokenizer, safetensors_total=total if total >= 0 else None)


def parameter_counts(seed: int, index: int, n_models: int) -> tuple[int, int]:
    """(total, active) parameters implied by the model's config (what an enrichment pass should find)."""
    lin = universe(seed, n_models).lineage(np.array([index]))
    size = FAMILIES[int(lin.fam[0])].sizes[int(lin.size[0])]
    return size.params, size.active
