"""Small vote tables for the ratings tests."""

from __future__ import annotations

import pyarrow as pa


def votes_from_counts(counts: dict[tuple[str, str], tuple[int, int, int]]) -> pa.Table:
    """{(a, b): (a wins, b wins, ties)} -> a votes table (model_a, model_b, outcome)."""
    rows = []
    for (a, b), (wins_a, wins_b, ties) in counts.items():
        rows += [(a, b, "a")] * wins_a + [(a, b, "b")] * wins_b + [(b, a, "tie")] * ties
    model_a, model_b, outcome = zip(*rows, strict=True)
    return pa.table({"model_a": list(model_a), "model_b": list(model_b),
                     "outcome": list(outcome)})
