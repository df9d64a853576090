"""What each kind of chart draws: the view it reads through the library, and its title."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from observatory.api import Observatory
from observatory.cli.common import Window, needs_window
from observatory.errors import InputError
from observatory.publish import charts, hub_charts, lineage_charts
from observatory.registry.selection import Selection


@dataclass(frozen=True)
class ChartArgs:
    sel: Selection
    n: int
    as_of: date | None
    window: Window | None
    org: str | None
    model: str | None
    by: str


def _leaders(obs: Observatory, a: ChartArgs) -> Any:
    return charts.leaders_chart(obs.timeline(a.sel, as_of=a.as_of),
                                f"Best open-weight model — {a.sel.describe()}")


def _gap(obs: Observatory, a: ChartArgs) -> Any:
    return charts.gap_chart(obs.gap(a.sel), f"Best open vs best closed — {a.sel.describe()}")


def _top(obs: Observatory, a: ChartArgs) -> Any:
    return charts.top_chart(obs.top(a.n, a.as_of, True, a.sel),
                            f"Top {a.n} open-weight models — {a.sel.describe()}")


def _org_rank(obs: Observatory, a: ChartArgs) -> Any:
    return charts.org_rank_chart(obs.org_ranks(a.sel),
                                 f"Rank of each organisation's best open-weight model — "
                                 f"{a.sel.describe()}")


def _likes(obs: Observatory, a: ChartArgs) -> Any:
    return hub_charts.likes_chart(obs.likes(a.as_of), "Most-liked model per organisation")


def _downloads(obs: Observatory, a: ChartArgs) -> Any:
    return hub_charts.downloads_chart(obs.downloads("family"), "family",
                                      "All-time downloads by model family")


def _share(obs: Observatory, a: ChartArgs) -> Any:
    window = needs_window(a.window)
    return hub_charts.share_chart(obs.share(window.start, window.end), "country",
                                  f"Download share by developer country, {window}")


def _licences(obs: Observatory, a: ChartArgs) -> Any:
    return hub_charts.licences_chart(obs.licences(org=a.org, period="quarter"),
                                     f"Licence classes of new models{' — ' + a.org if a.org else ''}")


def _architecture(obs: Observatory, a: ChartArgs) -> Any:
    frame = obs.architecture(source="aa", as_of=a.as_of)
    return hub_charts.architecture_chart(
        frame, "country", "Share of mixture-of-experts models among open-weight models by country "
        f"(Artificial Analysis, {frame['snapshot_date'].iloc[0]}; by release year)")


def _derivatives(obs: Observatory, a: ChartArgs) -> Any:
    return lineage_charts.derivatives_chart(obs.derivatives(a.by, as_of=a.as_of),
                                            f"New derivative models per month by {a.by}",
                                            obs.lineage_sources(as_of=a.as_of))


def _tree(obs: Observatory, a: ChartArgs) -> Any:
    if a.as_of is not None:
        raise InputError("--as-of", "the tree chart uses the latest Hub snapshots; drop --as-of")
    if not a.model:
        raise InputError("--model", "the tree chart needs --model MODEL_ID")
    return lineage_charts.tree_chart(obs.lineage_tree(a.model), f"Derivatives of {a.model}")


BUILDERS: dict[str, Callable[[Observatory, ChartArgs], Any]] = {
    "leaders": _leaders, "gap": _gap, "top": _top, "org-rank": _org_rank,
    "likes": _likes, "downloads": _downloads, "share": _share,
    "licences": _licences, "architecture": _architecture,
    "derivatives": _derivatives, "tree": _tree,
}
