"""A small synthetic text board over four dates with known answers (leaders, lead changes, ties,
the gap, the top N), imported into a test store."""

from __future__ import annotations

from pathlib import Path

from observatory.api import Observatory

HEADER = "rank,rank_stylectrl,model,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url\n"
# model -> (organisation label, licence label); Meta US, DeepSeek CN, Mistral FR, OpenAI closed.
MODELS = {"A": ("Meta", "Llama 3.1 Community"), "B": ("DeepSeek", "MIT"),
          "C": ("Mistral", "Apache 2.0"), "D": ("OpenAI", "Proprietary")}
# date -> model -> (rating, +upper, -lower)
BOARDS = {
    "2025-01-01": {"A": (1300, 5, 5), "B": (1280, 5, 5), "D": (1400, 3, 3)},
    "2025-01-08": {"A": (1300, 5, 5), "B": (1302, 5, 5), "D": (1400, 3, 3)},
    "2025-01-15": {"A": (1300, 5, 5), "B": (1320, 5, 5), "D": (1400, 3, 3)},
    "2025-01-22": {"A": (1300, 5, 5), "B": (1320, 5, 5), "C": (1330, 20, 20), "D": (1400, 3, 3)},
}


def synthetic_boards(tmp_path: Path, home: Path) -> Observatory:
    """BOARDS written as LMArena CSVs and imported into the store at ``home``."""
    folder = tmp_path / "boards"
    folder.mkdir()
    for day, board in BOARDS.items():
        lines = [HEADER]
        for rank, (model, (rating, plus, minus)) in enumerate(
                sorted(board.items(), key=lambda item: -item[1][0]), start=1):
            org, licence = MODELS[model]
            lines.append(f"{rank},{rank},{model},{rating},+{plus}/-{minus},1000,{org},{licence},,\n")
        (folder / f"lmsys_{day}.csv").write_text("".join(lines))
    obs = Observatory(home)
    obs.import_paths([folder])
    return obs
