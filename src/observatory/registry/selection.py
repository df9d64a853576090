"""Which board rows a question reads: the board, category, style control, index version and
source. Kept apart from ``boards`` (which needs Ibis) so the command line can build one cheaply."""

from __future__ import annotations

from dataclasses import dataclass

AA_BOARD = "aa"  # the Artificial Analysis index, read like a board


@dataclass(frozen=True)
class Selection:
    """Which board rows a metric reads. ``category=None`` means every category."""

    board: str = "text"
    category: str | None = "full"
    style_control: bool = False
    index_version: str | None = None  # Artificial Analysis only; None = the latest version
    source: str | None = None  # one board source only (e.g. observatory-bt); None = published

    @property
    def is_index(self) -> bool:
        return self.board == AA_BOARD

    def index_name(self) -> str | None:
        if self.category in (None, "all"):
            return None
        return "intelligence" if self.category == "full" else self.category

    def describe(self) -> str:
        """For titles: "text board, category full, style control"."""
        if self.is_index:
            version = self.index_version or "latest version"
            return f"Artificial Analysis {self.index_name() or 'every'} index ({version})"
        style = ", style control" if self.style_control else ""
        source = f", source {self.source}" if self.source else ""
        return f"{self.board} board, category {self.category or 'all'}{style}{source}"
