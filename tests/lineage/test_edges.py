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
