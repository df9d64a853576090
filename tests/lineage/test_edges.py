"""Declared edges (``lineage.edges``) on a hand-built graph: URLs and odd spellings normalised,
missing parents and self-loops flagged and counted."""

from __future__ import annotations

from observatory.lineage.edges import declared_edges, edge_counts
from tests.lineage.helpers import GRAPH, declaring_models


def test_edges_are_normalised_and_counted() -> None:
    edges = declared_edges(declaring_models(GRAPH)).to_pandas()
    gguf = edges[edges["child_id"] == "u/ft-gguf"].iloc[0]
    assert gguf["parent_id"] == "u/ft" and bool(gguf["parent_present"])
    orphan = edges[edges["child_id"] == "u/orphan"].iloc[0]
    assert orphan["parent_id"] == "gone/deleted-model" and not orphan["parent_present"]
    counts = edge_counts(declared_edges(declaring_models(GRAPH)))
    assert counts["self_loops"] == 1
    assert counts["missing_parents"] == 1
    assert counts["edges"] == 11  # every declared base, the self-loop included
    assert counts["relation_merge"] == 4


def test_spaces_are_trimmed_and_nothing_else() -> None:
    """Only whitespace leaves the ends of an id: a name ending in "f" or "v" keeps it (Ibis's
    ``strip`` lost them on Spark)."""
    models = declaring_models([
        ("u/a", [" \thttps://huggingface.co/meta-llama/Llama-2-13b-chat-hf/ \n"], "finetune"),
        ("u/b", ["\x0bvf/model-v\x0b"], "finetune"),
        ("meta-llama/Llama-2-13b-chat-hf", [], None),
    ])
    edges = declared_edges(models).to_pandas().set_index("child_id")
    assert edges.loc["u/a", "parent_id"] == "meta-llama/Llama-2-13b-chat-hf"
    assert bool(edges.loc["u/a", "parent_present"])
    assert edges.loc["u/b", "parent_id"] == "vf/model-v"
