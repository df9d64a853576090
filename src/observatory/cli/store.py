"""The ``store`` and ``registry`` command groups: what the data home and the registry hold."""

from __future__ import annotations

import typer

from observatory.cli.common import Fmt, FormatOpt, observatory, out, render

store_app = typer.Typer(help="Inspect and maintain the snapshot store.", no_args_is_help=True)
registry_app = typer.Typer(help="Inspect the organisation / country / licence registry.",
                           no_args_is_help=True)


@store_app.command("list")
def store_list(fmt: FormatOpt = Fmt.table) -> None:
    """Every snapshot in the store."""
    obs = observatory()
    render(obs.snapshots(), fmt, f"Snapshots in {obs.store.home}")


@store_app.command("rebuild")
def store_rebuild() -> None:
    """Rebuild the DuckDB catalog from the snapshots (it is only a cache)."""
    counts = observatory().catalog.refresh()
    out.print(", ".join(f"{count:,} {table}" for table, count in counts.items()))


@registry_app.command("unknowns")
def registry_unknowns(fmt: FormatOpt = Fmt.table) -> None:
    """Models in the store that the registry cannot attribute (organisation, country or
    open/closed), with how many rows each covers."""
    frame = observatory().unknowns()
    render(frame, fmt, f"{len(frame)} unattributed model(s)",
           ["table", "source", "model_key", "label", "missing", "rows", "last_date"])


@registry_app.command("files")
def registry_files() -> None:
    """The registry files in use: shipped first, then the user's overrides."""
    for path in observatory().registry.sources:
        out.print(path)
