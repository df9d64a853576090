"""The Python API: everything the CLI does, returning pandas frames (``to_arrow`` for Arrow).

    from observatory.api import Observatory
    obs = Observatory()                       # the data home ($OBSERVATORY_HOME or user dir)
    obs.import_paths(["../shared/data/lmarena-official"])
    obs.leaders(by="country", as_of=date(2025, 7, 18))

``Observatory`` only composes: jobs move data into the store, ``registry`` attributes rows,
``metrics`` answer the questions. The jobs (their importers, the network stack, scipy) are
imported when first used, so a command that only reads the store starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd
import pyarrow as pa

from observatory.config import data_home
from observatory.errors import ObservatoryError
from observatory.lineage import tree as tree_mod
from observatory.lineage.graph import DEFAULT_MIN_SCORE, LineageGraph, build_graph
from observatory.metrics import (
    architecture,
    burst,
    derivatives,
    derivers,
    downloads,
    gap,
    lead_changes,
    leaders,
    licences,
    likes,
    runnable,
    share,
    top,
    whose_base,
)
from observatory.registry import boards, hub, unknowns
from observatory.registry.loader import Registry, load_registry
from observatory.registry.selection import Selection
from observatory.store import ImportResult, Store
from observatory.store.catalog import Catalog
from observatory.store.snapshots import LISTING

if TYPE_CHECKING:
    from observatory.jobs.imports import ImportReport, Progress
    from observatory.ratings.board import Rated, RateOptions
    from observatory.sources.base import Parsed


class Observatory:
    def __init__(self, home: Path | None = None, registry: Registry | None = None) -> None:
        self.store = Store(home or data_home())
        self.catalog = Catalog(self.store)
        self._registry = registry

    @cached_property
    def registry(self) -> Registry:
        return self._registry or load_registry()

    def connection(self) -> ibis.BaseBackend:
        return self.catalog.connection()

    def refresh(self) -> None:
        self.catalog.refresh()

    # --- import -------------------------------------------------------------------------
    def parse_paths(self, paths: Iterable[Path | str], fmt: str | None = None,
                    snapshot_date: date | None = None,
                    progress: Progress | None = None) -> tuple[list[Parsed], ImportReport]:
        from observatory.jobs import imports

        return imports.read_paths(paths, fmt, snapshot_date, progress, self.store.known_hashes())

    def write(self, parsed: list[Parsed], report: ImportReport | None = None,
              query: dict | None = None) -> ImportReport:
        from observatory.jobs import imports

        return imports.write(self.catalog, parsed, report, query)

    def import_paths(self, paths: Iterable[Path | str], fmt: str | None = None,
                     snapshot_date: date | None = None,
                     progress: Progress | None = None) -> ImportReport:
        from observatory.jobs import imports

        return imports.import_paths(self.catalog, paths, fmt, snapshot_date, progress)

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

        return rating_runs.store_board(self.catalog, rated, options, votes_snapshot)

    def attribute_board(self, board: pd.DataFrame) -> pd.DataFrame:
        return boards.attribute_computed(self.connection(), self.registry, board)

    # --- boards (Q1-Q4, Q12, Q13) --------------------------------------------------------
    def entries(self, sel: Selection | None = None) -> ibis.Table:
        return boards.entries(self.connection(), self.registry, sel or Selection())

    def leaders(self, by: str = "country", as_of: date | None = None,
                sel: Selection | None = None) -> pd.DataFrame:
        return leaders.leaders(self.entries(sel), by=by, when=as_of)

    def timeline(self, sel: Selection | None = None, by: str = "country") -> pd.DataFrame:
        return lead_changes.timeline(self.entries(sel), by)

    def lead_changes(self, sel: Selection | None = None, by: str = "country") -> pd.DataFrame:
        return lead_changes.lead_changes(self.timeline(sel, by), by)

    def gap(self, sel: Selection | None = None) -> pd.DataFrame:
        return gap.gap(self.entries(sel))

    def top(self, n: int = 10, as_of: date | None = None, open_weights_only: bool = True,
            sel: Selection | None = None) -> pd.DataFrame:
        return top.top(self.entries(sel), n=n, when=as_of, open_weights_only=open_weights_only)

    def top_by_country(self, n: int = 10, as_of: date | None = None,
                       open_weights_only: bool = True, sel: Selection | None = None) -> pd.DataFrame:
        return top.top_by_country(self.top(n, as_of, open_weights_only, sel))

    # --- Hub adoption (Q5-Q7, Q10, Q11) --------------------------------------------------
    def likes(self, as_of: date | None = None, earlier: date | None = None,
              pipeline_tag: str | None = "text-generation") -> pd.DataFrame:
        entries = hub.liked_entries(self.connection(), self.registry, [as_of, earlier])
        return likes.likes(entries, as_of, earlier, pipeline_tag)

    def downloads(self, by: str = "family") -> pd.DataFrame:
        if by == "family":
            entries = hub.family_entries(self.connection(), self.registry, hub.FULL_CRAWL)
            return downloads.downloads_over_time(entries, by)
        return downloads.downloads_by_namespace(hub.crawl_rows(self.connection()),
                                                hub.namespace_lookup(self.registry), by)

    def download_crossings(self, by: str = "family",
                           frame: pd.DataFrame | None = None) -> pd.DataFrame:
        return downloads.crossings(self.downloads(by) if frame is None else frame, by)

    def share(self, start: date, end: date, by: str = "country",
              first_year_only: bool = False) -> pd.DataFrame:
        entries = hub.entries_on_or_before(self.connection(), self.registry, [start, end],
                                           hub.FULL_CRAWL, family=by == "family")
        return share.download_share(entries, start, end, by, first_year_only)

    def download_artefacts(self) -> pd.DataFrame:
        return downloads.artefacts(hub.crawl_rows(self.connection()))

    def licences(self, by: str = "org", period: str = "quarter", org: str | None = None) -> pd.DataFrame:
        entries = hub.latest_entries(self.connection(), self.registry)
        return licences.licence_mix(entries, by, period, org)

    def architecture(self, period: str = "year", by: str = "country") -> pd.DataFrame:
        entries = hub.latest_entries(self.connection(), self.registry)
        return architecture.architecture_trend(entries, period, by)

    # --- lineage (Q8, Q9, Q14, Q15) ------------------------------------------------------
    def lineage_graph(self, as_of: date | None = None, source: str | None = None,
                      inferred: bool = False, min_score: float = DEFAULT_MIN_SCORE) -> LineageGraph:
        """The derivative graph of the Hub snapshots (built once per arguments and connection)."""
        return self.catalog.memo(("lineage", as_of, source, inferred, min_score), lambda: build_graph(
            self.connection(), self.registry, as_of, source, inferred, min_score))

    def derivatives(self, by: str = "root-country", inferred: bool = False,
                    start: date | None = None, end: date | None = None,
                    relations: tuple[str, ...] | None = None,
                    as_of: date | None = None) -> pd.DataFrame:
        graph = self.lineage_graph(as_of, inferred=inferred)
        return derivatives.monthly(graph, self.registry, by, start, end, relations)

    def derivers(self, family: str, by: str = "uploader-country", inferred: bool = False) -> pd.DataFrame:
        return derivers.derivers(self.lineage_graph(inferred=inferred), self.registry, family, by)

    def burst(self, model_id: str, days: int = 30,
              inferred: bool = False) -> tuple[dict[str, Any], pd.DataFrame]:
        return burst.burst(self.lineage_graph(inferred=inferred), model_id, days)

    def lineage_tree(self, model_id: str, inferred: bool = False) -> dict[str, Any]:
        return tree_mod.tree(self.lineage_graph(inferred=inferred), model_id)

    def runnable(self, model_id: str) -> pd.DataFrame:
        return runnable.runnable(self.lineage_graph(), model_id)

    def whose_base(self, model_id: str) -> pd.DataFrame:
        return whose_base.whose_base(self.connection(), self.lineage_graph(), self.registry, model_id)

    def infer_bases(self, top: int = 3) -> tuple[ImportResult | None, pd.DataFrame]:
        """Infer candidate bases of every model that declares none; stored as ``inferred``
        edges in a derived snapshot (None when nothing was inferred)."""
        from observatory.jobs import infer_bases

        return infer_bases.infer_bases(self.catalog, self.lineage_graph(), top)

    # --- the store ------------------------------------------------------------------------
    def unknowns(self) -> pd.DataFrame:
        return unknowns.unknowns(self.connection(), self.registry)

    def snapshots(self) -> pd.DataFrame:
        return pd.DataFrame(self.store.listing(), columns=list(LISTING))


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


__all__ = ["Observatory", "ObservatoryError", "Selection", "to_arrow"]
