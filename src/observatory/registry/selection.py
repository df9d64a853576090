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

    def problem(self) -> tuple[str, str] | None:
        """A field this selection cannot honour, and why (the command line and the API refuse
        it rather than read a board without it): ``(field, why)``, or None."""
        if self.is_index:
            if self.style_control:
                return "style_control", "the Artificial Analysis index (board aa) has no " \
                    "style-controlled board"
            if self.source is not None:
                return "source", "applies to arena boards; the Artificial Analysis index " \
                    "(board aa) is read from its own publications"
        elif self.index_version is not None:
            return "index_version", "applies to the Artificial Analysis index (board aa) only, " \
                f"not the {self.board} board"
        return None

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
