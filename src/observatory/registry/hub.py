"""Hub model rows with their organisation, country, family and licence class attached, and
the snapshots each Hub question reads.

Everything stays an Ibis expression so the adoption metrics run on any backend at full-Hub
scale: the namespace -> organisation map and the licence map are small joined tables, and the
family rules become one CASE expression over regular expressions. The same namespace map
attributes a lineage root (by the root's id) and a derivative's uploader.
"""

from __future__ import annotations

import hashlib
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.registry.attribute import UNKNOWN_COUNTRY
from observatory.registry.loader import Registry

# Sources that hold the whole Hub's model table (the collector's crawl, the public daily and
# weekly dumps), preferred in this order when two hold the same date.
FULL_CRAWLS = ("hub-api", "hub-stats", "hub-weekly")
FULL_CRAWL = "full-crawl"  # as a ``source`` argument: every whole-Hub snapshot, one per date


def namespace_table(registry: Registry) -> pd.DataFrame:
    aliases = registry.aliases[registry.aliases["kind"] == "hf"][["alias", "org_id"]]
    orgs = registry.organisations[["org_id", "name", "country"]]
    table = aliases.merge(orgs, on="org_id", how="left").rename(
        columns={"alias": "namespace", "name": "org_name"})
    table["country"] = table["country"].replace(UNKNOWN_COUNTRY, None)
    return table.drop_duplicates("namespace")


def licence_table(registry: Registry) -> pd.DataFrame:
    licences = registry.licences[["label_key", "licence_class"]].rename(
        columns={"label_key": "licence_key"})
    return licences.drop_duplicates("licence_key")


def family_expr(registry: Registry, model_id: ir.StringValue, first_base: ir.StringValue) -> ir.Value:
    """The first family rule matching the model id, else its first declared base's id.

    Most Hub models match no rule: one regular expression joining every rule tells those apart
    first (one pass each), so only the models that match something go through the rules in
    order."""
    patterns = [f"(?:{p})" for p in registry.families["pattern"]]
    if not patterns:
        return ibis.null("string")
    anything = "(?i)" + "|".join(patterns)
    matches = model_id.re_search(anything) | first_base.fill_null("").re_search(anything)
    cases = [(~matches, ibis.null("string"))]
    for row in registry.families.itertuples():
        pattern = f"(?i){row.pattern}"
        cases.append((model_id.re_search(pattern), row.family))
    for row in registry.families.itertuples():
        pattern = f"(?i){row.pattern}"
        cases.append((first_base.fill_null("").re_search(pattern), row.family))
    return ibis.cases(*cases, else_=ibis.null("string"))


def is_gguf(models: ir.Table) -> ir.BooleanValue:
    """A GGUF repository (its many files inflate download counts), by tag or library. Never
    null: a row without tags or library is not GGUF."""
    return (models.tags.contains("gguf").fill_null(False)
            | (models.library_name == "gguf").fill_null(False))


def crawl_dates(con: ibis.BaseBackend) -> dict[str, list[date]]:
    """The dates each whole-Hub source is read on: a date two sources hold is read from the
    preferred one only, so no date counts twice. Read from the catalog's list of snapshots (a
    whole-Hub snapshot's rows carry its format as their source), not from millions of rows."""
    snapshots = con.table("snapshots")
    pairs = (snapshots.filter(snapshots.format.isin(FULL_CRAWLS))
             .select(source=snapshots.format, snapshot_date=snapshots.snapshot_date)
             .distinct().to_pandas())
    chosen: dict[date, str] = {}
    for row in pairs.itertuples():
        day = pd.Timestamp(row.snapshot_date).date()
        if day not in chosen or FULL_CRAWLS.index(row.source) < FULL_CRAWLS.index(chosen[day]):
            chosen[day] = row.source
    found: dict[str, list[date]] = {}
    for day, source in sorted(chosen.items()):
        found.setdefault(source, []).append(day)
    return found


def of_source(con: ibis.BaseBackend, models: ir.Table, source: str | None) -> ir.Table:
    """``models`` of ``source`` (``FULL_CRAWL``: of the whole-Hub sources, one per date)."""
    if source is None:
        return models
    if source != FULL_CRAWL:
        return models.filter(models.source == source)
    dates = crawl_dates(con)
    if not dates:
        return models.filter(models.source == FULL_CRAWLS[0])  # empty, with the columns
    keep = [(models.source == name) & models.snapshot_date.isin(days)
            for name, days in dates.items()]
    condition = keep[0]
    for more in keep[1:]:
        condition = condition | more
    return models.filter(condition)


def hub_dates(con: ibis.BaseBackend, source: str | None = None) -> list[date]:
    """The Hub snapshot dates in the store (read from the raw table: cheap)."""
    if source == FULL_CRAWL:
        return sorted(day for days in crawl_dates(con).values() for day in days)
    models = con.table("hub_models")
    if source is not None:
        models = models.filter(models.source == source)
    frame = models.select("snapshot_date").distinct().to_pandas()
    return sorted(pd.Timestamp(d).date() for d in frame["snapshot_date"])


def latest_on_or_before(dates: list[date], when: date | None) -> date | None:
    eligible = [d for d in dates if when is None or d <= when]
    return eligible[-1] if eligible else None


def hub_entries(con: ibis.BaseBackend, registry: Registry, source: str | None = None,
                dates: list[date] | None = None) -> ir.Table:
    """Every ``hub_models`` row (of ``source``, on ``dates``) with namespace, org_id, org_name,
    country, licence_class, is_gguf and is_moe (``with_family`` adds the family). Filtering by
    date here, before the joins, lets the engine skip other snapshots' files."""
    models = of_source(con, con.table("hub_models"), source)
    if dates is not None:
        models = models.filter(models.snapshot_date.isin(dates) if dates else ibis.literal(False))
    lookup = namespaces(registry)
    licences = ibis.memtable(licence_table(registry))
    models = models.mutate(
        namespace=models.model_id.split("/")[0],
        licence_key=models.licence.lower(),
        first_base=models.base_models[0],
    )
    joined = models.left_join(lookup, models.namespace.lower() == lookup.ns_key).drop("ns_key")
    joined = joined.left_join(licences, "licence_key").drop("licence_key_right")
    return joined.mutate(
        licence_class=joined.licence_class.fill_null("unknown"),
        # The Open LLM Leaderboard lists only text-generation models and states no pipeline.
        pipeline_tag=ibis.ifelse(joined.pipeline_tag.isnull() & joined.source.startswith("open-llm"),
                                 "text-generation", joined.pipeline_tag),
        is_gguf=is_gguf(joined),
        is_moe=moe_evidence(joined),
    )


def moe_evidence(t: ir.Table) -> ir.BooleanValue:
    """Mixture of experts from what a repository's config and weights say, null when they say
    nothing: more than one expert; an architecture class that names it (``Qwen2MoeForCausalLM``,
    ``MixtralForCausalLM``); fewer active than total parameters (10 % margin); else one expert
    (or none) is dense."""
    by_class = t.architecture.re_search("(?i)moe|mixtral").fill_null(False)
    by_params = t.params_total.notnull() & t.params_active.notnull() & (t.params_total > 0)
    return ibis.cases(
        (t.num_experts > 1, True),
        (by_class, True),
        (by_params, t.params_active < t.params_total * 0.9),
        (t.num_experts.notnull(), False),
        else_=ibis.null("boolean"),
    )


def rules_fingerprint(registry: Registry) -> str:
    """What attribution by namespace and family rests on (the family rules, the namespace map):
    aggregates computed with other rules are computed again."""
    families = registry.families[["pattern", "family"]].to_csv(index=False)
    names = namespace_table(registry)[["namespace", "org_id", "country"]].sort_values(
        "namespace").to_csv(index=False)
    return hashlib.sha256((families + names).encode()).hexdigest()[:16]


def with_family(entries: ir.Table, registry: Registry) -> ir.Table:
    """Add ``family``. The rules are regular expressions: they run once per distinct model and
    join back, and only for metrics that need the family."""
    # a model's first base as its newest snapshot declares it (the same on every run)
    newest = (entries.first_base.argmax(entries.snapshot_date) if "snapshot_date" in entries.columns
              else entries.first_base.min())
    distinct = entries.group_by("model_id").agg(first_base=newest)
    families = distinct.mutate(family=family_expr(registry, distinct.model_id,
                                                  distinct.first_base)).select("model_id", "family")
    return entries.left_join(families, "model_id").drop("model_id_right")


def with_row_family(entries: ir.Table, registry: Registry) -> ir.Table:
    """Add ``family`` row by row: for one snapshot, where each model is one row, this is
    ``with_family`` without the distinct and the join back."""
    return entries.mutate(family=family_expr(registry, entries.model_id, entries.first_base))


def family_entries(con: ibis.BaseBackend, registry: Registry, source: str | None = None,
                   dates: list[date] | None = None) -> ir.Table:
    return with_family(hub_entries(con, registry, source, dates), registry)


def entries_on_or_before(con: ibis.BaseBackend, registry: Registry, days: list[date | None],
                         source: str | None = None, family: bool = False) -> ir.Table:
    """Entries of the latest snapshot on or before each day (None: the latest); ``family``
    adds the family column."""
    available = hub_dates(con, source)
    chosen = [d for d in (latest_on_or_before(available, day) for day in days) if d is not None]
    entries = hub_entries(con, registry, source, chosen)
    return with_family(entries, registry) if family else entries


def liked_entries(con: ibis.BaseBackend, registry: Registry,
                  days: list[date | None]) -> ir.Table:
    """Entries of the latest snapshot that has likes on or before each day. The dates come from
    the catalog's snapshot list; only the candidates are checked for likes, newest first."""
    snapshots = con.table("snapshots")
    listed = snapshots.filter(snapshots.tables.contains(",hub_models,")).select(
        "snapshot_date").distinct().to_pandas()
    available = sorted(pd.Timestamp(d).date() for d in listed["snapshot_date"])
    models = con.table("hub_models")
    has_likes: dict[date, bool] = {}

    def liked(day: date) -> bool:
        if day not in has_likes:
            rows = models.filter((models.snapshot_date == day) & models.likes.notnull())
            has_likes[day] = bool(rows.limit(1).count().execute())
        return has_likes[day]

    chosen = []
    for day in days:
        candidates = [d for d in available if day is None or d <= day]
        chosen.append(next((d for d in reversed(candidates) if liked(d)), None))
    return hub_entries(con, registry, dates=[d for d in chosen if d is not None])


def latest_dates(con: ibis.BaseBackend, as_of: date | None = None) -> dict[str, date]:
    """Each Hub source's latest snapshot date (on or before ``as_of``; read from the raw table,
    no joins)."""
    models = con.table("hub_models")
    if as_of is not None:
        models = models.filter(models.snapshot_date <= as_of)
    latest = models.group_by("source").agg(day=models.snapshot_date.max()).to_pandas()
    return {row.source: pd.Timestamp(row.day).date() for row in latest.itertuples()}


def latest_entries(con: ibis.BaseBackend, registry: Registry, as_of: date | None = None) -> ir.Table:
    """Entries of each Hub source's latest snapshot (on or before ``as_of``)."""
    return hub_entries(con, registry, dates=sorted(set(latest_dates(con, as_of).values())))


def crawl_rows(con: ibis.BaseBackend) -> ir.Table:
    """The raw ``hub_models`` rows of whole-Hub snapshots, one source per date (downloads by
    namespace need no joins)."""
    return of_source(con, con.table("hub_models"), FULL_CRAWL)


def namespaces(registry: Registry) -> ir.Table:
    """Hub namespace -> ``org_id, org_name, country``, keyed by ``ns_key``, the namespace in
    lower case: the Hub ignores case in ids, and declared bases do not always keep it."""
    frame = namespace_table(registry)[["namespace", "org_id", "org_name", "country"]]
    frame = frame.assign(ns_key=frame["namespace"].str.lower()).drop_duplicates("ns_key")
    return ibis.memtable(frame.drop(columns=["namespace"]))


def root_attributes(roots: ir.Table, registry: Registry) -> ir.Table:
    """Add ``root_namespace, root_org_id, root_org, root_country, root_family`` to rows with a
    ``root_id`` (its id names the organisation even when the root is not in the snapshot)."""
    lookup = namespaces(registry)
    with_ns = roots.mutate(root_namespace=roots.root_id.split("/")[0])
    joined = with_ns.left_join(lookup, with_ns.root_namespace.lower() == lookup.ns_key)
    joined = joined.drop("ns_key").rename(root_org_id="org_id", root_org="org_name",
                                          root_country="country")
    distinct = joined.select("root_id").distinct()
    families = distinct.mutate(root_family=family_expr(registry, distinct.root_id,
                                                       ibis.null("string")))
    return joined.left_join(families, "root_id").drop("root_id_right")


def uploader_attributes(table: ir.Table, registry: Registry, id_column: str = "model_id") -> ir.Table:
    """Add ``namespace, org_id, org_name, country`` of the model's own namespace."""
    lookup = namespaces(registry)
    with_ns = table.mutate(namespace=table[id_column].split("/")[0])
    return with_ns.left_join(lookup, with_ns.namespace.lower() == lookup.ns_key).drop("ns_key")
