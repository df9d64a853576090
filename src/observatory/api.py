"""The Python API: everything the CLI does, returning pandas frames (``to_arrow`` for Arrow).

    from observatory.api import Observatory
    obs = Observatory()                       # the data home ($OBSERVATORY_HOME or user dir)
    obs.import_paths(["../shared/data/lmarena-official"])
    obs.leaders(by="country", as_of=date(2025, 7, 18))

``Observatory`` only composes: jobs move data into the store, ``registry`` attributes rows,
``lineage`` builds the graph, ``metrics`` answer the questions. The jobs (their importers, the
network stack, scipy) load when first used, so a command that only reads the store starts fast.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd
import pyarrow as pa

from observatory import metrics
from observatory.config import data_home, public_origin
from observatory.errors import DamageError, InputError, ObservatoryError
from observatory.lineage import inference, tree
from observatory.lineage.graph import DEFAULT_MIN_SCORE, LineageGraph, build_graph
from observatory.registry import boards, hub, unknowns
from observatory.registry.loader import Registry, load_registry
from observatory.registry.selection import Selection
from observatory.store import ImportResult, Store
from observatory.store.catalog import Catalog
from observatory.store.snapshots import LISTING

if TYPE_CHECKING:
    from observatory.jobs.arena import FileDone
    from observatory.jobs.export import Exported
    from observatory.jobs.hub_backfill import BackfillOptions, BackfillReport
    from observatory.jobs.hub_backfill import Progress as BackfillProgress
    from observatory.jobs.hub_collect import HubOptions
    from observatory.jobs.imports import ImportReport, Progress
    from observatory.jobs.update import Outcome
    from observatory.ratings.board import Rated, RateOptions
    from observatory.sources.base import Parsed
    from observatory.store.hub_runs import HubRun


class Observatory:
    def __init__(self, home: Path | None = None, registry: Registry | None = None,
                 backend: str | None = None) -> None:
        """``backend``: ``duckdb`` or ``spark`` (default: ``$OBSERVATORY_BACKEND``, else DuckDB)."""
        self.store = Store(home or data_home())
        self.catalog = Catalog(self.store, backend)
        self._registry = registry

    @cached_property
    def registry(self) -> Registry:
        return self._registry or load_registry()

    def connection(self) -> ibis.BaseBackend:
        return self.catalog.connection()

    def refresh(self) -> None:
        self.catalog.refresh()

    def close(self) -> None:
        """Close the catalog's connection (the next query opens it again)."""
        self.catalog.reopen()

    # --- jobs: data into the store ---------------------------------------------------------
    def writing(self, wait: float = 0.0, on_wait: Callable[[str], None] | None = None
                ) -> contextlib.AbstractContextManager[Path]:
        """Hold the data home's write lock (``store.lock``) around several writes: one writer
        at a time; a second one stops at once (``LockedError``) or waits up to ``wait`` s."""
        return self.store.writing(wait, on_wait)

    def parse_paths(self, paths: Iterable[Path | str], fmt: str | None = None,
                    snapshot_date: date | None = None,
                    progress: Progress | None = None) -> tuple[list[Parsed], ImportReport]:
        from observatory.jobs import imports

        return imports.read_paths(paths, fmt, snapshot_date, progress, self.store.known_hashes(),
                                  self.store)

    def write(self, parsed: list[Parsed], report: ImportReport | None = None,
              query: dict | None = None) -> ImportReport:
        from observatory.jobs import imports

        return imports.write(self.catalog, parsed, report, query)

    def import_paths(self, paths: Iterable[Path | str], fmt: str | None = None,
                     snapshot_date: date | None = None, progress: Progress | None = None,
                     replace: bool = False) -> ImportReport:
        """Import files (``replace``: they correct snapshots stored before, which go)."""
        from observatory.jobs import imports

        return imports.import_paths(self.catalog, paths, fmt, snapshot_date, progress, replace)

    def update(self, sources: list[str], timeout: float = 30.0,
               on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Fetch live sources (arena, aa) into the store; one outcome per source."""
        from observatory.jobs import update

        with self.store.writing():
            return update.update_sources(self.catalog, sources, timeout, on_outcome)

    def backfill(self, source: str = "arena", subsets: list[str] | None = None,
                 progress: Callable[[FileDone], None] | None = None) -> ImportReport:
        """A source's whole published history (``arena``: every board in Arena's dataset)."""
        from observatory.config import Endpoints
        from observatory.jobs import arena

        if source != "arena":
            raise ObservatoryError(f"no backfill for source {source!r}; expected arena")
        with self.store.writing():
            return arena.load(self.catalog, Endpoints.from_env().hub, "full", subsets=subsets,
                              progress=progress)

    def backfill_hub(self, options: BackfillOptions,
                     progress: Callable[[BackfillProgress], None] = lambda p: None
                     ) -> BackfillReport:
        """A Hub history from the public dumps (``hub-weekly``, ``hub-stats``)."""
        from observatory.config import Endpoints
        from observatory.jobs import hub_backfill

        with self.store.writing():
            report = hub_backfill.backfill(self.catalog, Endpoints.from_env().hub, options,
                                           progress)
            self.update_aggregates()  # computed once, as each snapshot lands
        return report

    def collect_hub(self, options: HubOptions, progress: Callable[[dict], None] = lambda state: None
                    ) -> tuple[ImportResult, HubRun]:
        """Collect (or resume) one Hub snapshot."""
        from observatory.jobs import hub_collect

        with self.store.writing():
            found = hub_collect.collect_hub(self.catalog, self.registry, options, progress)
            self.update_aggregates()
        return found

    # --- ratings from votes (Q16) --------------------------------------------------------
    def load_votes(self, spec: str | Path, store: bool = True) -> tuple[pa.Table, str]:
        from observatory.jobs import rating_runs

        return rating_runs.load_votes(self.catalog, spec, store)

    def rate(self, votes: pa.Table, options: RateOptions | None = None,
             progress: Callable[[int], None] | None = None) -> Rated:
        from observatory.ratings.board import RateOptions, rate

        return rate(votes, options or RateOptions(), progress)

    def store_board(self, rated: Rated, options: RateOptions, votes_snapshot: str) -> ImportResult:
        from observatory.jobs import rating_runs

        with self.store.writing():
            return rating_runs.store_board(self.catalog, rated, options, votes_snapshot)

    def attribute_board(self, board: pd.DataFrame) -> pd.DataFrame:
        return boards.attribute_computed(self.connection(), self.registry, board)

    @staticmethod
    def simulate_votes(board_file: Path, out_path: Path, n_votes: int,
                       **options: Any) -> tuple[pa.Table, int]:
        """Synthetic votes drawn from a board file's ratings, written to ``out_path``."""
        from observatory.jobs import simulate_votes

        return simulate_votes.votes_from_board(board_file, out_path, n_votes, **options)

    # --- boards (Q1-Q4, Q12, Q13) --------------------------------------------------------
    def entries(self, sel: Selection | None = None) -> ibis.Table:
        """The selection's attributed board rows, computed once per connection (a temporary
        table): a report or a server reads one board many times."""
        sel = sel or Selection()
        if sel.is_index:
            self.catalog.note_read("index_scores")
        else:
            self.catalog.note_read("board_entries", board=sel.board)
        return self.catalog.memo(("entries", sel), lambda: self.catalog.temp_table(
            self._board_entries(sel), "entries"))

    def _board_entries(self, sel: Selection) -> ibis.Table:
        try:
            return boards.entries(self.connection(), self.registry, sel)
        except InputError as exc:  # a board the store may hold only in damaged snapshots
            lost = [d for d in self.catalog.damaged
                    if d.tables is None or (d.boards and sel.board in d.boards)]
            if exc.path != "--board" or not lost:
                raise
            raise DamageError(f"no readable snapshot holds the {sel.board} board; {len(lost)} "
                              "damaged snapshot(s) may (`observatory store repair "
                              f"{' '.join(d.snapshot_id for d in lost[:5])}` rebuilds them)") from exc

    def leaders(self, by: str = "country", as_of: date | None = None,
                sel: Selection | None = None) -> pd.DataFrame:
        return metrics.leaders.leaders(self.entries(sel), by=by, when=as_of)

    def timeline(self, sel: Selection | None = None, by: str = "country",
                 as_of: date | None = None) -> pd.DataFrame:
        """The best open model on every board date (up to ``as_of`` when given)."""
        frame = metrics.lead_changes.timeline(self.entries(sel), by)
        return frame if as_of is None else metrics.lead_changes.until(frame, as_of)

    def lead_changes(self, sel: Selection | None = None, by: str = "country",
                     as_of: date | None = None) -> pd.DataFrame:
        """When the lead changed hands, on the timeline up to ``as_of`` (the whole one: None)."""
        return metrics.lead_changes.lead_changes(self.timeline(sel, by, as_of), by)

    def gap(self, sel: Selection | None = None) -> pd.DataFrame:
        return metrics.gap.gap(self.entries(sel))

    def top(self, n: int = 10, as_of: date | None = None, open_weights_only: bool = True,
            sel: Selection | None = None) -> pd.DataFrame:
        return metrics.top.top(self.entries(sel), n=n, when=as_of, open_weights_only=open_weights_only)

    def org_ranks(self, sel: Selection | None = None, orgs: int = metrics.org_rank.ORGS_SHOWN
                  ) -> pd.DataFrame:
        """Q1 as the seed analyses drew it: the board rank of each organisation's best open
        model on every snapshot."""
        return metrics.org_rank.org_ranks(self.entries(sel), orgs)

    def headline(self, sources: list[str], today: date | None = None) -> metrics.headline.Headline:
        """Who leads today: the newest text board's leaders per country and best open model,
        the newest AA index's best open model, each with its date and age, and a line per
        stale source among ``sources``."""
        headline = metrics.headline
        today = today or date.today()
        found = headline.Headline()
        try:
            found.leaders = self.leaders(sel=boards.newest_selection(self.connection()))
            found.board = headline.text_headline(found.leaders, today)
        except ObservatoryError as exc:  # no text board, no open model on it: say why
            found.missing = str(exc)
        with contextlib.suppress(ObservatoryError):
            index = Selection(board="aa")
            found.index = headline.index_headline(self.top(n=1, sel=index),
                                                  index.index_name() or "", today)
        snapshots = self.connection().table("snapshots").to_pandas()
        found.stale = headline.stale_lines(snapshots, sources, today)
        return found

    def top_by_country(self, n: int = 10, as_of: date | None = None,
                       open_weights_only: bool = True, sel: Selection | None = None) -> pd.DataFrame:
        return metrics.top.top_by_country(self.top(n, as_of, open_weights_only, sel))

    # --- Hub adoption (Q5-Q7, Q10, Q11) --------------------------------------------------
    def hub_entries(self, source: str | None = None, dates: list[date] | None = None) -> ibis.Table:
        """Hub model rows with organisation, country, licence class and artefact flags."""
        self.catalog.note_read("hub_models")
        return hub.hub_entries(self.connection(), self.registry, source, dates)

    def likes(self, as_of: date | None = None, earlier: date | None = None,
              pipeline_tag: str | None = "text-generation") -> pd.DataFrame:
        self.catalog.note_read("hub_models")
        if earlier is not None and earlier >= (as_of or date.today()):
            raise InputError("--earlier", f"{earlier} is not before "
                             + (f"--as-of {as_of}" if as_of else "today"))
        entries = hub.liked_entries(self.connection(), self.registry, [as_of, earlier])
        return metrics.likes.likes(entries, as_of, earlier, pipeline_tag)

    def downloads(self, by: str = "family") -> pd.DataFrame:
        """Per snapshot date and group, from the per-snapshot aggregates (computed first for
        the snapshots that lack them)."""
        from observatory.jobs import aggregates

        return metrics.aggregates.downloads_from_aggregates(
            aggregates.current(self.catalog, self.registry), by)

    def hub_sources(self, as_of: date | None = None) -> pd.DataFrame:
        """Each Hub source's latest snapshot (on or before ``as_of``; ``source``,
        ``snapshot_date``): what a view of the latest Hub (licences, architecture) reads."""
        latest = hub.latest_dates(self.connection(), as_of)
        return pd.DataFrame({"source": list(latest), "snapshot_date": list(latest.values())})

    def hub_scope(self, as_of: date | None = None) -> list[str]:
        """Lines above a view of each Hub source's latest snapshot (licences, architecture):
        which of those snapshots are not the whole Hub."""
        latest = self.hub_sources(as_of)
        return metrics.likes.scope_lines([(r.source, str(r.snapshot_date)) for r in latest.itertuples()])

    def lineage_sources(self, inferred: bool = False, as_of: date | None = None) -> pd.DataFrame:
        """The (source, snapshot_date) pairs the lineage graph was built from (the same graph
        the view read: built once per arguments)."""
        models = self.lineage_graph(as_of, inferred=inferred).models
        return models.select("source", "snapshot_date").distinct().to_pandas()

    def lineage_scope(self, inferred: bool = False, as_of: date | None = None) -> list[str]:
        """Lines above a lineage view: the partial sources its graph was built from."""
        pairs = self.lineage_sources(inferred, as_of)
        found = [(r.source, str(r.snapshot_date)[:10]) for r in pairs.itertuples()]
        return metrics.likes.spans_lines(found, "the lineage graph")

    def downloads_notes(self, by: str = "family") -> list[str]:
        """What a downloads table rests on and what it cannot show (lines above it)."""
        from observatory.jobs import aggregates

        return metrics.aggregates.download_notes(
            aggregates.current(self.catalog, self.registry), by)

    def update_aggregates(self, skip: set[str] | None = None) -> list[ImportResult]:
        """Aggregates of every whole-Hub snapshot that lacks them for today's registry."""
        from observatory.jobs import aggregates

        with self.store.writing():
            return aggregates.update(self.catalog, self.registry, skip)

    def download_crossings(self, by: str = "family",
                           downloads: pd.DataFrame | None = None) -> pd.DataFrame:
        return metrics.downloads.crossings(self.downloads(by) if downloads is None else downloads, by)

    def share(self, start: date, end: date, by: str = "country",
              first_year_only: bool = False) -> pd.DataFrame:
        self.catalog.note_read("hub_models")
        entries = hub.entries_on_or_before(self.connection(), self.registry, [start, end],
                                           hub.FULL_CRAWL, family=by == "family")
        return metrics.share.download_share(entries, start, end, by, first_year_only)

    def download_artefacts(self) -> pd.DataFrame:
        self.catalog.note_read("hub_models")
        return metrics.downloads.artefacts(hub.crawl_rows(self.connection()))

    def licences(self, by: str = "org", period: str = "quarter", org: str | None = None) -> pd.DataFrame:
        self.catalog.note_read("hub_models")
        entries = hub.latest_entries(self.connection(), self.registry)
        return metrics.licences.licence_mix(entries, by, period, org)

    def architecture(self, period: str = "year", by: str = "country", source: str = "aa",
                     as_of: date | None = None) -> pd.DataFrame:
        """Q11 from the Hub's configs (``source="hub"``: each Hub source's latest snapshot on or
        before ``as_of``) or the Artificial Analysis snapshot on or before ``as_of``
        (``source="aa"``: open-weight models by release period)."""
        self.catalog.note_read("index_scores" if source == "aa" else "hub_models")
        if source == "aa":
            models = boards.index_models(self.connection(), self.registry, as_of)
            return metrics.architecture.index_architecture(models, period, by)
        entries = hub.latest_entries(self.connection(), self.registry, as_of)
        return metrics.architecture.architecture_trend(entries, period, by)

    # --- lineage (Q8, Q9, Q14, Q15) ------------------------------------------------------
    def lineage_graph(self, as_of: date | None = None, source: str | None = None,
                      inferred: bool = False, min_score: float | None = None) -> LineageGraph:
        """The derivative graph of the Hub snapshots (built once per arguments and connection);
        ``min_score`` of inferred edges defaults to ``DEFAULT_MIN_SCORE``."""
        score = DEFAULT_MIN_SCORE if min_score is None else min_score
        self.catalog.note_read("hub_models", *(("hub_edges",) if inferred else ()))
        return self.catalog.memo(("lineage", as_of, source, inferred, score), lambda: build_graph(
            self.connection(), self.registry, as_of, source, inferred, score))

    def derivatives(self, by: str = "root-country", inferred: bool = False,
                    start: date | None = None, end: date | None = None,
                    relations: tuple[str, ...] | None = None,
                    as_of: date | None = None) -> pd.DataFrame:
        if start is not None and end is not None and start > end:
            raise InputError("--since", f"{start} is after --until {end}")
        graph = self.lineage_graph(as_of, inferred=inferred)
        return metrics.derivatives.monthly(graph, self.registry, by, start, end, relations)

    def most_derived(self, column: str = "root_id") -> str:
        """The root (``root_id``) or family (``root_family``) with the most derivatives."""
        return metrics.derivers.most_derived(self.lineage_graph(), column)

    def derivers(self, family: str, by: str = "uploader-country", inferred: bool = False) -> pd.DataFrame:
        return metrics.derivers.derivers(self.lineage_graph(inferred=inferred), self.registry, family, by)

    def burst(self, model_id: str, days: int = 30,
              inferred: bool = False) -> tuple[dict[str, Any], pd.DataFrame]:
        return metrics.burst.burst(self.lineage_graph(inferred=inferred), model_id, days)

    def lineage_tree(self, model_id: str, inferred: bool = False) -> dict[str, Any]:
        return tree.tree(self.lineage_graph(inferred=inferred), model_id)

    def runnable(self, model_id: str) -> pd.DataFrame:
        return metrics.runnable.runnable(self.lineage_graph(), model_id)

    def whose_base(self, model_id: str) -> pd.DataFrame:
        graph = self.lineage_graph()
        self.catalog.note_read("hub_configs", "hub_edges")
        found = inference.candidates(self.connection(), graph, model_id)
        return metrics.whose_base.whose_base(found, graph, self.registry)

    def infer_bases(self, top: int = 3) -> tuple[ImportResult | None, pd.DataFrame]:
        """Infer candidate bases of every model that declares none; stored as ``inferred``
        edges in a derived snapshot (None when nothing was inferred)."""
        from observatory.jobs import infer_bases

        if self.catalog.backend != "duckdb":  # a job that writes a snapshot: it runs on DuckDB
            local = Observatory(self.store.home, self._registry, backend="duckdb")
            try:
                return local.infer_bases(top)
            finally:
                local.close()
                self.catalog.reopen()
        with self.store.writing():
            return infer_bases.infer_bases(self.catalog, self.lineage_graph(), top)

    # --- the store ------------------------------------------------------------------------
    def unknowns(self) -> pd.DataFrame:
        self.catalog.note_read("board_entries", "index_scores")
        return unknowns.unknowns(self.connection(), self.registry)

    def review(self, everything: bool = False) -> pd.DataFrame:
        self.catalog.note_read("board_entries", "index_scores")
        return unknowns.review(self.connection(), self.registry, everything)

    def accept(self, models: list[str]) -> tuple[Path, list[dict[str, str]]]:
        """Write the reviewed attribution of ``models`` into the user's ``model_facts.csv``."""
        from observatory.registry.loader import override_dir
        from observatory.store.overrides import upsert_rows

        rows = unknowns.facts_to_accept(self.review(everything=True), models,
                                        date.today().isoformat())
        path = override_dir() / "model_facts.csv"
        with self.store.writing():
            upsert_rows(path, unknowns.FACT_COLUMNS, rows, key="model_key")
        self.__dict__.pop("registry", None)  # read the accepted rows on next use
        self.catalog.forget()  # and attribute with them
        return path, rows


    def export(self, out: Path) -> Exported:
        """The main views as CSV and JSON in ``out`` (``jobs.export``), for a schedule to publish:
        its manifest and what of the user's the folder kept (``jobs.export.Exported``)."""
        from observatory.jobs import export

        views = {"leaders": self.leaders, "lead_changes": self.lead_changes, "gap": self.gap,
                 "top": self.top, "likes": self.likes, "downloads_by_family": self.downloads,
                 "licences": self.licences}
        return export.export(out, views, self.snapshots(), self.store.home)

    def last_run(self) -> dict | None:
        """The last complete main job's record (date, sources), if any."""
        from observatory.store.lock import last_run

        return last_run(self.store.home)

    def record_run(self, sources: list[str], snapshots: int) -> None:
        from observatory.store.lock import record_run

        with self.store.writing():
            record_run(self.store.home, sources, snapshots)

    def verify(self, clean: bool = False) -> tuple[list[Any], list[Path]]:
        """Problems with the snapshots, and what killed runs left in ``tmp/`` (removed when
        ``clean``)."""
        from observatory.store import verify

        leftovers = verify.clean_tmp(self.store) if clean else verify.leftovers(self.store)
        return verify.problems(self.store), leftovers

    def writer(self) -> str | None:
        """Who is writing into the data home now (None: no one)."""
        from observatory.store import verify

        return verify.writer(self.store)

    def repair(self, ids: list[str] | None = None) -> list[Any]:
        """Rebuild damaged snapshots (``ids``, or every damaged one): from an intact raw file,
        or computed again from their inputs; one outcome each (``jobs.repair``)."""
        from observatory.jobs import repair

        return repair.repair(self.catalog, self.registry, ids)

    def remove(self, ids: list[str]) -> list[str]:
        """Remove snapshots by id (logged in ``store.log``); the folders removed."""
        from observatory.jobs import repair

        return repair.remove(self.catalog, ids)

    def damage_notes(self) -> list[str]:
        """The line a view prints when it would have read a quarantined snapshot."""
        return self.catalog.damage_notes()

    def snapshots(self, local: bool = False) -> pd.DataFrame:
        """Every snapshot (id, format, date, counts, when imported, origin). Each origin as it
        may be published (a URL, or a local file by its name: ``config.public_origin``), unless
        ``local`` (the terminal's `store list`: the paths as imported)."""
        frame = pd.DataFrame(self.store.listing(), columns=list(LISTING))
        if not local:
            frame["origin"] = [public_origin(o) if isinstance(o, str) else o for o in frame["origin"]]
        return frame


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def __getattr__(name: str) -> Any:
    """``ImportReport`` without loading the importers on ``import observatory.api``."""
    if name == "ImportReport":
        from observatory.jobs.imports import ImportReport

        return ImportReport
    raise AttributeError(f"module 'observatory.api' has no attribute {name!r}")


__all__ = ["ImportReport", "Observatory", "ObservatoryError", "Selection", "to_arrow"]
