"""Root resolution (``lineage.roots``) on hand-built graphs: merges, cycles, self-loops, missing
parents, odd spellings, and a random forest checked against a plain recursive walk."""

from __future__ import annotations

from functools import cache

import ibis
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.lineage.edges import declared_edges, graph_edges
from observatory.lineage.roots import resolve_roots
from tests.lineage.helpers import GRAPH, declaring_models


def _roots(rows: list[tuple[str, list[str], str | None]], max_depth: int = 64) -> pd.DataFrame:
    models = declaring_models(rows)
    frame = resolve_roots(models, graph_edges(declared_edges(models)), max_depth).to_pandas()
    return frame.sort_values(["model_id", "root_id"]).reset_index(drop=True)


def _root_map(frame: pd.DataFrame) -> dict[str, set[str]]:
    return {m: set(g["root_id"]) for m, g in frame.groupby("model_id")}


def test_roots_merges_cycles_and_missing_parents() -> None:
    frame = _roots(GRAPH)
    roots = _root_map(frame)
    assert roots["org/base"] == {"org/base"}
    assert roots["u/ft"] == {"org/base"}
    assert roots["u/ft-gguf"] == {"org/base"}
    assert roots["u/merge"] == {"org/base", "org/other-base"}
    assert roots["u/diamond"] == {"org/base"}
    assert roots["u/orphan"] == {"gone/deleted-model"}
    assert roots["u/self"] == {"u/self"}  # the self-loop is ignored: a base
    assert roots["u/cyc-a"] == roots["u/cyc-b"] == roots["u/below-cycle"] == {"u/cyc-a"}
    by_model = frame.set_index(["model_id", "root_id"])
    assert by_model.loc[("u/merge", "org/base"), "weight"] == 0.5
    assert by_model.loc[("u/merge", "org/base"), "depth"] == 2
    assert by_model.loc[("u/merge", "org/other-base"), "depth"] == 1
    assert by_model.loc[("u/diamond", "org/base"), "depth"] == 1  # the shortest path
    assert by_model.loc[("u/diamond", "org/base"), "weight"] == 1.0
    assert not by_model.loc[("u/orphan", "gone/deleted-model"), "root_present"]
    assert by_model.loc[("u/cyc-b", "u/cyc-a"), "status"] == "cycle"
    assert by_model.loc[("u/below-cycle", "u/cyc-a"), "status"] == "cycle"
    assert by_model.loc[("org/base", "org/base"), "status"] == "base"
    # every model appears, the missing parent does not
    assert set(frame["model_id"]) == {row[0] for row in GRAPH}


def test_case_variants_of_a_missing_base_are_one_root() -> None:
    frame = _roots([("u/h", ["Missing/one", "missing/ONE"], "finetune"),
                    ("u/i", ["missing/one"], "finetune")])
    assert _root_map(frame) == {"u/h": {"Missing/one"}, "u/i": {"Missing/one"}}
    assert set(frame["weight"]) == {1.0}


def test_cycle_root_is_the_smallest_id_on_the_cycle() -> None:
    rows = [("u/f", ["u/e"], "finetune"), ("u/e", ["u/f"], "finetune"),
            ("u/a-lead-in", ["u/e"], "finetune"), ("u/g", ["u/a-lead-in"], "finetune")]
    roots = _root_map(_roots(rows))
    # u/a-lead-in sorts first but is not on the cycle
    assert roots == {"u/e": {"u/e"}, "u/f": {"u/e"}, "u/a-lead-in": {"u/e"}, "u/g": {"u/e"}}


def test_long_chains_are_truncated_not_lost() -> None:
    chain = [("m0", [], None)] + [(f"m{k}", [f"m{k - 1}"], "finetune") for k in range(1, 12)]
    frame = _roots(chain, max_depth=5).set_index("model_id")
    assert frame.loc["m5", "root_id"] == "m0" and frame.loc["m5", "status"] == "derived"
    assert frame.loc["m11", "status"] == "truncated" and frame.loc["m11", "depth"] == 5
    full = _roots(chain).set_index("model_id")
    assert full.loc["m11", "root_id"] == "m0" and full.loc["m11", "depth"] == 11


@st.composite
def forests(draw: st.DrawFn) -> list[tuple[str, list[str], str | None]]:
    """Random DAGs: each model names 0-2 earlier models (or a missing one) as bases."""
    n = draw(st.integers(1, 40))
    rows = []
    for i in range(n):
        bases = [] if i == 0 else draw(st.lists(st.integers(-1, i - 1), max_size=2, unique=True))
        names = [f"m{b}" if b >= 0 else f"gone/m{i}" for b in bases]
        rows.append((f"m{i}", names, "merge" if len(names) > 1 else "finetune"))
    return rows


@settings(max_examples=40, deadline=None)
@given(forests())
def test_roots_match_a_recursive_walk(rows: list[tuple[str, list[str], str | None]]) -> None:
    parents = {model: bases for model, bases, _ in rows}

    @cache
    def expected(model: str) -> frozenset[tuple[str, int]]:
        if not parents.get(model):
            return frozenset({(model, 0)})
        pairs = [(root, depth + 1) for p in parents[model] for root, depth in expected(p)]
        best: dict[str, int] = {}
        for root, depth in pairs:
            best[root] = min(depth, best.get(root, depth))
        return frozenset(best.items())

    frame = _roots(rows)
    got = {m: {(r, int(d)) for r, d in zip(g["root_id"], g["depth"], strict=True)}
           for m, g in frame.groupby("model_id")}
    assert got == {model: set(expected(model)) for model in parents}
    weights = frame.groupby("model_id")["weight"].sum()
    assert all(abs(w - 1.0) < 1e-9 for w in weights)


def test_roots_run_on_another_backend() -> None:
    """The resolution is plain joins: SQLite (no arrays, no recursive CTE used) gives the same
    roots as DuckDB."""
    rows = [*GRAPH, ("u/deep", ["u/ft-gguf"], "finetune")]
    expected = _roots(rows)
    duck = declaring_models(rows)
    edges = graph_edges(declared_edges(duck)).to_pandas()[["child_id", "parent_id", "parent_present"]]
    sqlite = ibis.sqlite.connect()
    models = sqlite.create_table("models", pd.DataFrame({"model_id": [r[0] for r in rows]}))
    edge_table = sqlite.create_table("edges", edges.astype({"parent_present": bool}))
    got = resolve_roots(models, edge_table).to_pandas()
    got = got.sort_values(["model_id", "root_id"]).reset_index(drop=True)
    columns = ["model_id", "root_id", "depth", "n_roots", "status"]
    assert got[columns].astype(str).equals(expected[columns].astype(str))
    assert got["root_present"].astype(bool).tolist() == expected["root_present"].astype(bool).tolist()
