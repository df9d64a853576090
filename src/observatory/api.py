"""The Python API: everything the CLI does, returning pandas frames (``.to_arrow()`` for Arrow).

    from observatory.api import Observatory
    obs = Observatory()                       # the data home ($OBSERVATORY_HOME or user dir)
    obs.import_paths(["../shared/data/lmarena-official"])
    obs.leaders(by="country", as_of=date(2025, 7, 18))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from observatory.config import data_home
from observatory.errors import InputError, ObservatoryError, UnknownFormatError
from observatory.metrics import entries as entries_mod
from observatory.metrics import gap as gap_mod
from observatory.metrics import leaders as leaders_mod
from observatory.metrics import top as top_mod
from observatory.metrics import unknowns as unknowns_mod
from observatory.metrics.lineage_graph import LineageGraph
from observatory.ratings.board import Rated, RateOptions
from observatory.registry import Registry, load_registry
from observatory.sources.base import Parsed
from observatory.sources.detect import expand, parse_file
from observatory.store import ImportResult, Store, catalog

Selection = entries_mod.Selection
Progress = Callable[[Path], None]


class ImportReport:
    """What an import did: results per file, and files skipped while walking folders."""

    def __init__(self) -> None:
        self.results: list[ImportResult] = []
        self.skipped: list[tuple[str, str]] = []

    @property
    def imported(self) -> list[ImportResult]:
        return [r for r in self.results if not r.duplicate]

    @property
    def duplicates(self) -> list[ImportResult]:
        return [r for r in self.results if r.duplicate]


class Observatory:
    def __init__(self, home: Path | None = None, registry: Registry | None = None) -> None:
        self.store = Store(home or data_home())
        self._registry = registry
        self._connection: ibis.BaseBackend | None = None
        self._graphs: dict[tuple, LineageGraph] = {}

    @cached_property
    def registry(self) -> Registry:
        return self._registry or load_registry()

    def connection(self) -> ibis.BaseBackend:
        """The catalog connection, opened (and checked against the snapshots) once per
        Observatory; ``refresh`` after writing snapshots."""
        if self._connection is None:
            self._connection = catalog.connect(self.store)
        return self._connection

    def refresh(self) -> None:
        """Rebuild the catalog after snapshots were written; the next query reconnects."""
        if self._connection is not None:
            self._connection.disconnect()
            self._connection = None
        self._graphs.clear()
        catalog.rebuild(self.store)

    # --- import -------------------------------------------------------------------------
    def parse_paths(self, paths: Iterable[Path | str], fmt: str | None = None,
                    snapshot_date: date | None = None,
                    progress: Progress | None = None) -> tuple[list[Parsed], ImportReport]:
        """Read every file first, so one bad file leaves the store untouched."""
        report = ImportReport()
        given = [Path(p) for p in paths]
        files, skipped = expand(given)
        explicit = {p.resolve() for p in given if p.is_file()}
        report.skipped.extend((str(p), "not a .csv or .json file") for p in skipped)
        parsed: list[Parsed] = []
        for path in files:
            if progress:
                progress(path)
            try:
                parsed.append(parse_file(path, fmt, snapshot_date))
            except UnknownFormatError as exc:
                if path.resolve() in explicit or fmt is not None:
                    raise
                report.skipped.append((str(path), str(exc).split(": ", 1)[-1]))
        if not parsed and not report.skipped:
            raise InputError(", ".join(map(str, given)), "no files to import")
        return parsed, report

    def write(self, parsed: list[Parsed], report: ImportReport | None = None,
              query: dict | None = None) -> ImportReport:
        report = report or ImportReport()
        known = self.store.known_hashes()
        for item in parsed:
            report.results.append(self.store.write(item, known, query))
        if report.imported:
            self.refresh()
        return report

    def import_paths(self, paths: Iterable[Path | str], fmt: str | None = None,
                     snapshot_date: date | None = None,
                     progress: Progress | None = None) -> ImportReport:
        parsed, report = self.parse_paths(paths, fmt, snapshot_date, progress)
        return self.write(parsed, report)

    # --- ratings from votes (Q16) -----------------------------------------------------------
    def load_votes(self, spec: str | Path, store: bool = True) -> tuple[pa.Table, str]:
        """Votes from a file (imported into the store unless ``store=False``) or from a stored
        vote snapshot (its id or a prefix of it); returns the table and the snapshot id."""
        from observatory.rating_runs import load_votes

        return load_votes(self, spec, store)

    def rate(self, votes: pa.Table, options: RateOptions | None = None,
             progress: Callable[[int], None] | None = None) -> Rated:
        from observatory.ratings.board import rate

        return rate(votes, options or RateOptions(), progress)

    def store_board(self, rated: Rated, options: RateOptions, votes_snapshot: str) -> ImportResult:
        """Write a computed board as one snapshot (whole or not at all), like an imported one."""
        from observatory.rating_runs import board_snapshot

        report = self.write([board_snapshot(rated, options, votes_snapshot)])
        return report.results[0]

    def attribute_board(self, board: pd.DataFrame) -> pd.DataFrame:
        """A computed board with each model's organisation, country and open-weights status."""
        from observatory.registry.attribute import attribute_arena

        labels = entries_mod.published_labels(self.connection())
        distinct = board[["model_key", "model_name", "org_label", "licence_label", "url"]]
        attributed = attribute_arena(distinct.drop_duplicates("model_key"), self.registry, labels)
        columns = ["model_key", "org_id", "country", "open_weights", "licence_class"]
        return board.merge(attributed[columns], on="model_key", how="left")

    # --- metrics ------------------------------------------------------------------------
    def entries(self, sel: Selection | None = None) -> ibis.Table:
        return entries_mod.entries(self.connection(), self.registry, sel or Selection())

    def leaders(self, by: str = "country", as_of: date | None = None,
                sel: Selection | None = None) -> pd.DataFrame:
        return leaders_mod.leaders(self.entries(sel), by=by, when=as_of)

    def timeline(self, sel: Selection | None = None) -> pd.DataFrame:
        return leaders_mod.timeline(self.entries(sel))

    def lead_changes(self, sel: Selection | None = None) -> pd.DataFrame:
        return leaders_mod.lead_changes(self.timeline(sel))

    def gap(self, sel: Selection | None = None) -> pd.DataFrame:
        return gap_mod.gap(self.entries(sel))

    def top(self, n: int = 10, as_of: date | None = None, open_weights_only: bool = True,
            sel: Selection | None = None) -> pd.DataFrame:
        return top_mod.top(self.entries(sel), n=n, when=as_of,
                           open_weights_only=open_weights_only)

    def top_by_country(self, n: int = 10, as_of: date | None = None,
                       open_weights_only: bool = True,
                       sel: Selection | None = None) -> pd.DataFrame:
        return top_mod.top_by_country(self.top(n, as_of, open_weights_only, sel))

    # --- Hub adoption ---------------------------------------------------------------------
    def hub_entries(self, source: str | None = None,
                    dates: list[date] | None = None) -> ibis.Table:
        from observatory.metrics.hub_entries import hub_entries

        return hub_entries(self.connection(), self.registry, source, dates)

    def _hub_at(self, *days: date | None, source: str | None = None) -> ibis.Table:
        """Entries of the latest snapshot on or before each day (None: the latest)."""
        from observatory.metrics.hub_entries import hub_dates, latest_on_or_before

        available = hub_dates(self.connection(), source)
        chosen = [latest_on_or_before(available, day) for day in days]
        return self.hub_entries(source, [d for d in chosen if d is not None])

    def likes(self, as_of: date | None = None, earlier: date | None = None,
              pipeline_tag: str | None = "text-generation") -> pd.DataFrame:
        from observatory.metrics import likes

        entries = self.hub_entries(dates=self._liked_dates(as_of, earlier))
        if earlier is None:
            return likes.most_liked(entries, as_of, pipeline_tag)
        return likes.likes_then_and_now(entries, as_of, earlier, pipeline_tag)

    def _liked_dates(self, *days: date | None) -> list[date]:
        """The latest snapshot with likes on or before each day (raw table, no joins)."""
        from observatory.metrics.hub_entries import latest_on_or_before

        models = self.connection().table("hub_models")
        with_likes = models.filter(models.likes.notnull()).select("snapshot_date").distinct()
        available = sorted(pd.Timestamp(d).date() for d in with_likes.to_pandas()["snapshot_date"])
        return [d for d in (latest_on_or_before(available, day) for day in days) if d is not None]

    def downloads(self, by: str = "family") -> pd.DataFrame:
        from observatory.metrics import adoption
        from observatory.metrics.hub_entries import namespace_table

        if by == "family":
            return adoption.downloads_over_time(self._hub_grouped("hub-api", by), by)
        models = self.connection().table("hub_models").filter(lambda t: t.source == "hub-api")
        namespaces = ibis.memtable(namespace_table(self.registry))
        return adoption.downloads_by_namespace(models, namespaces, by)

    def _hub_grouped(self, source: str | None, by: str,
                     dates: list[date] | None = None) -> ibis.Table:
        entries = self.hub_entries(source, dates)
        if by != "family":
            return entries
        from observatory.metrics.hub_entries import with_family

        return with_family(entries, self.registry)

    def download_crossings(self, by: str = "family",
                           downloads: pd.DataFrame | None = None) -> pd.DataFrame:
        from observatory.metrics.adoption import crossings

        return crossings(self.downloads(by) if downloads is None else downloads, by)

    def share(self, start: date, end: date, by: str = "country",
              first_year_only: bool = False) -> pd.DataFrame:
        from observatory.metrics.adoption import download_share
        from observatory.metrics.hub_entries import hub_dates, latest_on_or_before

        available = hub_dates(self.connection(), "hub-api")
        ends = [d for d in (latest_on_or_before(available, start),
                            latest_on_or_before(available, end)) if d is not None]
        return download_share(self._hub_grouped("hub-api", by, ends), start, end, by,
                              first_year_only)

    def download_artefacts(self) -> pd.DataFrame:
        from observatory.metrics.adoption import artefacts

        models = self.connection().table("hub_models")
        return artefacts(models.filter(models.source == "hub-api"))

    def licences(self, by: str = "org", period: str = "quarter",
                 org: str | None = None) -> pd.DataFrame:
        from observatory.metrics.licences import licence_mix

        return licence_mix(self.hub_entries(dates=self._latest_per_source()), by, period, org)

    def architecture(self, period: str = "year", by: str = "country") -> pd.DataFrame:
        from observatory.metrics.architecture import architecture_trend

        return architecture_trend(self.hub_entries(dates=self._latest_per_source()), period, by)

    def _latest_per_source(self) -> list[date]:
        """Each Hub source's latest snapshot date (from the raw table, without joins)."""
        models = self.connection().table("hub_models")
        latest = models.group_by("source").agg(day=models.snapshot_date.max()).to_pandas()
        return sorted({pd.Timestamp(day).date() for day in latest["day"]})

    # --- Lineage ----------------------------------------------------------------------------
    def lineage_graph(self, as_of: date | None = None, source: str | None = None,
                      inferred: bool = False, min_score: float | None = None) -> LineageGraph:
        """The derivative graph of the Hub snapshots (built once per arguments and instance)."""
        from observatory.metrics.lineage_graph import DEFAULT_MIN_SCORE, build_graph

        score = DEFAULT_MIN_SCORE if min_score is None else min_score
        key = (as_of, source, inferred, score)
        if key not in self._graphs:
            self._graphs[key] = build_graph(self.connection(), self.registry, as_of, source,
                                            inferred, score)
        return self._graphs[key]

    def derivatives(self, by: str = "root-country", inferred: bool = False,
                    start: date | None = None, end: date | None = None,
                    relations: tuple[str, ...] | None = None,
                    as_of: date | None = None) -> pd.DataFrame:
        """Q8: new derivatives per month and the share built on each group's bases."""
        from observatory.metrics.derivatives import monthly

        return monthly(self.lineage_graph(as_of, inferred=inferred), self.registry, by, start, end,
                       relations)

    def derivers(self, family: str, by: str = "uploader-country",
                 inferred: bool = False) -> pd.DataFrame:
        """Q15: who builds on a family, by the deriver's country or organisation."""
        from observatory.metrics.derivatives import derivers

        return derivers(self.lineage_graph(inferred=inferred), self.registry, family, by)

    def burst(self, model_id: str, days: int = 30,
              inferred: bool = False) -> tuple[dict[str, Any], pd.DataFrame]:
        """Q9: derivatives and their downloads within ``days`` of a model's release."""
        from observatory.metrics.model_lineage import burst

        return burst(self.lineage_graph(inferred=inferred), model_id, days)

    def lineage_tree(self, model_id: str, inferred: bool = False) -> dict[str, Any]:
        from observatory.metrics.model_lineage import tree

        return tree(self.lineage_graph(inferred=inferred), model_id)

    def runnable(self, model_id: str) -> pd.DataFrame:
        from observatory.metrics.model_lineage import runnable

        return runnable(self.lineage_graph(), model_id)

    def whose_base(self, model_id: str) -> pd.DataFrame:
        """Q14: the declared base of a model, or its inferred candidates with scores."""
        from observatory.metrics.inference import whose_base

        return whose_base(self.connection(), self.lineage_graph(), self.registry, model_id)

    def infer_bases(self, top: int = 3) -> tuple[ImportResult | None, pd.DataFrame]:
        """Infer candidate bases for every model that declares none and store them as
        ``inferred`` edges (a derived snapshot). Returns the snapshot (None when nothing was
        inferred) and the candidates."""
        from observatory.metrics.inference import edge_table, infer
        from observatory.store.derived import write_derived

        graph = self.lineage_graph()
        predictions = infer(self.connection(), graph, top=top)
        if predictions.empty:
            return None, predictions
        day = graph.models.snapshot_date.max().execute()
        day = pd.Timestamp(day).date()
        used = graph.models.select("snapshot_id").distinct().to_pandas()["snapshot_id"]
        inputs = {"hub_snapshots": sorted(used), "top": top}
        result = write_derived(self.store, "inferred-edges", day,
                               {"hub_edges": edge_table(predictions, day)}, inputs)
        if not result.duplicate:
            self.refresh()
        return result, predictions

    def unknowns(self) -> pd.DataFrame:
        return unknowns_mod.unknowns(self.connection(), self.registry)

    def snapshots(self) -> pd.DataFrame:
        rows = [
            {k: m.get(k) for k in ("snapshot_id", "format", "snapshot_date", "counts",
                                   "imported_at", "origin")}
            for m in self.store.manifests()
        ]
        return pd.DataFrame(rows, columns=["snapshot_id", "format", "snapshot_date", "counts",
                                           "imported_at", "origin"])


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


__all__ = ["ImportReport", "Observatory", "ObservatoryError", "Selection", "to_arrow"]
