"""Which board rows a question reads (``registry.selection``): titles and the index name."""

from __future__ import annotations

import pytest

from observatory.registry.selection import Selection


@pytest.mark.parametrize(("sel", "title"), [
    (Selection(), "text board, category full"),
    (Selection(board="vision", category=None), "vision board, category all"),
    (Selection(category="coding", style_control=True), "text board, category coding, style control"),
    (Selection(style_control=True, source="observatory-bt"),
     "text board, category full, style control, source observatory-bt"),
    (Selection(board="aa"), "Artificial Analysis intelligence index (latest version)"),
    (Selection(board="aa", category="coding", index_version="v3"),
     "Artificial Analysis coding index (v3)"),
    (Selection(board="aa", category=None), "Artificial Analysis every index (latest version)"),
    (Selection(board="aa", category="all", index_version="v2"), "Artificial Analysis every index (v2)"),
])
def test_describe(sel: Selection, title: str) -> None:
    assert sel.describe() == title


def test_index_name() -> None:
    assert Selection(board="aa").index_name() == "intelligence"  # the board's "full" category
    assert Selection(board="aa", category="agentic").index_name() == "agentic"
    assert Selection(board="aa", category=None).index_name() is None
    assert Selection(board="aa", category="all").index_name() is None
    assert Selection(board="aa").is_index and not Selection().is_index
