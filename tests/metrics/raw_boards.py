"""Independent readers of the shipped leaderboard files, for the real-data board tests.

The expected values never go through the product's parsers or registry: these helpers read the
CSV and JSON files with the standard library, treat LMArena's licence label 'Proprietary' as
closed, and map the organisation to a country through ATOM's organization_regions.csv.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import AA, LMSYS, SHARED

CLOSED = {"Proprietary", "Propretary"}
# Labels that say nothing about the weights (e.g. the unreleased Llama-4-Maverick-Experimental
# is 'N/A'): such a model is not counted as open.
NO_LICENCE = {"", "-", "N/A"}
# Models LMArena labels with a family licence although no weights were published (SOURCE.md:
# "API-only models labelled with a family name"). Maverick-Experimental is 'Llama' on
# 2025-04-06 and 'N/A' two days later in the same files.
API_ONLY = {"Llama-4-Maverick-03-26-Experimental", "Qwen-Max-0919"}
ATOM_REGIONS = SHARED / "org-country" / "atom_tracked_models" / "organization_regions.csv"
# LMArena organisation label -> the organisation's Hub namespace in ATOM's region file.
LABEL_TO_NAMESPACE = {"DeepSeek": "deepseek-ai", "Nvidia": "nvidia", "Meta": "meta-llama",
                      "Google": "google", "NexusFlow": "Nexusflow", "Alibaba": "Qwen"}
REGION_TO_COUNTRY = {"china": "CN", "us": "US"}


def atom_country(label: str) -> str:
    with ATOM_REGIONS.open() as handle:
        regions = {row["hf_org"]: row["region"] for row in csv.DictReader(handle)}
    return REGION_TO_COUNTRY[regions[LABEL_TO_NAMESPACE[label]]]


def raw_board(path: Path) -> list[dict]:
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    score = "arena_score" if "arena_score" in rows[0] else "arena_elo"
    out = []
    for row in rows:
        plus, minus = row["95_pct_ci"].lstrip("+").split("/-")
        rating = float(row[score])
        out.append({"model": row["model"], "rating": rating, "org": row["organization"],
                    "open": row["license"].strip() not in CLOSED | NO_LICENCE
                    and row["model"] not in API_ONLY, "ci_low": rating - float(minus),
                    "ci_high": rating + float(plus)})
    return sorted(out, key=lambda r: -r["rating"])


def best_open(path: Path) -> dict:
    return next(r for r in raw_board(path) if r["open"])


def independent_country_series() -> list[tuple[str, str]]:
    series = []
    for path in sorted(LMSYS.glob("lmsys_*.csv")):
        top = best_open(path)
        series.append((path.stem.split("_")[1], atom_country(top["org"])))
    return series


def aa_raw(day: str) -> list[dict]:
    with (AA / "raw_llms_snapshots" / f"llms_{day}.json").open() as handle:
        return json.load(handle)["models"]
