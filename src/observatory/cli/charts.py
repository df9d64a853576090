"""The ``chart`` command: one view's result drawn with Altair and saved as PNG, SVG, HTML
(Vega inlined, opens offline) or Vega-Lite JSON."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from observatory.cli.common import (
    AsOfOpt,
    BackendOpt,
    BoardOpt,
    BoardSourceOpt,
    CategoryOpt,
    StyleOpt,
    VersionOpt,
    WindowOpt,
    observatory,
    out,
    parse_date,
    selection,
)
from observatory.cli.lineage import DerivBy

app = typer.Typer()


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


@app.command()
def chart(
    kind: Annotated[ChartKind, typer.Argument(
        help="leaders (timeline), gap, top, org-rank (the board rank of each organisation's "
             "best open model over time), likes, downloads, share, licences, architecture, "
             "derivatives (monthly shares by root country), tree (a model's derivatives; --model).")],
    out_path: Annotated[Path, typer.Option("--out", help="FILE.png, .svg, .html or .json")],
    n: Annotated[int, typer.Option("--n", min=1, help="For 'top'.")] = 10,
    as_of: AsOfOpt = None,
    board: BoardOpt = "text",
    category: CategoryOpt = "full",
    style_control: StyleOpt = False,
    index_version: VersionOpt = None,
    source: BoardSourceOpt = None,
    window: WindowOpt = None,
    org: Annotated[str | None, typer.Option(help="For 'licences': one organisation.")] = None,
    model: Annotated[str | None, typer.Option(help="For 'tree': the model id.")] = None,
    by: Annotated[DerivBy, typer.Option(help="For 'derivatives': root-country, root-family, "
                                        "uploader-country, ...")] = DerivBy.root_country,
    backend: BackendOpt = None,
) -> None:
    """Draw a chart (Altair). HTML files embed Vega and open offline."""
    # Altair takes a second or more to load: only this command loads it.
    from observatory.cli.figures import BUILDERS, ChartArgs
    from observatory.publish.charts import check_output, save

    check_output(out_path)
    args = ChartArgs(selection(board, category, style_control, index_version, source), n,
                     parse_date(as_of), window, org, model, by.value)
    figure = BUILDERS[kind.value](observatory(backend), args)
    out.print(f"wrote {save(figure, out_path)}")
