"""The report's pages: one per question of the mission the store can answer. Each page says what
it shows (definitions, uncertainty) and how to fill it when the data is missing; its builder reads
the library (``Observatory``) and returns sections: a table, its charts and the notes above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import altair as alt
import pandas as pd

from observatory.api import Observatory
from observatory.errors import EmptyResultError, InputError
from observatory.lineage.graph import latest_inference
from observatory.metrics.freshness import board_notes
from observatory.publish import charts, hub_charts, lineage_charts
from observatory.registry.boards import newest_selection
from observatory.registry.selection import Selection

TABLE_ROWS = 60  # rows shown on a page; the CSV has them all
# What a store without the data says: nothing for that board or date, or no such board at all.
NO_DATA = (EmptyResultError, InputError)


@dataclass
class Figure:
    name: str  # file stem of its PNG, SVG and spec
    chart: alt.TopLevelMixin
    alt_text: str  # the text alternative: what the chart shows, in one or two sentences


@dataclass
class Section:
    name: str  # file stem of its CSV
    heading: str
    table: pd.DataFrame
    columns: list[str]  # shown on the page (the CSV keeps every column)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    basis: list[pd.DataFrame] = field(default_factory=list)  # what else the section was drawn
    # from (its provenance counts too), when the table is a summary of it


@dataclass(frozen=True)
class Page:
    slug: str
    qid: str
    title: str
    question: str
    definitions: tuple[str, ...]
    uncertainty: str
    fill: str  # the command that fills the page when its data is missing
    build: Callable[[Observatory], list[Section]]

    @property
    def file(self) -> str:
        return f"{self.slug}.html"


def _cols(frame: pd.DataFrame, wanted: list[str]) -> list[str]:
    return [c for c in wanted if c in frame.columns]


def _org_rank_figure(frame: pd.DataFrame, name: str, title: str) -> Figure:
    first, last = str(frame["snapshot_date"].min())[:10], str(frame["snapshot_date"].max())[:10]
    leaders = frame[frame["snapshot_date"] == frame["snapshot_date"].max()].sort_values("rank")
    head = ", ".join(f"{r.org_name} ({r.country if isinstance(r.country, str) else 'country unknown'})"
                     f" at {r.rank}"
                     for r in leaders.head(3).itertuples())
    return Figure(name, charts.org_rank_chart(frame, title),
                  f"Lines per organisation from {first} to {last}: the board rank of its best "
                  f"open-weight model (1 is the top). On {last}: {head}.")


def _board_rank(obs: Observatory, sel: Selection, name: str, what: str) -> Section:
    frame = obs.org_ranks(sel)
    return Section(name, f"Each organisation's best open-weight model — {sel.describe()}", frame,
                   _cols(frame, ["snapshot_date", "org_name", "country", "model_name", "rank",
                                 "open_rank", "rating", "ci_low", "ci_high"]),
                   [_org_rank_figure(frame, name, f"Rank of each organisation's best open-weight "
                                     f"model on {what}")], _partial_notes(frame))


def _each(*parts: Callable[[], Section]) -> list[Section]:
    """The sections the store can answer; a section without data is left out, and the page is
    missing (the first reason) only when none can be answered."""
    sections, reasons = [], []
    for part in parts:
        try:
            sections.append(part())
        except NO_DATA as exc:
            reasons.append(exc)
    if not sections and reasons:
        raise reasons[0]
    return sections


def _country_leaders(obs: Observatory) -> Section:
    newest = newest_selection(obs.connection())
    leaders = obs.leaders(sel=newest)
    return Section("q01-leaders-by-country", f"Best open model of each country, today — "
                   f"{newest.describe()}", leaders,
                   _cols(leaders, ["snapshot_date", "position", "country", "model_name", "rating",
                                   "ci_low", "ci_high", "votes", "tied_with_next"]),
                   notes=_board_notes(leaders))


def _text_rank(obs: Observatory, style: bool) -> Section:
    return _board_rank(obs, Selection(style_control=style),
                       f"q01-org-rank{'-style' if style else ''}",
                       f"the arena text board{' (style control)' if style else ''}")


def _leaders_page(obs: Observatory) -> list[Section]:
    return _each(lambda: _country_leaders(obs), lambda: _text_rank(obs, False),
                 lambda: _text_rank(obs, True))


def _board_notes(frame: pd.DataFrame) -> list[str]:
    return board_notes(frame, "a model not listed", date.today())


def _partial_notes(frame: pd.DataFrame) -> list[str]:
    """For a view over many snapshots: the dates whose boards were a publisher's top N only."""
    if "shown_rows" not in frame or frame["shown_rows"].isna().all():
        return []
    partial = frame.dropna(subset=["shown_rows"])
    days = pd.to_datetime(partial["snapshot_date"])
    return [f"partial: the boards of {days.min():%Y-%m-%d} to {days.max():%Y-%m-%d} list only "
            f"the top {int(partial['shown_rows'].min())} to {int(partial['shown_rows'].max())} "
            "models the publisher showed; an organisation whose best model is below that is "
            "missing on those dates, not absent"]


def _lead_changes_section(obs: Observatory, style: bool) -> Section:
    pick = Selection(style_control=style)
    timeline = obs.timeline(pick)
    changes = obs.lead_changes(pick)
    stem = f"q02-lead-changes{'-style' if style else ''}"
    last = changes.iloc[-1] if len(changes) else None
    alt_text = (f"The country of the best open model on each date of the {pick.describe()}; "
                + (f"the lead last changed hands between {str(last['last_date_before'])[:10]} "
                   f"and {str(last['first_date_after'])[:10]}, from {last['from_country']} to "
                   f"{last['to_country']}." if last is not None else "it never changed."))
    return Section(stem, f"Lead changes — {pick.describe()}", changes,
                   _cols(changes, ["last_date_before", "first_date_after", "from_country",
                                   "from_model", "to_country", "to_model", "margin",
                                   "solid_at_change", "solid_from"]),
                   [Figure(stem, charts.leaders_chart(
                       timeline, f"Best open-weight model — {pick.describe()}"), alt_text)],
                   basis=[timeline])


def _lead_changes_page(obs: Observatory) -> list[Section]:
    """The newest text board first (the one the headline reads), then the other."""
    newest = newest_selection(obs.connection()).style_control
    return _each(lambda: _lead_changes_section(obs, newest),
                 lambda: _lead_changes_section(obs, not newest))


def _gap_section(obs: Observatory, style: bool) -> Section:
    sel = Selection(style_control=style)
    gap = obs.gap(sel)
    last = gap.iloc[-1]
    stem = f"q03-gap{'-style' if style else ''}"
    return Section(stem, f"Best open against best closed — {sel.describe()}", gap,
                   _cols(gap, ["snapshot_date", "open_model", "open_rating", "closed_model",
                               "closed_rating", "gap", "gap_low", "gap_high"]),
                   [Figure(stem, charts.gap_chart(gap, f"Best open vs best closed — "
                                                  f"{sel.describe()}"),
                           f"Ratings of the best open and best closed model over time; on "
                           f"{str(last['snapshot_date'])[:10]} the gap was {last['gap']:.0f} "
                           "points.")])


def _gap_page(obs: Observatory) -> list[Section]:
    return _each(lambda: _gap_section(obs, False), lambda: _gap_section(obs, True))


def _top_section(obs: Observatory, sel: Selection, stem: str, n: int = 10) -> Section:
    top = obs.top(n, sel=sel)
    day = str(top["snapshot_date"].max())[:10]
    counts = top["country"].fillna("unknown").value_counts()
    said = ", ".join(f"{country} {count}" for country, count in counts.items())
    return Section(stem, f"Top {n} open-weight models — {sel.describe()}, {day}", top,
                   _cols(top, ["snapshot_date", "position", "model_name", "org_name", "country",
                               "rating", "ci_low", "ci_high", "votes", "licence_class"]),
                   [Figure(stem, charts.top_chart(top, f"Top {n} open-weight models — "
                                                  f"{sel.describe()}"),
                           f"The top {n} open-weight models of {day} as dots on their 95% "
                           f"intervals, coloured by country ({said}).")],
                   _board_notes(top))


def _top_page(obs: Observatory) -> list[Section]:
    sel = newest_selection(obs.connection())
    section = _top_section(obs, sel, "q04-top")
    by_country = obs.top_by_country(10, sel=sel)
    return [section, Section("q04-top-by-country", "How many of the top 10 each country holds",
                             by_country, _cols(by_country, ["snapshot_date", "country", "count",
                                                            "share", "models"]),
                             basis=[section.table])]


def _likes_page(obs: Observatory) -> list[Section]:
    from observatory.metrics.likes import likes_notes

    likes = obs.likes()
    top = likes.dropna(subset=["likes"]).sort_values("likes", ascending=False)
    lead = top.iloc[0] if len(top) else None
    return [Section("q05-likes", "Most-liked text-generation model of each organisation", likes,
                    _cols(likes, ["org_id", "country", "model_id", "likes", "snapshot_date"]),
                    [Figure("q05-likes", hub_charts.likes_chart(likes, "Most-liked model per "
                                                                "organisation"),
                            "Bars of likes of each organisation's most-liked model"
                            + (f"; the most liked is {lead['model_id']} with {int(lead['likes']):,}."
                               if lead is not None else "."))],
                    likes_notes(likes))]


def _downloads_page(obs: Observatory) -> list[Section]:
    frame = obs.downloads("family")
    if frame.empty:
        raise EmptyResultError("no whole-Hub snapshot to count downloads from")
    latest = frame[frame["snapshot_date"] == frame["snapshot_date"].max()]
    first = latest.sort_values("downloads_all_time", ascending=False).iloc[0]
    sections = [Section("q06-downloads", "All-time downloads by model family", frame,
                        _cols(frame, ["snapshot_date", "family", "downloads_all_time",
                                      "downloads_30d", "models"]),
                        [Figure("q06-downloads", hub_charts.downloads_chart(
                            frame, "family", "All-time downloads by model family"),
                            f"Lines of all-time downloads per family; on "
                            f"{str(first['snapshot_date'])[:10]} {first['family']} leads with "
                            f"{int(first['downloads_all_time']):,}.")],
                        obs.downloads_notes("family"))]
    crossings = obs.download_crossings("family", frame)
    sections.append(Section("q06-crossings", "When one family passed another", crossings,
                            list(crossings.columns)))
    return sections


def _share_page(obs: Observatory) -> list[Section]:
    from observatory.metrics.aggregates import share_notes
    from observatory.metrics.downloads import GROUPS
    from observatory.registry.hub import crawl_dates

    days = sorted(crawl_dates(obs.connection()))
    if len(days) < 2:
        raise EmptyResultError("the download share needs two whole-Hub snapshots (the window's "
                               "ends); the store has " + str(len(days)))
    start, end = days[0], days[-1]
    frame = obs.share(start, end, "country")
    return [Section("q07-share", f"Download share by developer country, {start} to {end}", frame,
                    list(frame.columns),
                    [Figure("q07-share", hub_charts.share_chart(
                        frame, "country", f"Download share by developer country, {start} to {end}"),
                        "Bars of each developer country's share of downloads over the window.")],
                    share_notes(frame, GROUPS["country"]))]


def _derivatives_page(obs: Observatory) -> list[Section]:
    frame = obs.derivatives("root-country")
    china = frame[frame["group"] == "CN"].sort_values("month")
    said = (f"; in {str(china['month'].iloc[-1])[:7]} {china['share'].iloc[-1]:.0%} were built on "
            "Chinese bases" if len(china) else "")
    return [Section("q08-derivatives", "New derivative models per month by the country of their "
                    "root base", frame,
                    _cols(frame, ["month", "group", "derivatives", "share", "ci_low", "ci_high",
                                  "month_total"]),
                    [Figure("q08-derivatives", lineage_charts.derivatives_chart(
                        frame, "New derivative models per month by root country",
                        obs.lineage_sources()),
                        f"Stacked monthly shares of new derivatives by root-base country{said}.")],
                    obs.lineage_scope(), basis=[obs.lineage_sources()])]


def _burst_page(obs: Observatory) -> list[Section]:
    model = obs.most_derived("root_id")
    summary, daily = obs.burst(model, 30)
    if summary["derivatives"] == 0 and summary["undated"]:
        raise EmptyResultError(f"the {summary['all_derivatives']:,} derivatives of {model} in the "
                               f"store carry no creation date ({summary['undated']:,} undated), "
                               "so no burst window can be counted")
    by_relation = pd.DataFrame(summary["by_relation"])
    return [Section("q09-burst", f"Derivatives of {model} within 30 days of its creation "
                    "(the root with the most derivatives)", by_relation, list(by_relation.columns),
                    [Figure("q09-burst", lineage_charts.burst_chart(
                        daily, f"Derivatives of {model} in the 30 days after {summary['released']}"),
                        f"The cumulative count of derivatives of {model} by day after its "
                        f"creation: {summary['derivatives']:,} within {summary['days']} days.")],
                    [f"{summary['derivatives']:,} derivatives within {summary['days']} days of "
                     f"{summary['released']} ({summary['all_derivatives']:,} in all, "
                     f"{summary['undated']:,} undated)", *obs.lineage_scope()])]


def _licences_page(obs: Observatory) -> list[Section]:
    frame = obs.licences("org", "quarter")
    return [Section("q10-licences", "Licence classes of new models per organisation and quarter",
                    frame, list(frame.columns),
                    [Figure("q10-licences", hub_charts.licences_chart(
                        frame, "Licence classes of new models", obs.hub_sources()),
                        "Stacked shares of licence classes among new models per quarter.")],
                    obs.hub_scope(), basis=[obs.hub_sources()])]


def _architecture_page(obs: Observatory) -> list[Section]:
    frame = obs.architecture(source="aa")
    day = str(frame["snapshot_date"].iloc[0])[:10]
    return [Section("q11-architecture", f"Mixture-of-experts share among open-weight models by "
                    f"country (Artificial Analysis, {day})", frame, list(frame.columns),
                    [Figure("q11-architecture", hub_charts.architecture_chart(
                        frame, "country", f"Share of mixture-of-experts models by country "
                        f"(Artificial Analysis, {day}; by release year)"),
                        "Lines of the share of mixture-of-experts models per release year and "
                        "country.")])]


def _index_page(obs: Observatory) -> list[Section]:
    sel = Selection(board="aa")
    return _each(lambda: _top_section(obs, sel, "q12-index-top"),
                 lambda: _board_rank(obs, sel, "q12-org-rank",
                                     "the Artificial Analysis intelligence index"))


def _categories_page(obs: Observatory) -> list[Section]:
    style = newest_selection(obs.connection(), category="coding").style_control
    return _each(
        lambda: _top_section(obs, Selection(category="coding", style_control=style), "q13-coding"),
        lambda: _top_section(obs, Selection(board="vision", style_control=style), "q13-vision"))


def _whose_base_page(obs: Observatory) -> list[Section]:
    if latest_inference(obs.connection()) is None:
        raise EmptyResultError("no inferred base in the store")
    edges = obs.lineage_graph(inferred=True).edges
    inferred = edges.filter(edges.kind == "inferred")
    frame = inferred.order_by([inferred.score.desc(), inferred.child_id]).to_pandas()
    if frame.empty:
        raise EmptyResultError("no inferred base in the store")
    return [Section("q14-inferred", "Models that declare no base, with their most likely base",
                    frame, _cols(frame, ["child_id", "parent_id", "relation", "score",
                                         "parent_present"]),
                    notes=obs.lineage_scope(inferred=True))]


def _derivers_page(obs: Observatory) -> list[Section]:
    family = obs.most_derived("root_family")
    frame = obs.derivers(family)
    return [Section("q15-derivers", f"Who builds on {family} (the family with the most "
                    "derivatives): derivatives by the uploader's country", frame,
                    list(frame.columns), notes=obs.lineage_scope(),
                    basis=[obs.lineage_sources()])]


def _votes_page(obs: Observatory) -> list[Section]:
    return [_top_section(obs, Selection(source="observatory-bt"), "q16-rated", n=20)]


PAGES: tuple[Page, ...] = (
    Page("q01-leaders", "Q1", "Best open model of each organisation and country",
         "Which is the best open-weight model of each organisation and each country on the arena "
         "boards, over time?",
         ("Best open model: the highest-rated model with downloadable weights on the board.",
          "Rank: the position on the whole board, open and closed models together (1 + the "
          "models rated strictly higher).",
          "Organisation and country: the registry's curated facts, the sources' own labels, "
          "cross-source matches and Hub evidence; models left unattributed are listed by "
          "`observatory unknowns`."),
         "Ratings carry the publisher's 95% intervals; 'tied with next' says two intervals overlap.",
         "observatory import ../shared/data  (or: observatory update --source arena)",
         _leaders_page),
    Page("q02-lead-changes", "Q2", "When the lead changed hands",
         "When did the country of the best open model change, and is the change statistically "
         "solid?",
         ("A lead change: the country of the best open model differs from the previous snapshot.",
          "Solid: the new leader's 95% interval lies above the runner-up's (they do not overlap)."),
         "A change that is not solid may be noise between two models whose intervals overlap.",
         "observatory import ../shared/data", _lead_changes_page),
    Page("q03-gap", "Q3", "Open against closed",
         "How far is the best open model behind the best closed model, over time?",
         ("Gap: the best closed model's rating minus the best open model's, per snapshot.",),
         "The gap's interval combines the two models' 95% intervals.",
         "observatory import ../shared/data", _gap_page),
    Page("q04-top", "Q4", "The top open models by country",
         "Which are the top 10 open models on the newest board, and which countries make them?",
         ("Top N: the N highest-rated open-weight models on the newest snapshot.",),
         "Neighbouring models often have overlapping intervals: the order within them is not "
         "certain.", "observatory update --source arena", _top_page),
    Page("q05-likes", "Q5", "Most-liked models on the Hub",
         "Which is the most-liked text-generation model of each organisation on the Hub?",
         ("Likes: the Hub's like count of the model repository at the snapshot date.",),
         "Counts are exact at the snapshot; a partial listing may miss an organisation.",
         "observatory update --source hub  (or: observatory backfill --source hub-weekly)",
         _likes_page),
    Page("q06-downloads", "Q6", "Downloads by model family",
         "How many all-time downloads does each model family have over time, and when did one "
         "pass another?",
         ("All-time downloads: the sum over the family's repositories of the Hub's all-time "
          "download counter.",
          "Family: the registry's family rules over model ids and their declared bases."),
         "Counters are exact but include automated downloads; GGUF repositories are flagged.",
         "observatory backfill --source hub-weekly", _downloads_page),
    Page("q07-share", "Q7", "Download share by developer country",
         "What share of downloads over a window went to models made by developers of each "
         "country?",
         ("Share: each country's growth in all-time downloads between the window's two whole-Hub "
          "snapshots, over the total. Downloader country is not public: these are downloads OF "
          "models BY developers from each country.",),
         "Concentration is given as HHI; counts are exact at each end of the window.",
         "observatory backfill --source hub-weekly", _share_page),
    Page("q08-derivatives", "Q8", "New derivatives by the country of their base",
         "What share of new derivative models (fine-tunes, adapters, merges, quantizations) each "
         "month is built on Chinese bases?",
         ("Derivative: a Hub model declaring a base model; its root is followed to the top of "
          "the declared lineage. A merge of two roots counts half to each.",),
         "Shares carry 95% Wilson intervals; months with fewer than 30 new derivatives are faded.",
         "observatory update --source hub  (or: observatory import ../shared/data)",
         _derivatives_page),
    Page("q09-burst", "Q9", "The burst of derivatives after a release",
         "How many derivatives appeared within 30 days of a base model's creation, and how much "
         "are they downloaded?",
         ("Burst: derivatives at any depth created within 30 days of the base's creation date.",),
         "Derivatives without a creation date are counted apart (undated).",
         "observatory update --source hub  (Hub snapshots carry creation dates)", _burst_page),
    Page("q10-licences", "Q10", "Licences over time",
         "Which licence classes do organisations publish their new models under, over time?",
         ("Licence class: permissive (Apache-2.0, MIT, ...), open with restrictions, research "
          "only, custom, unknown; from the Hub's licence tag.",),
         "Models without a licence tag are counted as unknown, not dropped.",
         "observatory update --source hub", _licences_page),
    Page("q11-architecture", "Q11", "Architecture: mixture of experts",
         "What share of open-weight models use a mixture of experts, by country and year?",
         ("MoE: total parameters above active parameters, from Artificial Analysis's model data.",),
         "Shares of small groups are flagged by their model counts.",
         "observatory import ../shared/data/artificialanalysis", _architecture_page),
    Page("q12-index", "Q12", "The Artificial Analysis index",
         "Which are the best open models on the Artificial Analysis intelligence index, and how "
         "did each organisation rank over time?",
         ("Compared within one index version only.",),
         "Artificial Analysis publishes no intervals; its stated precision is about ±1 point.",
         "observatory update --source aa  (needs AA_API_KEY)", _index_page),
    Page("q13-categories", "Q13", "Category boards",
         "Which open models lead the coding and vision boards?",
         ("Category boards: the arena's own category splits of its votes.",),
         "Category boards have fewer votes than the full board: wider intervals.",
         "observatory backfill --source arena", _categories_page),
    Page("q14-whose-base", "Q14", "Undeclared lineage",
         "Which base was a model most likely built on when it does not say?",
         ("Inferred base: the closest declared model by config and tokenizer fingerprint.",),
         "Each inference has a score; precision and recall are measured in the benchmarks.",
         "observatory infer-bases", _whose_base_page),
    Page("q15-derivers", "Q15", "Who builds on whom",
         "Who (which countries) builds derivatives on the most-derived base family?",
         ("Deriver: the organisation of the derivative's Hub namespace.",),
         "Shares carry 95% Wilson intervals.", "observatory import ../shared/data", _derivers_page),
    Page("q16-votes", "Q16", "Ratings from raw votes",
         "What does a leaderboard rebuilt from raw pairwise votes look like, with intervals?",
         ("Bradley-Terry ratings fitted by `observatory rate` from pairwise votes.",),
         "Intervals from a bootstrap over votes.",
         "observatory rate VOTES  (e.g. votes from `observatory simulate-votes`)", _votes_page),
)
