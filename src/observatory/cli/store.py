"""The ``store`` and ``registry`` command groups: what the data home and the registry hold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from observatory.cli.common import (
    BackendOpt,
    Fmt,
    FormatOpt,
    WaitOpt,
    err,
    observatory,
    out,
    render,
    writing,
)
from observatory.errors import EXIT_DAMAGE

store_app = typer.Typer(help="Inspect and maintain the snapshot store.", no_args_is_help=True)
registry_app = typer.Typer(help="Inspect the organisation / country / licence registry.",
                           no_args_is_help=True)


@store_app.command("list")
def store_list(fmt: FormatOpt = Fmt.table) -> None:
    """Every snapshot in the store."""
    obs = observatory()
    render(obs.snapshots(local=True), fmt, f"Snapshots in {obs.store.home}")  # paths as imported


@store_app.command("rebuild")
def store_rebuild(wait: WaitOpt = 0.0) -> None:
    """Rebuild the DuckDB catalog from the snapshots (it is only a cache). Damaged snapshots are
    left out (quarantined) and listed; every other one is read as before."""
    obs = observatory()
    with writing(obs, wait):
        counts = obs.catalog.refresh()
        obs.connection()
    out.print(", ".join(f"{count:,} {table}" for table, count in counts.items()))
    for damage in obs.catalog.damaged:
        err.print(f"left out (damaged): {damage.folder}: {damage.reason}; `observatory store "
                  f"repair {damage.snapshot_id}` rebuilds it", soft_wrap=True, markup=False,
                  highlight=False)
    if obs.catalog.damaged:
        raise typer.Exit(EXIT_DAMAGE)


@store_app.command("verify")
def store_verify(
    clean: Annotated[bool, typer.Option(
        "--clean", help="Remove what killed runs left in tmp/ (only that); it waits for no "
        "writer: with another command writing it stops (exit 4).")] = False,
) -> None:
    """Check every snapshot against its manifest, changing nothing: raw files (present, size,
    SHA-256), tables (readable Parquet, row counts, SHA-256), one folder per snapshot id, and an
    import a kill stopped. One line per problem, and exit 5 when there is one. Also lists the
    temporary folders killed runs left in tmp/."""
    obs = observatory()
    found, leftovers = obs.verify(clean)
    busy = obs.writer()
    if busy:
        err.print(f"another command is writing into the data home ({busy}): what it is writing "
                  "is not checked until it ends", soft_wrap=True, markup=False, highlight=False)
    for problem in found:
        out.print(str(problem), soft_wrap=True, markup=False, highlight=False)
    verb = "removed" if clean else "left by a killed run (remove with --clean)"
    for path in leftovers:
        out.print(f"{path}: {verb}", soft_wrap=True)
    snapshots = len(obs.store.snapshot_folders())
    out.print(f"{snapshots:,} snapshot(s) checked: {len(found)} problem(s)"
              + (f", {len(leftovers)} leftover(s) in tmp/ {'removed' if clean else ''}".rstrip()
                 if leftovers else ""))
    if found:
        out.print("`observatory store repair` rebuilds damaged snapshots from their raw files or "
                  "inputs; `observatory store remove ID` removes one", soft_wrap=True)
        raise typer.Exit(EXIT_DAMAGE)


@store_app.command("repair")
def store_repair(
    ids: Annotated[list[str] | None, typer.Argument(
        help="Snapshot ids (or unambiguous prefixes); default: every damaged snapshot.")] = None,
    wait: WaitOpt = 0.0,
) -> None:
    """Rebuild damaged snapshots: from their raw file when it is intact (the same rows as when
    imported), or computed again from their inputs (Hub aggregates, inferred edges, boards
    rated from stored votes). A Hub collection or dump backfill keeps no raw file: the line
    names the command that fetches it again. Each change is logged in store.log. Exit 5 when
    a damaged snapshot is left."""
    obs = observatory()
    with writing(obs, wait):
        outcomes = obs.repair(ids or None)
    for outcome in outcomes:
        out.print(str(outcome), soft_wrap=True, markup=False, highlight=False)
    left = [o for o in outcomes if not o.repaired and o.how != "not damaged, nothing to do"]
    out.print(f"{sum(o.repaired for o in outcomes)} snapshot(s) repaired"
              + (f", {len(left)} left damaged" if left else "")
              + ("" if outcomes else ": nothing is damaged"))
    if left:
        raise typer.Exit(EXIT_DAMAGE)


@store_app.command("remove")
def store_remove(
    ids: Annotated[list[str], typer.Argument(help="Snapshot ids (or unambiguous prefixes).")],
    wait: WaitOpt = 0.0,
) -> None:
    """Remove snapshots from the store (each logged in store.log with its manifest's facts);
    the catalog is rebuilt without them."""
    obs = observatory()
    with writing(obs, wait):
        removed = obs.remove(ids)
    for folder in removed:
        out.print(f"removed {folder}", soft_wrap=True)


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
    wait: WaitOpt = 0.0,
) -> None:
    """Write the reviewed attribution of these models into your override model_facts.csv
    (replacing rows with the same key), so they count as registry facts from now on."""
    obs = observatory()
    with writing(obs, wait):
        path, rows = obs.accept(models)
    for row in rows:
        out.print(f"accepted {row['model_key']}: {row['org_id']}, open weights "
                  f"{row['open_weights']} ({row['reason']})", soft_wrap=True)
    out.print(f"written to {path}", soft_wrap=True)


@registry_app.command("files")
def registry_files() -> None:
    """The registry files in use: shipped first, then the user's overrides."""
    for path in observatory().registry.sources:
        out.print(path)
