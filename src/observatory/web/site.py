"""The report site: every page's result, the index's headline cards, and the site's files
(HTML, the tables as CSV, the charts as PNG and SVG, the assets). The static report writes them
all; the server renders the same pages from the same code, live from the store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from observatory import METHOD_VERSION, __version__
from observatory.api import Observatory
from observatory.config import home_label, public_text
from observatory.publish.charts import PUBLISHERS
from observatory.publish.draw import FORMATS, Drawing, draw
from observatory.publish.tables import to_csv
from observatory.web import render
from observatory.web.pages import NO_DATA, PAGES, TABLE_ROWS, Page, Section


@dataclass
class PageResult:
    page: Page
    sections: list[Section] = field(default_factory=list)
    missing: str | None = None  # why the store cannot answer it yet
    damaged: list[str] = field(default_factory=list)  # damaged snapshots the page left out

    def provenance(self) -> dict[str, Any]:
        found = provenance([t for s in self.sections for t in (s.table, *s.basis)])
        return {**found, "damaged": self.damaged} if self.damaged else found


def provenance(tables: list[pd.DataFrame]) -> dict[str, Any]:
    """What the tables rest on: their sources (named by publisher), snapshot dates and snapshot
    ids, and the method version."""
    sources: set[str] = set()
    days: list[pd.Timestamp] = []
    snapshots: set[str] = set()
    for table in tables:
        if "source" in table:
            sources |= {str(s) for s in table["source"].dropna().unique()}
        if "snapshot_date" in table:
            days += list(pd.to_datetime(table["snapshot_date"]).dropna())
        if "snapshot_id" in table:
            snapshots |= {str(s) for s in table["snapshot_id"].dropna().unique()}
    named = sorted({PUBLISHERS.get(s, s) for s in sources})
    span = ""
    if days:
        first, last = min(days).date(), max(days).date()
        span = str(first) if first == last else f"{first} to {last}"
    return {"sources": named, "dates": span,
            "snapshots": f"{len(snapshots):,}" if snapshots else "not listed by this view",
            "method_version": METHOD_VERSION}


def build_page(obs: Observatory, page: Page) -> PageResult:
    """A page's sections, or why the store cannot answer it: no data for it (one missing source
    leaves the other pages whole). Any other error (a broken store or registry) is raised."""
    try:
        return PageResult(page, page.build(obs))
    except NO_DATA as exc:
        return PageResult(page, missing=str(exc))


@dataclass
class Card:
    title: str
    page: str
    fill: str
    value: str = ""
    details: list[str] = field(default_factory=list)
    when: str = ""
    missing: str | None = None


def _fmt(value: Any, digits: int = 0) -> str:
    return "?" if value is None or pd.isna(value) else f"{float(value):,.{digits}f}"


def _country(value: Any) -> str:
    return "country unknown" if value is None or pd.isna(value) or value == "(unknown)" else str(value)


def _table(result: PageResult, name: str) -> pd.DataFrame:
    return next(s.table for s in result.sections if s.name == name)


def _best_open(result: PageResult, card: Card) -> None:
    frame = _table(result, "q01-leaders-by-country").sort_values("position")
    first = frame.iloc[0]
    card.value = f"{first['model_name']} ({_country(first['country'])})"
    card.details.append(f"rating {_fmt(first['rating'])}, 95% interval {_fmt(first['ci_low'])} "
                        f"to {_fmt(first['ci_high'])}")
    if len(frame) > 1:
        second = frame.iloc[1]
        tied = first["tied_with_next"]
        verdict = ("cannot be judged (an interval is missing)" if pd.isna(tied) else
                   "not statistically solid (the intervals overlap)" if bool(tied) else
                   "statistically solid (the intervals do not overlap)")
        card.details.append(f"its lead over {second['model_name']} ({_country(second['country'])}) "
                            f"is {verdict}")
    card.when = f"{first['board']} board of {str(first['snapshot_date'])[:10]} ({first['source']})"


def _lead_change(result: PageResult, card: Card) -> None:
    """The last change on the board the best-open card reads (the newest text board), or how
    long it has held."""
    section = result.sections[0]  # the page puts the newest board first
    board = section.heading.split("— ")[-1]
    card.when = board
    if section.table.empty:
        timeline = section.basis[0]
        first, last = (str(d)[:10] for d in (timeline["snapshot_date"].min(),
                                              timeline["snapshot_date"].max()))
        leader = timeline.sort_values("snapshot_date").iloc[-1]
        card.value = f"{_country(leader['country'])} throughout"
        card.details.append(f"no change between {first} and {last}")
        return
    last = section.table.iloc[-1]
    card.value = f"{last['from_country']} → {last['to_country']}"
    card.details.append(f"between {str(last['last_date_before'])[:10]} and "
                        f"{str(last['first_date_after'])[:10]}: {last['to_model']} passed "
                        f"{last['from_model']}")
    solid, since = last.get("solid_at_change"), last.get("solid_from")
    card.details.append("whether it is solid cannot be judged: an interval is missing"
                        if solid is None or pd.isna(solid) else
                        "a solid change: the intervals were apart" if bool(solid) else
                        f"not solid at the change; solid from {str(since)[:10]}"
                        if pd.notna(since) else "not solid: the intervals overlap")


def _best_index(result: PageResult, card: Card) -> None:
    first = _table(result, "q12-index-top").sort_values("position").iloc[0]
    card.value = f"{first['model_name']} ({_country(first['country'])})"
    card.details.append(f"score {_fmt(first['rating'], 1)} on the intelligence index "
                        f"({first['org_name']})")
    card.when = f"Artificial Analysis, {str(first['snapshot_date'])[:10]}"


def _most_liked(result: PageResult, card: Card) -> None:
    frame = result.sections[0].table.dropna(subset=["likes"]).sort_values("likes", ascending=False)
    first = frame.iloc[0]
    card.value = f"{first['model_id']}"
    card.details.append(f"{int(first['likes']):,} likes ({first['org_id']}, "
                        f"{_country(first['country'])})")
    card.when = f"Hub snapshot of {str(first['snapshot_date'])[:10]}"


def _most_downloaded(result: PageResult, card: Card) -> None:
    frame = result.sections[0].table
    latest = frame[frame["snapshot_date"] == frame["snapshot_date"].max()]
    first = latest.sort_values("downloads_all_time", ascending=False).iloc[0]
    card.value = str(first["family"])
    card.details.append(f"{int(first['downloads_all_time']):,} all-time downloads")
    card.when = f"Hub snapshot of {str(first['snapshot_date'])[:10]}"


def _chinese_share(result: PageResult, card: Card) -> None:
    """The share of the newest whole month (the month of the newest Hub snapshot is still being
    filled), with the share of unknown root country beside it: a share of all derivatives, not
    of those attributed."""
    from observatory.publish.lineage_charts import SMALL_MONTH

    section = result.sections[0]
    frame = section.table
    sources = section.basis[0] if section.basis else pd.DataFrame()
    months = pd.to_datetime(frame["month"])
    if len(sources):
        newest = pd.to_datetime(sources["snapshot_date"]).max().to_period("M").to_timestamp()
        frame = frame[months < newest]
        months = months[months < newest]
    month = months.max()
    rows = frame[months == month]
    share = rows.loc[rows["group"] == "CN", "share"].sum()
    unknown = rows.loc[rows["group"].isin(["unknown", "(unknown)"]), "share"].sum()
    total = int(rows["month_total"].iloc[0])
    card.value = f"{share:.0%}"
    china = rows[rows["group"] == "CN"]
    interval = (f" (95% interval {china['ci_low'].iloc[0]:.0%} to {china['ci_high'].iloc[0]:.0%})"
                if len(china) else "")
    card.details.append(f"of the {total:,} new derivatives of {month:%Y-%m} were built on "
                        f"Chinese bases{interval}")
    if unknown:
        card.details.append(f"{unknown:.0%} have a root of unknown country")
    if total < SMALL_MONTH:
        card.details.append(f"a small month (fewer than {SMALL_MONTH})")
    card.when = f"{frame['lineage'].iloc[0] if 'lineage' in frame else 'declared'} lineage"


CARDS: tuple[tuple[str, str, Callable[[PageResult, Card], None]], ...] = (
    ("q01-leaders", "Best open model today", _best_open),
    ("q02-lead-changes", "The lead last changed hands", _lead_change),
    ("q12-index", "Best open model on the AA index", _best_index),
    ("q05-likes", "Most-liked open model", _most_liked),
    ("q06-downloads", "Most-downloaded family", _most_downloaded),
    ("q08-derivatives", "New derivatives on Chinese bases", _chinese_share),
)


def cards(results: dict[str, PageResult]) -> list[Card]:
    found = []
    for slug, title, fill_in in CARDS:
        result = results[slug]
        card = Card(title, result.page.file, result.page.fill)
        if result.missing:
            card.missing = result.missing
        else:
            try:
                fill_in(result, card)
            except (IndexError, KeyError, StopIteration):  # that table is empty or absent
                card.missing = "the page has no rows for this headline"
        found.append(card)
    return found


class Site:
    """The pages of one store, computed on first use and kept (thread-safe: one build at a
    time). ``live`` marks pages served by ``observatory serve``; ``images``, pages whose charts
    have PNG and SVG files to link to (drawn by ``files``, or on request when served)."""

    def __init__(self, obs: Observatory, live: bool = False, images: bool = True) -> None:
        self.obs = obs
        self.live = live
        self.images = images
        self.generated_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._results: dict[str, PageResult] = {}
        self._lock = threading.RLock()
        self._specs: dict[str, dict[str, Any]] = {}

    def meta(self) -> dict[str, Any]:
        """What every page's footer and the manifest say of the build; the data home by a name
        that is not the machine's path (``config.home_label``)."""
        return {"generated_at": self.generated_at, "home": home_label(self.obs.store.home),
                "tool_version": __version__, "method_version": METHOD_VERSION, "live": self.live,
                "images": self.images}

    def result(self, slug: str) -> PageResult:
        with self._lock:
            if slug not in self._results:
                page = next(p for p in PAGES if p.slug == slug)
                self.obs.catalog.start_reads()
                result = build_page(self.obs, page)
                # commands in the notes are backquoted for a terminal; a page shows them as text
                result.damaged = [note.replace("`", "") for note in self.obs.damage_notes()]
                if result.missing:  # an error's text, published: no machine path in it
                    result.missing = public_text(result.missing, self.obs.store.home)
                for section in result.sections:
                    for figure in section.figures:
                        self._specs[figure.name] = render.chart_spec(figure.chart)
                self._results[slug] = result
            return self._results[slug]

    def results(self) -> dict[str, PageResult]:
        return {page.slug: self.result(page.slug) for page in PAGES}

    def _nav(self) -> list[dict[str, Any]]:
        return [{"slug": p.slug, "file": p.file, "qid": p.qid, "title": p.title,
                 "missing": self._results[p.slug].missing if p.slug in self._results else None}
                for p in PAGES]

    def index_html(self) -> str:
        found = cards({slug: self.result(slug) for slug, _, _ in CARDS})
        self.results()  # the list of questions says which have no data
        return render.render("index.html", title="Who leads open-weight AI", cards=found,
                             nav=self._nav(), current="index", meta=self.meta())

    def page_html(self, slug: str) -> str:
        result = self.result(slug)
        sections = [{"name": s.name, "heading": s.heading, "notes": s.notes, "rows": len(s.table),
                     "columns": s.columns, "shown": render.table_cells(s.table, s.columns, TABLE_ROWS),
                     "figures": [{"name": f.name, "alt_text": f.alt_text,
                                  "spec": render.script_json(self._specs[f.name])}
                                 for f in s.figures]}
                    for s in result.sections]
        return render.render("page.html", title=result.page.title, page=result.page,
                             sections=sections, missing=result.missing,
                             provenance=result.provenance(), nav=self._nav(),
                             current=slug, meta=self.meta())

    def csv(self, name: str) -> str | None:
        for result in self.results().values():
            for section in result.sections:
                if section.name == name:
                    return to_csv(section.table)
        return None

    def spec(self, name: str) -> dict[str, Any] | None:
        self.results()
        return self._specs.get(name)

    def image(self, name: str, fmt: str) -> bytes | None:
        """A chart as PNG or SVG (``publish.draw``), drawn in this process."""
        spec = self.spec(name)
        if spec is None or fmt not in FORMATS:
            return None
        return draw(spec, fmt)

    def files(self, reuse: Iterable[Path] = (), workers: int = 2) -> dict[str, bytes]:
        """Every file of the static site, by path relative to its folder. The charts' PNG and
        SVG files (when ``images``) and Vega's bundle (unless an earlier build's assets folder
        in ``reuse`` has it) are drawn by worker processes while the pages are computed."""
        files: dict[str, bytes] = {}
        manifest: dict[str, Any] = {**self.meta(), "pages": {}}
        drawn: dict[str, Future[bytes]] = {}
        bundle = render.reused_bundle(reuse)
        with Drawing(workers) as drawing:
            waiting = drawing.bundle() if bundle is None else None
            for page in PAGES:
                result = self.result(page.slug)
                for figure in (f for s in result.sections for f in s.figures):
                    for fmt in FORMATS if self.images else ():
                        drawn[f"charts/{figure.name}.{fmt}"] = drawing.chart(
                            self._specs[figure.name], fmt)
            files["index.html"] = self.index_html().encode()
            for slug, result in self.results().items():
                files[result.page.file] = self.page_html(slug).encode()
                manifest["pages"][slug] = {"missing": result.missing, **result.provenance(),
                                           "tables": [s.name for s in result.sections]}
                for section in result.sections:
                    files[f"data/{section.name}.csv"] = to_csv(section.table).encode()
            files.update({path: future.result() for path, future in drawn.items()})
            bundle = bundle if waiting is None else waiting.result()
        files.update({f"assets/{name}": data for name, data in render.assets(bundle).items()})
        files["manifest.json"] = render.script_json(manifest).encode()
        return files
