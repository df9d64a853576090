"""Board rows attributed: the table every board metric (Q1-Q4, Q12, Q13) starts from.

Arena boards and the Artificial Analysis index share one shape, so leaders, gap and top work on
either: ``board="aa"`` reads ``index_scores`` (category = index name) within ONE index version.
When several publications cover the same board and date, the one with the most detail wins
(SOURCE_PRIORITY), so a date is never counted twice.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from observatory.errors import EmptyResultError, InputError
from observatory.registry.attribute import attribute_arena, attribute_index
from observatory.registry.evidence import Candidates, Evidence
from observatory.registry.loader import Registry
from observatory.registry.selection import AA_BOARD, Selection
from observatory.sources.base import FETCH_DATE

SOURCE_PRIORITY = {
    "arena-dataset": 0,  # Arena's own full publication: every row, intervals, votes
    "lmarena-csv": 1,  # has votes and published intervals
    "arena-catalog": 2,
    "hf-space-table": 3,  # 2023 ratings without intervals
    "arena-daily": 4,  # the top rows a page showed that day
    "aa-llms-json": 0,
    "aa-api-json": 1,
    "aa-compact-csv": 2,
}
# Boards the Observatory computed itself from votes: read only when asked for by source, so they
# never stand in for a published board on the same date.
COMPUTED_SOURCES = ("observatory-bt",)
COLUMNS = ["source", "board", "category", "style_control", "snapshot_date", "model_key",
           "model_name", "rating", "ci_low", "ci_high", "votes", "org_id", "org_name",
           "country", "open_weights", "licence_class", "hf_id", "attribution", "snapshot_id",
           "index_version",
           "is_estimated", "shown_rows", "dated_by"]
ATTRIBUTED = ["org_id", "org_name", "country", "open_weights", "licence_class", "hf_id",
              "attribution"]
SEP = "\x1f"


def _one_publication(con: ibis.BaseBackend, table: ir.Table) -> ir.Table:
    """Per board date keep one snapshot: the most detailed source; a board dated by its
    publisher before one dated by the day it was fetched; the one with the most rows (a page
    scraped twice can show the top 30 one day and the top 50 the next); the latest import. The
    choice is made on the few (board date, snapshot) pairs and joined back (no window over every
    row), bringing the snapshot's ``dated_by``."""
    keys = ["board", "category", "style_control", "snapshot_date"]
    pubs = table.group_by([*keys, "snapshot_id", "source"]).agg(_rows=table.count())
    cases = [(pubs.source == name, rank) for name, rank in SOURCE_PRIORITY.items()]
    snapshots = con.table("snapshots").select("snapshot_id", "imported_at", "dated_by")
    pubs = pubs.mutate(_priority=ibis.cases(*cases, else_=9)).left_join(
        snapshots, "snapshot_id").drop("snapshot_id_right")
    fetched = (pubs.dated_by == FETCH_DATE).fill_null(False)
    rank = ibis.row_number().over(group_by=[pubs[k] for k in keys], order_by=[
        pubs._priority, fetched, ibis.desc(pubs._rows), ibis.desc(pubs.imported_at),
        ibis.desc(pubs.snapshot_id)])
    chosen = pubs.mutate(_rank=rank).filter(lambda t: t._rank == 0)
    chosen = chosen.select(*[chosen[k].name(f"_{k}") for k in [*keys, "snapshot_id"]], "dated_by")
    # null-safe equality: a row with a missing key is kept, as a window over it would keep it
    joined = table.inner_join(chosen, [table[k].identical_to(chosen[f"_{k}"])
                                       for k in [*keys, "snapshot_id"]])
    return joined.drop(*[f"_{k}" for k in [*keys, "snapshot_id"]])


def _key(table: ir.Table, *columns: str) -> ir.Value:
    parts = [table[c].cast("string").fill_null("") for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key.concat(SEP, part)
    return key


def first_per(table: ir.Table, key: str) -> pd.DataFrame:
    """One row per ``key``, the same on every run: the distinct rows, sorted by every column,
    first kept (``distinct(on=..., keep="first")`` keeps whichever row the engine meets first,
    which changes with its threads)."""
    frame = table.distinct().to_pandas()
    if frame.empty:
        return frame
    order = frame.astype(str)  # mixed None/bool/str columns sort as text; None as "None"
    chosen = order.sort_values(list(order.columns), kind="stable").drop_duplicates(key).index
    return frame.loc[sorted(chosen)].reset_index(drop=True)


def latest_rows(table: ibis.Table) -> ibis.Table:
    """Each model key's rows of its latest snapshot date. The window is a column before it is a
    filter: Ibis compiles a window inside a filter wrongly for Spark."""
    marked = table.mutate(_latest=table.snapshot_date.max().over(group_by=table.model_key))
    return marked.filter(marked.snapshot_date == marked._latest).drop("_latest")


def stated_index_facts(con: ibis.BaseBackend) -> pd.DataFrame:
    """Per AA model: the latest open-weights flag, country, licence and Hub id any snapshot
    states (the API omits them; the page payload and daily CSV carry them)."""
    scores = latest_rows(con.table("index_scores").filter(lambda t: t.open_weights.notnull()))
    return first_per(scores.select(
        "model_key", "open_weights", "creator_country", "licence_label", "hf_id"), "model_key")


def published_labels(con: ibis.BaseBackend) -> pd.DataFrame:
    """Per model key, the labels Arena published for it most recently: its model metadata
    (``board_models``) first, then any board row that carries an organisation or licence
    label (a board that shows only keys borrows the labels another publication gave)."""
    columns = ["model_key", "org_label", "licence_label", "url"]
    models = con.table("board_models")
    rows = con.table("board_entries").filter(lambda t: t.org_label.notnull()
                                             | t.licence_label.notnull())
    frames = []
    for table in (models, rows):
        frames.append(first_per(latest_rows(table).select(columns), "model_key"))
    both = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    return both.drop_duplicates("model_key", keep="first").reset_index(drop=True)


def aa_candidates(con: ibis.BaseBackend, registry: Registry) -> Candidates | None:
    """Artificial Analysis models (their latest row), attributed from AA's own fields, as
    candidates for the same model on a board."""
    models = first_per(latest_rows(con.table("index_scores")).select(
        "model_key", "model_name", "creator", "creator_slug", "creator_country", "open_weights",
        "licence_label", "hf_id"), "model_key")
    if models.empty:
        return None
    attributed = attribute_index(models, registry, stated_index_facts(con))
    attributed["label"] = attributed["model_key"]
    table = attributed[["model_key", "model_name", "label", "org_id", "open_weights",
                        "licence_label", "hf_id"]]
    return Candidates.build("aa", table.astype({"open_weights": object}),
                            ["model_key", "model_name"])


def hub_candidates(con: ibis.BaseBackend, registry: Registry) -> tuple[Candidates | None,
                                                                       frozenset[str]]:
    """Hub repositories under the namespace of a known organisation (any snapshot): candidates
    for the same model by name, and the ids with weights on the Hub."""
    aliases = registry.aliases[registry.aliases["kind"] == "hf"]
    by_namespace = dict(zip(aliases["alias"].str.lower(), aliases["org_id"], strict=True))
    hub = con.table("hub_models")
    repos = (hub.filter(hub.author.lower().isin(list(by_namespace)))
             .select("model_id", "author").distinct().to_pandas())
    if repos.empty:
        return None, frozenset()
    repos = repos.assign(org_id=repos["author"].str.lower().map(by_namespace), open_weights=True,
                         licence_label=pd.NA, hf_id=repos["model_id"], label=repos["model_id"])
    ids = frozenset(repos["model_id"].str.lower())
    return Candidates.build("hub", repos.astype({"open_weights": object}), ["model_id"]), ids


def gather_evidence(con: ibis.BaseBackend, registry: Registry) -> Evidence:
    """What the store's other sources say, for attributing board models."""
    hub, hub_ids = hub_candidates(con, registry)
    return Evidence(published=published_labels(con), aa=aa_candidates(con, registry), hub=hub,
                    hub_ids=hub_ids)


def arena_entries(con: ibis.BaseBackend, registry: Registry, sel: Selection) -> ir.Table:
    table = con.table("board_entries").filter(lambda t: t.board == sel.board)
    if sel.category not in (None, "all"):
        table = table.filter(table.category == sel.category)
    table = table.filter(table.style_control == sel.style_control)
    if sel.source is None:
        table = table.filter(~table.source.isin(COMPUTED_SOURCES))
    else:
        table = table.filter(table.source == sel.source)
    table = _one_publication(con, table).mutate(
        _akey=lambda t: _key(t, "model_key", "org_label", "licence_label"))
    distinct = first_per(table.select("_akey", "model_key", "model_name", "org_label",
                                      "licence_label", "url"), "_akey")
    if distinct.empty:
        _no_entries(con, sel)
    attributed = attribute_arena(distinct, registry, gather_evidence(con, registry))
    lookup = ibis.memtable(attributed[["_akey", "display_name", *ATTRIBUTED]].astype(
        {"open_weights": "boolean", "display_name": "string", "attribution": "string",
         "hf_id": "string"}))
    joined = table.left_join(lookup, table._akey == lookup._akey)
    # arena-catalog files carry only keys ("deepseek-r1"); show LMArena's display name instead.
    name = ibis.ifelse(joined.source == "arena-catalog",
                       joined.display_name.fill_null(joined.model_name), joined.model_name)
    return joined.mutate(model_name=name, index_version=ibis.null("string"),
                         is_estimated=ibis.null("boolean")).select(COLUMNS)


def _no_entries(con: ibis.BaseBackend, sel: Selection) -> None:
    """Say why a board selection is empty: an unknown board or category (naming the known
    ones), or a store without board data."""
    known = con.table("board_entries").select("board", "category").distinct().to_pandas()
    if known.empty:
        raise EmptyResultError("no board data in the store; import data with "
                               "`observatory import PATH`")
    boards = sorted(set(known["board"].dropna()) | {AA_BOARD})
    if sel.board not in boards:
        raise InputError("--board", f"unknown board {sel.board!r}; boards in the store: "
                                    f"{', '.join(boards)}")
    categories = sorted(known.loc[known["board"] == sel.board, "category"].dropna())
    if sel.category not in (None, "all", *categories):
        raise InputError("--category", f"no category {sel.category!r} on the {sel.board} board; "
                                       f"categories: {', '.join(categories)}")
    raise EmptyResultError(f"no entries for board '{sel.board}', category "
                           f"'{sel.category}', style control {sel.style_control}"
                           + (f", source '{sel.source}'" if sel.source else "") + "; "
                           "import data with `observatory import PATH`")


def latest_index_version(con: ibis.BaseBackend) -> str:
    scores = con.table("index_scores")
    row = scores.order_by(ibis.desc("snapshot_date")).limit(1).to_pandas()
    if row.empty:
        raise EmptyResultError("no Artificial Analysis data; import it with "
                               "`observatory import PATH` or `observatory update --source aa`")
    return str(row["index_version"].iloc[0])


def _no_index_entries(con: ibis.BaseBackend, sel: Selection, version: str) -> None:
    """Say why an index selection is empty: a version or an index the store has never held is
    bad input (naming the known ones); a known pair without values is no data."""
    known = con.table("index_scores").select("index_version", "index_name").distinct().to_pandas()
    versions = sorted(set(known["index_version"].dropna()))
    if version not in versions:
        raise InputError("--index-version", f"unknown Artificial Analysis index version "
                                            f"{version!r}; versions in the store: {', '.join(versions)}")
    names = sorted(set(known["index_name"].dropna()))
    if sel.index_name() not in names:
        raise InputError("--category", f"no Artificial Analysis index {sel.category!r}; indices "
                                       f"in the store: {', '.join(names)} ('full' is intelligence, "
                                       "'all' every index)")
    raise EmptyResultError(f"no Artificial Analysis '{sel.index_name()}' index values in "
                           f"version {version}")


def index_entries(con: ibis.BaseBackend, registry: Registry, sel: Selection) -> ir.Table:
    scores = con.table("index_scores")
    version = sel.index_version or latest_index_version(con)
    scores = scores.filter(scores.index_version == version)
    if sel.index_name() is not None:
        scores = scores.filter(scores.index_name == sel.index_name())
    table = scores.mutate(board=ibis.literal(AA_BOARD), category=scores.index_name,
                          style_control=ibis.literal(False))
    table = _one_publication(con, table).mutate(
        _akey=lambda t: _key(t, "model_key", "creator_slug", "open_weights", "licence_label"))
    distinct = first_per(table.select("_akey", "model_key", "model_name", "creator",
                                      "creator_slug", "creator_country", "open_weights",
                                      "licence_label", "hf_id"), "_akey")
    if distinct.empty:
        _no_index_entries(con, sel, version)
    attributed = attribute_index(distinct, registry, stated_index_facts(con))
    lookup = ibis.memtable(attributed[["_akey", "org_id", "org_name", "country", "open_weights",
                                       "licence_class", "attribution"]].astype(
        {"open_weights": "boolean", "attribution": "string"}))
    joined = table.drop("open_weights").left_join(lookup, table._akey == lookup._akey)
    return joined.mutate(
        rating=joined.value,
        ci_low=ibis.null("float64"),
        ci_high=ibis.null("float64"),
        votes=ibis.null("int64"),
        shown_rows=ibis.null("int64"),  # the index publishes every model it rates
    ).select(COLUMNS)


def entries(con: ibis.BaseBackend, registry: Registry, sel: Selection) -> ir.Table:
    """Attributed rows of one board (or the AA index) as an Ibis expression."""
    if sel.is_index:
        return index_entries(con, registry, sel)
    return arena_entries(con, registry, sel)


def attribute_computed(con: ibis.BaseBackend, registry: Registry,
                       board: pd.DataFrame) -> pd.DataFrame:
    """A board computed from votes with each model's organisation, country and open-weights
    status, using the labels published boards carry for the same keys."""
    distinct = board[["model_key", "model_name", "org_label", "licence_label", "url"]]
    attributed = attribute_arena(distinct.drop_duplicates("model_key"), registry,
                                 gather_evidence(con, registry))
    columns = ["model_key", "org_id", "country", "open_weights", "licence_class"]
    return board.merge(attributed[columns], on="model_key", how="left")


def newest_selection(con: ibis.BaseBackend, board: str = "text",
                     category: str = "full") -> Selection:
    """The selection of ``board`` whose latest publication is newest: with or without style
    control (Arena's default view since 2025), style control on a tie."""
    table = con.table("board_entries").filter(
        lambda t: (t.board == board) & (t.category == category)
        & ~t.source.isin(COMPUTED_SOURCES))
    latest = table.group_by("style_control").agg(day=table.snapshot_date.max()).to_pandas()
    if latest.empty:
        return Selection(board=board, category=category)
    latest = latest.sort_values(["day", "style_control"], ascending=False)
    return Selection(board=board, category=category,
                     style_control=bool(latest["style_control"].iloc[0]))


def index_models(con: ibis.BaseBackend, registry: Registry, when: date | None = None
                 ) -> pd.DataFrame:
    """Every model of the latest Artificial Analysis snapshot on or before ``when`` (one row per
    model), attributed, with its total and active parameters (billions) and release date."""
    scores = con.table("index_scores")
    if when is not None:
        scores = scores.filter(scores.snapshot_date <= when)
    day = scores.snapshot_date.max().to_pandas()
    if day is None or pd.isna(day):
        raise EmptyResultError("no Artificial Analysis data; import it with "
                               "`observatory import PATH` or `observatory update --source aa`")
    models = first_per(scores.filter(scores.snapshot_date == day).select(
        "source", "snapshot_date", "model_key", "model_name", "creator", "creator_slug",
        "creator_country", "open_weights", "licence_label", "hf_id", "params_total_b",
        "params_active_b", "release_date"), "model_key")
    return attribute_index(models, registry, stated_index_facts(con))
