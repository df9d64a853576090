"""A whole-Hub dump's ``models.parquet`` (the weekly and the daily public datasets) -> ``hub_models``
and ``hub_configs`` rows, a batch at a time.

``read_plan`` looks at the file's schema (its footer) and picks only what the store needs, down to
the nested fields: the flat columns of ``hub_models``, ``baseModels`` (declared lineage), and of
``config``, ``gguf`` and ``safetensors`` only the fields the fingerprint facts read. ``cardData``
(a JSON string) and ``siblings`` are never read: the Hub derives the ``license:`` and
``base_model:`` tags from the card, and the tags are read. A nested column stored as JSON text is
read whole (it cannot be read by field). A column this version does not know is read and kept in
``extra``.

``to_tables`` maps one batch in a single DuckDB query over the Arrow batch (millions of rows a
minute), with the same rules as ``hub_records.to_row`` for an API record: licence from the
``license:`` tag, bases from ``baseModels`` then the ``base_model:`` tags, relation from
``baseModels`` then the tags, author from the column else the namespace. The fingerprint facts
come from ``hub_fingerprint.config_row`` itself, called once per distinct (config, gguf) pair
rather than once per model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pyarrow as pa

from observatory.errors import InputError
from observatory.schema import HUB_CONFIGS, HUB_MODELS
from observatory.sources import hub_fingerprint as fp
from observatory.sources.hub_records import ALIASES, KNOWN, RELATIONS

REQUIRED = ("id",)
FLAT = ("id", "author", "createdAt", "lastModified", "likes", "downloads", "downloadsAllTime",
        "tags", "pipeline_tag", "library_name", "gated", "baseModels")
# The nested fields the fingerprint facts read (``hub_fingerprint.config_row``).
CONFIG_FIELDS = frozenset({"architectures", "model_type", "tokenizer_config", "quantization_config",
                           "quantization", "_name_or_path", "text_config", "llm_config",
                           "vocab_size", "n_vocab", "padded_vocab_size", "rope_theta",
                           "rope_scaling", "bos_token_id", "eos_token_id", *fp.HIDDEN, *fp.LAYERS,
                           *fp.HEADS, *fp.KV_HEADS, *fp.INTERMEDIATE, *fp.POSITIONS, *fp.DTYPES,
                           *fp.EXPERT_KEYS})
GGUF_FIELDS = frozenset({"architecture", "context_length", "chat_template", "bos_token",
                         "eos_token"})  # ``total`` is read apart: it is per model
NESTED = {"config": CONFIG_FIELDS, "gguf": GGUF_FIELDS | {"total"}, "safetensors": {"total"}}
FACTS = [f for f in HUB_CONFIGS if f.name not in ("source", "snapshot_date", "snapshot_id")]


@dataclass(frozen=True)
class ReadPlan:
    """What to read from one file, and how each nested column is stored."""

    columns: list[str]  # top-level names or dotted paths, as pyarrow's ``columns=`` takes them
    present: frozenset[str]  # top-level columns present (read or not)
    json_text: frozenset[str]  # nested columns stored as JSON strings
    unknown: list[str]  # top-level columns this version does not know: kept in ``extra``
    skipped: list[str] = field(default_factory=list)  # known columns left unread


def read_plan(schema: pa.Schema, where: str) -> ReadPlan:
    """The columns to read from a file with ``schema``; ``where`` names the file in errors."""
    names = schema.names
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(where, f"no column '{missing[0]}': not a Hub models dump "
                                f"(columns: {', '.join(names[:12])})")
    columns = [c for c in FLAT if c in names]
    if "tags" in names and not pa.types.is_list(schema.field("tags").type):
        raise InputError(f"{where}: column 'tags'", f"expected a list of strings, found "
                                                   f"{schema.field('tags').type}")
    json_text = set()
    for name, wanted in NESTED.items():
        if name not in names:
            continue
        kind = schema.field(name).type
        if pa.types.is_struct(kind):
            columns += [f"{name}.{child.name}" for child in kind if child.name in wanted]
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            columns.append(name)
            json_text.add(name)
    unknown = [c for c in names if c not in KNOWN and ALIASES.get(c, c) not in KNOWN
               and c not in FLAT and c not in NESTED]
    skipped = [c for c in names if c not in FLAT and c not in NESTED and c not in unknown]
    return ReadPlan(columns + unknown, frozenset(names), frozenset(json_text), unknown, skipped)


def _column(batch: pa.Table, name: str, sql_type: str) -> str:
    """``name`` as SQL (a typed NULL when the file lacks it)."""
    if name not in batch.column_names:
        return f"CAST(NULL AS {sql_type})"
    return f'"{name}"'


def _type_at(kind: pa.DataType, path: tuple[str, ...]) -> pa.DataType | None:
    for name in path:
        if not pa.types.is_struct(kind) or kind.get_field_index(name) < 0:
            return None
        kind = kind.field(name).type
    return kind


def _get(batch: pa.Table, plan: ReadPlan, column: str, *path: str, first: bool = False,
         sql_type: str = "VARCHAR") -> str:
    """A nested value as SQL, read by field from a struct or by JSON path from JSON text;
    ``first``: the first element of the list there. NULL when the file does not have it."""
    null = f"CAST(NULL AS {sql_type})"
    if column not in batch.column_names:
        return null
    if column in plan.json_text:
        where = "$." + ".".join(path) + ("[0]" if first else "")
        return f"TRY_CAST(json_extract_string(\"{column}\", '{where}') AS {sql_type})"
    kind = _type_at(batch.schema.field(column).type, path)
    if kind is None or (first and not pa.types.is_list(kind)):
        return null
    sql = f'"{column}"' + "".join(f'."{name}"' for name in path) + ("[1]" if first else "")
    return f"TRY_CAST({sql} AS {sql_type})"


def _declared_ids(batch: pa.Table, plan: ReadPlan) -> str:
    """The ids ``baseModels.models`` lists."""
    if "baseModels" not in batch.column_names:
        return "CAST([] AS VARCHAR[])"
    if "baseModels" in plan.json_text:
        return "json_extract_string(\"baseModels\", '$.models[*].id')"
    kind = _type_at(batch.schema.field("baseModels").type, ("models",))
    if kind is None or not pa.types.is_list(kind) or _type_at(kind.value_type, ("id",)) is None:
        return "CAST([] AS VARCHAR[])"
    return 'list_transform("baseModels"."models", lambda m: m.id)'


def _time(batch: pa.Table, name: str) -> str:
    # The dumps store times as timestamps or as ISO text; seconds are what the store keeps.
    if name not in batch.column_names:
        return "CAST(NULL AS TIMESTAMPTZ)"
    return f"date_trunc('second', TRY_CAST(\"{name}\" AS TIMESTAMPTZ))"


RELATION_LIST = ", ".join(f"'{r}'" for r in RELATIONS)


def _models_sql(plan: ReadPlan, batch: pa.Table) -> str:
    tags = (_column(batch, "tags", "VARCHAR[]") if "tags" in batch.column_names
            else "CAST([] AS VARCHAR[])")
    gated = ("CAST(gated AS VARCHAR)" if "gated" in batch.column_names else "CAST(NULL AS VARCHAR)")
    extra = ("to_json(struct_pack(" + ", ".join(f'"{ALIASES.get(c, c)}" := "{c}"'
                                                for c in plan.unknown) + "))::VARCHAR"
             if plan.unknown else "CAST(NULL AS VARCHAR)")
    author = (f"coalesce(nullif({_column(batch, 'author', 'VARCHAR')}, ''), "
              "CASE WHEN contains(id, '/') THEN split_part(id, '/', 1) END)")
    head = "split_part(r, ':', 1)"
    has_relation = f"{head} IN ({RELATION_LIST}) AND length(r) > length({head}) + 1"
    return f"""
    WITH src AS (
      SELECT *, {tags} AS _tags, {_get(batch, plan, 'baseModels', 'relation')} AS _relation,
        list_transform(list_filter({tags}, lambda t: starts_with(t, 'base_model:')),
                       lambda t: substr(t, 12)) AS _tagged
      FROM batch WHERE id IS NOT NULL AND trim(id) <> ''
    ), bases AS (
      SELECT *,
        list_concat(list_filter(coalesce({_declared_ids(batch, plan)}, []),
                                lambda b: b IS NOT NULL AND b <> ''),
                    list_transform(_tagged, lambda r: CASE WHEN {has_relation}
                                   THEN substr(r, length({head}) + 2) ELSE r END)) AS _all,
        list_filter(list_transform(_tagged, lambda r: CASE WHEN {has_relation} THEN {head} END),
                    lambda x: x IS NOT NULL)[1] AS _tag_relation
      FROM src
    )
    SELECT
      id AS model_id,
      {author} AS author,
      {_time(batch, 'createdAt')} AS created_at,
      {_time(batch, 'lastModified')} AS last_modified,
      TRY_CAST({_column(batch, 'likes', 'BIGINT')} AS BIGINT) AS likes,
      TRY_CAST({_column(batch, 'downloads', 'BIGINT')} AS BIGINT) AS downloads_30d,
      TRY_CAST({_column(batch, 'downloadsAllTime', 'BIGINT')} AS BIGINT) AS downloads_all_time,
      nullif({_column(batch, 'pipeline_tag', 'VARCHAR')}, '') AS pipeline_tag,
      nullif({_column(batch, 'library_name', 'VARCHAR')}, '') AS library_name,
      substr(list_filter(_tags, lambda t: starts_with(t, 'license:'))[1], 9) AS licence,
      {gated} AS gated,
      list_filter(_all, lambda b, i: list_position(_all, b) = i) AS base_models,
      CASE WHEN len(_all) = 0 THEN NULL
           WHEN _relation IN ({RELATION_LIST}) THEN _relation
           ELSE coalesce(_tag_relation, 'unknown') END AS base_relation,
      {_get(batch, plan, 'safetensors', 'total', sql_type='BIGINT')} AS params_total,
      {_get(batch, plan, 'config', 'architectures', first=True)} AS architecture,
      {_get(batch, plan, 'config', 'model_type')} AS model_type,
      _tags AS tags,
      {extra} AS extra
    FROM bases
    """


def _key(batch: pa.Table, plan: ReadPlan, column: str, drop: str | None = None) -> str:
    """A nested column as the key of its facts: JSON text as it is, a struct (without the
    per-model field ``drop``) as itself; NULL when absent."""
    if column not in batch.column_names:
        return "CAST(NULL AS VARCHAR)"
    if column in plan.json_text:
        if drop is None:
            return f'"{column}"'
        return (f"json_merge_patch(TRY_CAST(\"{column}\" AS JSON), "
                f"'{{\"{drop}\": null}}')::VARCHAR")
    kind = batch.schema.field(column).type
    kept = [f.name for f in kind if f.name != drop]
    if not kept:
        return "CAST(NULL AS VARCHAR)"
    if drop is None or len(kept) == kind.num_fields:
        return f'"{column}"'
    fields = ", ".join(f'"{name}" := "{column}"."{name}"' for name in kept)
    return f'CASE WHEN "{column}" IS NOT NULL THEN struct_pack({fields}) END'


def _as_json(batch: pa.Table, plan: ReadPlan, column: str, key: str) -> str:
    """The key as JSON text for Python (structs are turned to JSON once per distinct value)."""
    if column not in batch.column_names or column in plan.json_text:
        return f"{key}::VARCHAR"
    return f"to_json({key})::VARCHAR"


def _facts(keys: pa.Table) -> pa.Table:
    """``config_row`` of each distinct (config, gguf-without-total) pair, beside its hash key
    (``params_total`` is per model and added apart)."""
    names = [f.name for f in FACTS if f.name != "model_id"]
    found: dict[str, list] = {name: [] for name in names}
    for config_text, gguf_text in zip(keys["config_json"].to_pylist(),
                                      keys["gguf_json"].to_pylist(), strict=True):
        config = _object(config_text)
        gguf = _object(gguf_text)
        facts = fp.config_row("", config, gguf=gguf) or {}
        for name in names:
            found[name].append(facts.get(name))
    arrays = [keys["_key"], *[pa.array(found[f.name], f.type) for f in FACTS
                              if f.name != "model_id"]]
    return pa.Table.from_arrays(arrays, names=["_key", *names])


def _object(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) and value else None


CHUNK = 16_384  # rows per Arrow batch handed to DuckDB, which scans batches in parallel


def to_tables(batch: pa.Table, plan: ReadPlan, snapshot_date: date, source: str
              ) -> tuple[pa.Table, pa.Table]:
    """One batch -> (``hub_models`` rows, ``hub_configs`` rows), both without ``snapshot_id``."""
    batch = pa.Table.from_batches(batch.to_batches(max_chunksize=CHUNK), batch.schema)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.register("batch", batch)
        models = con.sql(_models_sql(plan, batch)).to_arrow_table()
        config, gguf = _key(batch, plan, "config"), _key(batch, plan, "gguf", drop="total")
        st_total = _get(batch, plan, "safetensors", "total", sql_type="BIGINT")
        gguf_total = _get(batch, plan, "gguf", "total", sql_type="BIGINT")
        # The distinct (config, gguf without total) pairs, numbered; the facts of each pair are
        # computed once, and every model joins its pair back by value (exact, unlike a hash
        # key: DuckDB's hash() collides on millions of similar values).
        rows = f"""SELECT *, {config} AS _c, {gguf} AS _g FROM batch
            WHERE id IS NOT NULL AND trim(id) <> ''
              AND ({config} IS NOT NULL OR {gguf} IS NOT NULL OR {st_total} IS NOT NULL
                   OR {gguf_total} IS NOT NULL)"""
        keys = con.sql(f"""SELECT _c, _g, row_number() OVER () AS _key,
            {_as_json(batch, plan, 'config', '_c')} AS config_json,
            {_as_json(batch, plan, 'gguf', '_g')} AS gguf_json
            FROM (SELECT DISTINCT _c, _g FROM ({rows}))""").to_arrow_table()
        con.register("keys", keys.select(["_c", "_g", "_key"]))
        con.register("facts", _facts(keys))
        fact_names = [f.name for f in FACTS if f.name not in ("model_id", "params_total")]
        configs = con.sql(f"""
            SELECT r.id AS model_id, {', '.join(f'f.{n}' for n in fact_names)},
              coalesce(CASE WHEN {st_total} > 0 THEN {st_total} END,
                       CASE WHEN {gguf_total} >= 0 THEN {gguf_total} END) AS params_total
            FROM ({rows}) r
            JOIN keys k ON k._c IS NOT DISTINCT FROM r._c AND k._g IS NOT DISTINCT FROM r._g
            JOIN facts f ON f._key = k._key""").to_arrow_table()
    finally:
        con.close()
    return _shape_models(models, snapshot_date, source), _shape_configs(configs, snapshot_date,
                                                                        source)


def _shape_models(models: pa.Table, snapshot_date: date, source: str) -> pa.Table:
    """The query's columns in ``hub_models``' order and types; what the dumps never tell
    (active parameters, expert counts) stays null."""
    n = models.num_rows
    columns = {"source": pa.array([source] * n, pa.string()),
               "snapshot_date": pa.array([snapshot_date] * n, pa.date32())}
    schema = pa.schema([f for f in HUB_MODELS if f.name != "snapshot_id"])
    arrays = []
    for f in schema:
        if f.name in columns:
            arrays.append(columns[f.name])
        elif f.name in models.column_names:
            arrays.append(models[f.name].cast(f.type))
        else:
            arrays.append(pa.nulls(n, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _shape_configs(configs: pa.Table, snapshot_date: date, source: str) -> pa.Table:
    """Rows with at least one fact, in ``hub_configs``' order and types."""
    fact_names = [f.name for f in FACTS if f.name != "model_id"]
    if configs.num_rows:
        known = None
        for name in fact_names:
            valid = configs[name].is_valid()
            known = valid if known is None else pa.compute.or_(known, valid)
        configs = configs.filter(known)
    n = configs.num_rows
    schema = pa.schema([f for f in HUB_CONFIGS if f.name != "snapshot_id"])
    arrays = []
    for f in schema:
        if f.name == "source":
            arrays.append(pa.array([source] * n, pa.string()))
        elif f.name == "snapshot_date":
            arrays.append(pa.array([snapshot_date] * n, pa.date32()))
        else:
            arrays.append(configs[f.name].cast(f.type))
    return pa.Table.from_arrays(arrays, schema=schema)
