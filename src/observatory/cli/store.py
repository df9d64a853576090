"""The ``store`` and ``registry`` command groups: what the data home and the registry hold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from observatory.cli.common import BackendOpt, Fmt, FormatOpt, observatory, out, render

store_app = typer.Typer(help="Inspect and maintain the snapshot store.", no_args_is_help=True)
registry_app = typer.Typer(help="Inspect the organisation / country / licence registry.",
                           no_args_is_help=True)


@store_app.command("list")
def store_list(fmt: FormatOpt = Fmt.table) -> None:
    """Every snapshot in the store."""
    obs = observatory()
    render(obs.snapshots(local=True), fmt, f"Snapshots in {obs.store.home}")  # paths as imported


@store_app.command("rebuild")
def store_rebuild() -> None:
    """Rebuild the DuckDB catalog from the snapshots (it is only a cache)."""
    counts = observatory().catalog.refresh()
    out.print(", ".join(f"{count:,} {table}" for table, count in counts.items()))


@store_app.command("verify")
def store_verify(
    clean: Annotated[bool, typer.Option(
        "--clean", help="Remove what killed runs left in tmp/ (only that); run it when no "
        "other observatory command is running.")] = False,
) -> None:
    """Check every snapshot against its manifest, changing nothing: raw files (present, size,
    SHA-256), tables (readable Parquet, row counts). One line per problem, and exit 1 when there
    is one. Also lists the temporary folders killed runs left in tmp/."""
    obs = observatory()
    found, leftovers = obs.verify(clean)
    for problem in found:
        out.print(str(problem), soft_wrap=True)
    verb = "removed" if clean else "left by a killed run (remove with --clean)"
    for path in leftovers:
        out.print(f"{path}: {verb}", soft_wrap=True)
    snapshots = len(obs.store.snapshot_folders())
    out.print(f"{snapshots:,} snapshot(s) checked: {len(found)} problem(s)"
              + (f", {len(leftovers)} leftover(s) in tmp/ {'removed' if clean else ''}".rstrip()
                 if leftovers else ""))
    if found:
        raise typer.Exit(1)


@store_app.command("export")
def store_export(
    out_dir: Annotated[Path, typer.Option(
        "--out", help="The folder to write: new, empty, or an earlier export (replaced whole, never "
        "half-written; your other files in it are kept); a folder of other files is refused.")],
    backend: BackendOpt = None,
) -> None:
    """The main views (leaders, lead changes, gap, top, likes, downloads by family, licences)
    and the snapshot list as CSV and JSON, with a manifest.json of when, from which snapshots and
    with which method; for a daily schedule to publish. A view the store cannot answer yet is
    named in the manifest with what fills it."""
    exported = observatory(backend).export(out_dir)
    manifest, files = exported.manifest, exported.manifest["files"]
    out.print(f"exported {len(files)} table(s) to {out_dir}: "
              + ", ".join(f"{name} ({info['rows']:,} rows)" for name, info in files.items()),
              soft_wrap=True)
    for name, why in manifest["not_exported"].items():
        out.print(f"not exported: {name}: {why}", soft_wrap=True)
    for line in exported.written.lines("export"):
        out.print(line, soft_wrap=True)


@registry_app.command("unknowns")
def registry_unknowns(fmt: FormatOpt = Fmt.table, backend: BackendOpt = None) -> None:
    """Models in the store that the registry cannot attribute (organisation, country or
    open/closed), with how many rows each covers."""
    frame = observatory(backend).unknowns()
    render(frame, fmt, f"{len(frame)} unattributed model(s)",
           ["table", "source", "model_key", "label", "missing", "rows", "last_date"])


@registry_app.command("review")
def registry_review(
    everything: Annotated[bool, typer.Option(
        "--all", help="Also the models attributed from their source's own labels.")] = False,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Models attributed without a registry row: from a match in another source (match:aa,
    match:hub), a Hub repository (hub) or a family rule, or with conflicting open-weights
    evidence or a refused ambiguous match; each with the evidence used. Accept the ones you
    agree with into your override files with `observatory registry accept MODEL...`."""
    frame = observatory(backend).review(everything)
    render(frame, fmt, f"{len(frame)} model(s) attributed automatically",
           ["model_key", "org_id", "country", "open_weights", "attribution", "conflict",
            "refused", "rows", "last_date"])


@registry_app.command("accept")
def registry_accept(
    models: Annotated[list[str], typer.Argument(help="Model keys, as `registry review` lists them.")],
) -> None:
    """Write the reviewed attribution of these models into your override model_facts.csv
    (replacing rows with the same key), so they count as registry facts from now on."""
    path, rows = observatory().accept(models)
    for row in rows:
        out.print(f"accepted {row['model_key']}: {row['org_id']}, open weights "
                  f"{row['open_weights']} ({row['reason']})", soft_wrap=True)
    out.print(f"written to {path}", soft_wrap=True)


@registry_app.command("files")
def registry_files() -> None:
    """The registry files in use: shipped first, then the user's overrides."""
    for path in observatory().registry.sources:
        out.print(path)
