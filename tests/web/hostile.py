"""A small store whose names are HTML: a model named ``<script>alert(1)</script>`` on four
LMArena text boards (CSV) and on two Artificial Analysis snapshots (the compact daily CSV), where
its creator, an organisation the registry does not know, is named
``<img src=x onerror=alert(2)>Evil Org`` (for such a creator the attribution shows AA's own
name: the source-label layer of ``registry.attribute.attribute_index``). The site answers Q1
to Q4, Q11 and Q12 from it, with charts."""

from __future__ import annotations

import csv
from pathlib import Path

from observatory.api import Observatory

SCRIPT_MODEL = "<script>alert(1)</script>"
EVIL_ORG = "<img src=x onerror=alert(2)>Evil Org"

ARENA_HEADER = ["rank", "rank_stylectrl", "model", "arena_score", "95_pct_ci", "votes",
                "organization", "license", "knowledge_cutoff", "url"]
# model -> (organisation label, licence label); OpenAI's model is closed.
ARENA_MODELS = {SCRIPT_MODEL: ("Meta", "Llama 3.1 Community"), "B": ("DeepSeek", "MIT"),
                "C": ("Mistral", "Apache 2.0"), "D": ("OpenAI", "Proprietary")}
# date -> model -> (rating, +upper, -lower): the lead passes from the US (the hostile model)
# to China (B) on the second date, for good (the newest change, the index's card).
ARENA_BOARDS = {
    "2025-01-01": {SCRIPT_MODEL: (1300, 5, 5), "B": (1280, 5, 5), "D": (1400, 3, 3)},
    "2025-01-08": {SCRIPT_MODEL: (1300, 5, 5), "B": (1302, 5, 5), "D": (1400, 3, 3)},
    "2025-01-15": {SCRIPT_MODEL: (1300, 5, 5), "B": (1320, 5, 5), "D": (1400, 3, 3)},
    "2025-01-22": {SCRIPT_MODEL: (1300, 5, 5), "B": (1320, 5, 5), "C": (1290, 20, 20),
                   "D": (1400, 3, 3)},
}

AA_HEADER = ["snapshot_date", "slug", "name", "creator_name", "creator_slug", "creator_country",
             "is_open_weights", "license_name", "huggingface_url", "release_date",
             "intelligence_index", "intelligence_index_is_estimated", "total_parameters_b",
             "active_parameters_b"]


def _aa_rows(day: str, lead: float) -> list[list[object]]:
    """Three open models; the hostile one (a mixture of experts) leads by ``lead`` points."""
    return [[day, "evil-model", SCRIPT_MODEL, EVIL_ORG, "evil-org", "us", "True", "MIT", "",
             "2025-06-01", 50 + lead, "False", 100, 10],
            [day, "good-model", "Good Model", "Meta", "meta", "us", "True", "MIT", "",
             "2025-05-01", 49, "False", 70, 70],
            [day, "other-model", "Other Model", "DeepSeek", "deepseek", "cn", "True", "MIT", "",
             "2025-04-01", 48, "False", 600, 37]]


def write_hostile_files(folder: Path) -> list[Path]:
    """The boards and the AA CSV, written with the csv module (quoted where needed)."""
    boards = folder / "boards"
    boards.mkdir(parents=True)
    for day, board in ARENA_BOARDS.items():
        ranked = sorted(board.items(), key=lambda item: -item[1][0])
        with (boards / f"lmsys_{day}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(ARENA_HEADER)
            for rank, (model, (rating, plus, minus)) in enumerate(ranked, start=1):
                org, licence = ARENA_MODELS[model]
                writer.writerow([rank, rank, model, rating, f"+{plus}/-{minus}", 1000, org,
                                 licence, "", ""])
    aa = folder / "aa_llms_daily_compact.csv"
    with aa.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(AA_HEADER)
        writer.writerows(_aa_rows("2026-01-10", 0) + _aa_rows("2026-02-10", 2))
    return [boards, aa]


def hostile_store(folder: Path, home: Path) -> Observatory:
    """The files written into ``folder`` and imported into the store at ``home``."""
    obs = Observatory(home)
    obs.import_paths(write_hostile_files(folder))
    return obs
