"""Synthetic Hub dumps in the layouts of the two public datasets, for the fake Hub.

* ``hfmlsoc/hub_weekly_snapshots`` (ODbL-1.0): one folder per week, ``models/<YYYY-MM-DD>/
  models.parquet``, each the whole Hub's model table as of that date.
* ``cfahlgren1/hub-stats`` (Apache-2.0): one ``models.parquet`` at the root, rewritten daily, so
  its commit history is the daily history.

``models_table`` writes the columns the public files have (the datasets' viewers and the code
that reads them list ``id, author, createdAt, lastModified, likes, trendingScore, downloads,
downloadsAllTime, tags, pipeline_tag, library_name`` and the large nested ``cardData`` (a JSON
string), ``baseModels``, ``siblings``, ``config``, ``safetensors`` and ``gguf``), vectorised so a
benchmark can build 2,500,000 rows. Everything is derived from the seed and the week number, so a
later week is the earlier one with more models, likes and downloads.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

WEEKLY_REPO = "hfmlsoc/hub_weekly_snapshots"
DAILY_REPO = "cfahlgren1/hub-stats"

# Namespaces with real names (so attribution has something to find) and made-up users.
ORGS = ("meta-llama", "Qwen", "deepseek-ai", "google", "mistralai", "microsoft", "bigscience",
        "openai", "zai-org", "moonshotai", "unsloth", "TheBloke", "bartowski", "mlx-community")
USERS = 500  # user namespaces ``user0000`` ...
BASES = ("meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-7B-Instruct", "google/gemma-2-9b-it",
         "mistralai/Mistral-7B-Instruct-v0.3", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")
RELATIONS = ("finetune", "adapter", "merge", "quantized")
PIPELINES = ("text-generation", "text-classification", "image-text-to-text",
             "text-to-image", "automatic-speech-recognition", None)
LIBRARIES = ("transformers", "peft", "gguf", "mlx", "diffusers", None)
LICENCES = ("apache-2.0", "mit", "llama3.1", "gemma", "other", "cc-by-nc-4.0")
ARCHITECTURES = (("LlamaForCausalLM", "llama"), ("Qwen2ForCausalLM", "qwen2"),
                 ("Gemma2ForCausalLM", "gemma2"), ("MistralForCausalLM", "mistral"))
TEMPLATES = tuple("{% for m in messages %}<|" + name + "|>{{ m['content'] }}{% endfor %}"
                  for name in ("llama", "qwen", "gemma", "mistral"))
START = datetime(2022, 3, 1, tzinfo=UTC)
# Sizes of the large columns, set so a file weighs what the real ones do per model: the weekly
# file of 2026-09-30 declares 1,572,863,800 bytes for about 2.5 million models (~630 bytes each).
CARD_WORDS = 100  # 8 random letters each: the card's free text
SIBLINGS = 6  # files per repository


def _strings(values: list[str | None]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _choice(rng: np.random.Generator, options: tuple, n: int) -> list:
    picks = rng.integers(0, len(options), n)
    return [options[i] for i in picks]


def _list_array(offsets: np.ndarray, values: pa.Array, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else pa.array(~valid)
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), values, mask=mask)


def models_table(n: int, week: int = 0, seed: int = 0, start: int = 0) -> pa.Table:
    """``n`` models as the dumps store them, the first ``n`` of an ever-growing Hub (``start``:
    models ``start`` to ``start + n``, for writing a big file a piece at a time)."""
    rng = np.random.default_rng([seed, start])  # the same models every week: only counts grow
    index = np.arange(start, start + n)
    org_pick = rng.integers(0, len(ORGS) + USERS, n)
    owners = [ORGS[i] if i < len(ORGS) else f"user{i - len(ORGS):04d}" for i in org_pick]
    ids = [f"{owner}/model-{i}" for owner, i in zip(owners, index, strict=True)]
    popular = rng.pareto(1.2, n)
    likes = (popular * 3).astype(np.int64) + week
    downloads = (popular * 400).astype(np.int64) + 10 * week
    created = START.timestamp() + index * 20.0  # newer models later
    has_base = rng.random(n) < 0.35
    relation = _choice(rng, RELATIONS, n)
    base = _choice(rng, BASES, n)
    pipeline = _choice(rng, PIPELINES, n)
    licence = _choice(rng, LICENCES, n)
    arch = rng.integers(0, len(ARCHITECTURES), n)
    has_config = rng.random(n) < 0.6
    is_gguf = rng.random(n) < 0.08
    noise = rng.integers(0, 2**62, (n, CARD_WORDS), dtype=np.int64)

    tags, tag_offsets = [], [0]
    for i in range(n):
        row = [f"license:{licence[i]}", "region:us"]
        if pipeline[i]:
            row.append(pipeline[i])
        if has_base[i]:
            row.append(f"base_model:{relation[i]}:{base[i]}")
        tags.extend(row)
        tag_offsets.append(len(tags))
    words = noise.view(np.uint8).reshape(n, CARD_WORDS * 8) % 26 + 97  # random lower-case text
    notes = words.view(f"S{CARD_WORDS * 8}").ravel()
    cards = [json.dumps({"license": licence[i], **({"base_model": base[i]} if has_base[i] else {}),
                         "notes": notes[i].decode()}) for i in range(n)]
    base_ids = pa.StructArray.from_arrays([_strings([b if h else None for b, h in
                                                     zip(base, has_base, strict=True)])], ["id"])
    base_models = pa.StructArray.from_arrays(
        [_strings([r if h else None for r, h in zip(relation, has_base, strict=True)]),
         _list_array(np.arange(n + 1, dtype=np.int32), base_ids)],
        ["relation", "models"], mask=pa.array(~has_base))
    files = [f"model-{k:05d}-of-{SIBLINGS:05d}-{noise[i, k]:x}.safetensors" for i in range(n)
             for k in range(SIBLINGS)]
    siblings = _list_array(np.arange(0, SIBLINGS * n + 1, SIBLINGS, dtype=np.int32),
                           pa.StructArray.from_arrays([_strings(files)], ["rfilename"]))
    names = [ARCHITECTURES[a] for a in arch]
    tokenizer = pa.StructArray.from_arrays(
        [_strings(["<s>"] * n), _strings(["</s>"] * n),
         _strings([TEMPLATES[a] for a in arch])], ["bos_token", "eos_token", "chat_template"])
    quant = pa.StructArray.from_arrays([_strings(["awq" if r == "quantized" else None
                                                  for r in relation])], ["quant_method"])
    config = pa.StructArray.from_arrays(
        [_list_array(np.arange(n + 1, dtype=np.int32), _strings([a for a, _ in names])),
         _strings([t for _, t in names]), tokenizer, quant],
        ["architectures", "model_type", "tokenizer_config", "quantization_config"],
        mask=pa.array(~has_config))
    totals = pa.array(1_000_000 * (1 + index % 9000), type=pa.int64())
    safetensors = pa.StructArray.from_arrays(
        [pa.StructArray.from_arrays([totals], ["BF16"]), totals], ["parameters", "total"],
        mask=pa.array(~has_config))
    gguf = pa.StructArray.from_arrays(
        [totals, _strings([t for _, t in names]), pa.array(np.full(n, 8192), type=pa.int64()),
         _strings([TEMPLATES[a] for a in arch])],
        ["total", "architecture", "context_length", "chat_template"], mask=pa.array(~is_gguf))
    stamp = pa.timestamp("us", tz="UTC")
    return pa.table({
        "id": _strings(ids), "author": _strings(owners),
        "createdAt": pa.array((created * 1e6).astype(np.int64), type=stamp),
        "lastModified": pa.array(((created + 86400 * week) * 1e6).astype(np.int64), type=stamp),
        "likes": pa.array(likes), "trendingScore": pa.array(popular / 10),
        "downloads": pa.array(downloads), "downloadsAllTime": pa.array(downloads * (3 + week)),
        "tags": _list_array(np.array(tag_offsets, dtype=np.int32), _strings(tags)),
        "pipeline_tag": _strings(pipeline),
        "library_name": _strings(_choice(rng, LIBRARIES, n)),
        "cardData": _strings(cards), "baseModels": base_models, "siblings": siblings,
        "config": config, "safetensors": safetensors, "gguf": gguf,
    })


def write_models(table: pa.Table, out: Path | None = None, row_group_size: int = 250_000
                 ) -> bytes | Path:
    """The table as a models.parquet (to ``out`` when given, else as bytes)."""
    sink: pa.BufferOutputStream | str = str(out) if out is not None else pa.BufferOutputStream()
    pq.write_table(table, sink, row_group_size=row_group_size, compression="zstd")
    return out if out is not None else sink.getvalue().to_pybytes()  # type: ignore[union-attr]


def write_big_file(n: int, out: Path, week: int = 0, seed: int = 0,
                   row_group_size: int = 250_000) -> Path:
    """A models.parquet of ``n`` models written a row group at a time (bounded memory)."""
    schema = models_table(1, week, seed).schema
    with pq.ParquetWriter(str(out), schema, compression="zstd") as writer:
        for start in range(0, n, row_group_size):
            writer.write_table(models_table(min(row_group_size, n - start), week, seed, start))
    return out


def weekly_files(weeks: list[str], n: int, row_group_size: int = 50, seed: int = 0,
                 grow: int = 0) -> dict[str, bytes]:
    """``models/<date>/models.parquet`` for each week (``grow`` more models each week)."""
    return {f"models/{day}/models.parquet":
            write_models(models_table(n + grow * number, number, seed), None, row_group_size)
            for number, day in enumerate(weeks)}  # type: ignore[misc]


def commit_daily(datasets: object, days: list[str], n: int, row_group_size: int = 50,
                 seed: int = 0) -> list[str]:
    """One hub-stats commit per day, each rewriting ``models.parquet``; the commit shas."""
    shas = []
    for number, day in enumerate(days):
        content = write_models(models_table(n, number, seed), None, row_group_size)
        when = datetime.combine(date.fromisoformat(day), time(6, 30), tzinfo=UTC)
        shas.append(datasets.commit(DAILY_REPO, {"models.parquet": content},  # type: ignore[attr-defined]
                                    when=when, title=f"update {day}"))
    return shas
