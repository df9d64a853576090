"""The ``chart`` command: one view's result drawn with Altair and saved as PNG, SVG, HTML
(Vega inlined, opens offline) or Vega-Lite JSON."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from observatory import limits
from observatory.cli.common import (
    AsOfOpt,
    BackendOpt,
    BoardOpt,
    BoardSourceOpt,
    CategoryOpt,
    StyleOpt,
    VersionOpt,
    WindowOpt,
    check_name,
    observatory,
    out,
    parse_date,
    refuse,
    selection,
)
from observatory.cli.lineage import DerivBy

app = typer.Typer()
SELECTION = ("board", "category", "style_control", "index_version", "source")


class ChartKind(StrEnum):
    leaders = "leaders"
    gap = "gap"
    top = "top"
    org_rank = "org-rank"
    likes = "likes"
    downloads = "downloads"
    share = "share"
    licences = "licences"
    architecture = "architecture"
    derivatives = "derivatives"
    tree = "tree"


# The options each kind reads (--out and --backend: every kind); any other is a usage error.
READS: dict[ChartKind, tuple[str, ...]] = {
    ChartKind.leaders: (*SELECTION, "as_of"), ChartKind.gap: SELECTION,
    ChartKind.top: (*SELECTION, "n", "as_of"), ChartKind.org_rank: SELECTION,
    ChartKind.likes: ("as_of",), ChartKind.downloads: (), ChartKind.share: ("window",),
    ChartKind.licences: ("org",), ChartKind.architecture: ("as_of",),
    ChartKind.derivatives: ("by", "as_of"), ChartKind.tree: ("model",),
}
OPTIONAL = ("n", "as_of", *SELECTION, "window", "org", "model", "by")


@app.command()
def chart(
    kind: Annotated[ChartKind, typer.Argument(
        help="leaders (timeline), gap, top, org-rank (the board rank of each organisation's "
             "best open model over time), likes, downloads, share, licences, architecture, "
             "derivatives (monthly shares by root country), tree (a model's derivatives; --model).")],
    out_path: Annotated[Path, typer.Option("--out", help="FILE.png, .svg, .html or .json")],
    ctx: typer.Context,
    n: Annotated[int, typer.Option("--n", **limits.TOP_N.option(), help="For 'top'.")] = 10,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    window: WindowOpt = None,
    org: Annotated[str | None, typer.Option(callback=check_name,
                                            help="For 'licences': one organisation.")] = None,
    model: Annotated[str | None, typer.Option(help="For 'tree': the model id.")] = None,
    by: Annotated[DerivBy, typer.Option(help="For 'derivatives': root-country, root-family, "
                                        "uploader-country, ...")] = DerivBy.root_country,
    backend: BackendOpt = None,
) -> None:
    """Draw a chart (Altair). HTML files embed Vega and open offline. The board options
    (--board, --category, --style-control, --index-version, --source) are for leaders, gap, top
    and org-rank; --as-of for leaders (the timeline up to it), top, likes, architecture and
    derivatives."""
    refuse(ctx, [name for name in OPTIONAL if name not in READS[kind]],
           f"not read by the {kind.value} chart")
    # Altair takes a second or more to load: only this command loads it.
    from observatory.cli.figures import BUILDERS, ChartArgs
    from observatory.publish.charts import check_output, save

    check_output(out_path)
    args = ChartArgs(selection(board, category, style_control, index_version, source), n,
                     parse_date(as_of), window, org, model, by.value)
    figure = BUILDERS[kind.value](observatory(backend), args)
    out.print(f"wrote {save(figure, out_path)}")
