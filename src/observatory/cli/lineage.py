"""Lineage commands: derivatives (Q8), burst (Q9), lineage, whose-base (Q14), derivers (Q15),
runnable, infer-bases."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.tree import Tree

from observatory import limits
from observatory.cli.common import (
    BackendOpt,
    Fmt,
    FormatOpt,
    WaitOpt,
    err,
    observatory,
    out,
    parse_date,
    render,
    writing,
)

app = typer.Typer()
TREE_CHILDREN = 15  # children shown per node in the terminal; --format json has them all


class DerivBy(StrEnum):
    root_country = "root-country"
    root_org = "root-org"
    root_family = "root-family"
    uploader_country = "uploader-country"
    uploader_org = "uploader-org"


class DeriverBy(StrEnum):
    country = "country"
    org = "org"


class Relation(StrEnum):  # lineage.edges.RELATIONS
    finetune = "finetune"
    adapter = "adapter"
    merge = "merge"
    quantized = "quantized"
    unknown = "unknown"


SnapshotOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Use the Hub snapshots on or before this date (YYYY-MM-DD); default: all.")]
InferredOpt = Annotated[bool, typer.Option(
    "--inferred/--declared-only",
    help="Add inferred edges (stored by 'observatory infer-bases') for models that declare no "
         "base; the default uses declared bases only.")]


@app.command()
def derivatives(
    monthly: Annotated[bool, typer.Option("--monthly", help="Per month (the only period for "
                                          "now; kept for clarity in scripts).")] = True,
    by: Annotated[DerivBy, typer.Option(
        help="root-country / root-org / root-family: whose base the derivative is built on; "
             "uploader-country / uploader-org: who published it.")] = DerivBy.root_country,
    inferred: InferredOpt = False,
    since: Annotated[str | None, typer.Option(help="First month (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Last month (YYYY-MM-DD).")] = None,
    relation: Annotated[list[Relation] | None, typer.Option(
        help="Only these relations (finetune, adapter, merge, quantized, unknown); repeatable.")] = None,
    as_of: SnapshotOpt = None,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q8: new derivative models per month and the share built on each country's (or family's,
    organisation's) bases, with a 95 % interval. A merge of two roots counts half to each."""
    obs = observatory(backend)
    frame = obs.derivatives(by.value, inferred, parse_date(since, "--since"),
                            parse_date(until, "--until"),
                            tuple(r.value for r in relation) if relation else None,
                            parse_date(as_of))
    if fmt == Fmt.table:
        for line in obs.lineage_scope(inferred, parse_date(as_of)):
            out.print(line, soft_wrap=True)
    render(frame, fmt, f"New derivatives per month by {by.value} "
           f"({frame['lineage'].iloc[0]} lineage)",
           ["month", "group", "derivatives", "share", "ci_low", "ci_high", "month_total"])


@app.command()
def burst(
    model: Annotated[str, typer.Argument(help="Base model id, e.g. deepseek-ai/DeepSeek-R1.")],
    days: Annotated[int, typer.Option(**limits.BURST_DAYS.option(),
                                      help="Window after the model's creation.")] = 30,
    inferred: InferredOpt = False,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q9: derivatives (at any depth) created within N days of a model's release, and their
    downloads, by relation."""
    summary, _ = observatory(backend).burst(model, days, inferred)
    if fmt == Fmt.json:
        out.file.write(json.dumps(summary, indent=2, default=str) + "\n")
        return
    if fmt == Fmt.csv:
        render(summary["by_relation"], fmt)
        return

    def count(value: int | None) -> str:
        return "unknown" if value is None else f"{value:,}"

    out.print(f"{summary['model_id']} (created {summary['released']}): {summary['derivatives']:,} "
              f"derivatives within {days} days ({summary['all_derivatives']:,} in all, "
              f"{summary['undated']:,} undated); their downloads: {count(summary['downloads_30d'])} "
              f"in the snapshot's last 30 days, {count(summary['downloads_all_time'])} all-time")
    render(summary["by_relation"], Fmt.table, "By relation")


def _tree_node(tree: Tree, node: dict[str, Any]) -> None:
    children = node["children"]
    for child in children[:TREE_CHILDREN]:
        branch = tree.add(_label(child))
        _tree_node(branch, child)
    if len(children) > TREE_CHILDREN:
        tree.add(f"[dim]... {len(children) - TREE_CHILDREN} more (--format json lists all)[/dim]")


def _label(node: dict[str, Any]) -> str:
    parts = [f"[bold]{node['model_id']}[/bold]"]
    if node.get("relation"):
        parts.append(f"[cyan]{node['relation']}[/cyan]" + (" (inferred)" if node.get("kind") ==
                                                             "inferred" else ""))
    if node.get("downloads_30d") is not None:
        parts.append(f"{node['downloads_30d']:,} dl/30d")
    if not node.get("in_snapshot", True):
        parts.append("[dim]not in the snapshot[/dim]")
    return "  ".join(parts)


@app.command()
def lineage(
    model: Annotated[str, typer.Argument(help="Model id.")],
    inferred: InferredOpt = False,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """The tree above (ancestors, roots) and below (every derivative) a model: --format json
    nested as the tree, --format csv one row per model (position, depth, relation, via)."""
    result = observatory(backend).lineage_tree(model, inferred)
    if fmt == Fmt.json:
        out.file.write(json.dumps(result, indent=2, default=str) + "\n")
        return
    if fmt == Fmt.csv:
        from observatory.lineage.tree import tree_rows

        render(tree_rows(result), fmt)
        return
    for parent in sorted(result["ancestors"], key=lambda p: -p["depth"]):
        out.print(f"↑ depth {parent['depth']}: {parent['model_id']} "
                  f"({parent['child_relation']} of it: {parent['child']})")
    roots = ", ".join(f"{r['root_id']} [{r.get('root_org') or '?'}, {r.get('root_country') or '?'}]"
                      for r in result["roots"])
    out.print(f"roots: {roots}")
    tree = Tree(_label(result["model"]))
    _tree_node(tree, result["model"])
    out.print(tree)
    out.print(f"{result['descendants']:,} derivatives ({result['lineage']} lineage)")


@app.command()
def derivers(
    family: Annotated[str, typer.Argument(help="Root family, e.g. Qwen, Llama, DeepSeek.")],
    by: Annotated[DeriverBy, typer.Option(help="country or org of the deriver.")] = DeriverBy.country,
    inferred: InferredOpt = False,
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q15: who builds on a family — derivatives whose root base is in FAMILY, by the country or
    organisation of the namespace that published them."""
    obs = observatory(backend)
    frame = obs.derivers(family, f"uploader-{by.value}", inferred)
    if fmt == Fmt.table:
        for line in obs.lineage_scope(inferred):
            out.print(line, soft_wrap=True)
    render(frame, fmt, f"Who builds on {family} (by {by.value}, "
           f"{frame['lineage'].iloc[0]} lineage)",
           ["group", "derivatives", "share", "ci_low", "ci_high", "downloads_30d"])


@app.command()
def runnable(
    model: Annotated[str, typer.Argument(help="Model id.")],
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Quantized builds of a model (GGUF, AWQ, GPTQ, EXL2, MLX, bitsandbytes) and their sizes."""
    frame = observatory(backend).runnable(model)
    render(frame, fmt, f"Runnable builds of {model}",
           ["model_id", "format", "bits", "params_b", "storage_gb", "downloads_30d", "relation"])



@app.command("whose-base")
def whose_base(
    model: Annotated[str, typer.Argument(help="Model id.")],
    fmt: FormatOpt = Fmt.table,
    backend: BackendOpt = None,
) -> None:
    """Q14: the base a model declares; if it declares none, the bases its configuration and
    tokenizer fingerprint most likely come from, with scores (stored by 'observatory
    infer-bases', else computed now)."""
    frame = observatory(backend).whose_base(model)
    if frame.empty:  # an answer: no base; CSV and JSON keep their shape, the sentence to stderr
        (out if fmt == Fmt.table else err).print(
            f"{model}: declares no base, and its fingerprint (if known) matches no known base "
            "model; 'observatory update --source hub --enrich N' collects config facts",
            soft_wrap=True)
        if fmt != Fmt.table:
            render(frame, fmt)
        return
    render(frame, fmt, f"Whose base is {model}? ({frame['evidence'].iloc[0]})",
           ["parent_id", "relation", "score", "candidate_rank", "root_org", "root_country",
            "root_family"])


@app.command("infer-bases")
def infer_bases(
    top: Annotated[int, typer.Option(**limits.INFER_TOP.option(),
                                     help="Candidates kept per model.")] = 3,
    fmt: FormatOpt = Fmt.table,
    wait: WaitOpt = 0.0,
) -> None:
    """Infer candidate bases for every model that declares none (config/tokenizer fingerprints
    against the known base models) and store them as 'inferred' edges, kept apart from declared
    ones: metrics use them only with --inferred."""
    obs = observatory()
    with writing(obs, wait):
        result, predictions = obs.infer_bases(top)
    if result is None:  # CSV and JSON keep their shape (no rows), the sentence to stderr
        (out if fmt == Fmt.table else err).print(
            "no candidates: no model without a declared base has fingerprint facts that match a "
            "known base (import model trees or enrich a Hub snapshot first)", soft_wrap=True)
        if fmt != Fmt.table:
            render([], fmt)
        return
    from observatory.lineage.inference import score_summary

    summary, models = score_summary(predictions)
    verb = "already stored" if result.duplicate else "stored"
    out.print(f"{verb}: inferred-edges snapshot {result.snapshot_id} ({result.snapshot_date}), "
              f"{len(predictions):,} candidate edges for {models:,} models")
    render(summary, fmt, "Best candidate's score")
