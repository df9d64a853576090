"""Arena's public leaderboard pages as scraped once a day (``YYYY-MM-DD/<board>.json`` of the
oolong-tea-2026/arena-ai-leaderboards repository; see ``../shared/data/arena-ai-daily/SOURCE.md``):
``{"meta": {leaderboard, source_url, fetched_at, last_updated, model_count}, "models": [{rank,
model, vendor, license, score, ci, votes}]}``.

These boards are partial: each holds only the rows the page showed that day (the top 20 to
71), so every row records how many were shown (``shown_rows``), and a group missing from the
board is "not in the published top N", not absent. The date is Arena's own "last updated" date
when the page gave one, else the scrape's date, and the snapshot's notes say which.

The pages' default view is the style-controlled board wherever the arena has one (text, vision,
search, document): Arena made style control its default view in 2025. That is read from Arena's
announcements, not from these files, which do not say.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from observatory.errors import InputError
from observatory.sources.base import FETCH_DATE, Parsed, load_json, opt_float, opt_int, req_float

FORMAT = "arena-daily"
# page -> (board, style control): the boards of Arena's dataset (``arena_dataset.SUBSETS``).
BOARDS: dict[str, tuple[str, bool]] = {
    "text": ("text", True), "vision": ("vision", True), "search": ("search", True),
    "document": ("document", True), "code": ("webdev", False), "webdev": ("webdev", False),
    "text-to-image": ("image", False), "image-edit": ("image-edit", False),
    "text-to-video": ("video", False), "image-to-video": ("image-to-video", False),
    "video-edit": ("video-edit", False),
}
LICENCES = {"open": "open", "proprietary": "Proprietary"}  # Arena's two-way label


def sniff(data: Any) -> bool:
    if not (isinstance(data, dict) and isinstance(data.get("meta"), dict)
            and isinstance(data.get("models"), list)):
        return False
    first = next((m for m in data["models"] if isinstance(m, dict)), None)
    return "leaderboard" in data["meta"] and (first is None or "score" in first)


def publish_date(path: Path, meta: dict[str, Any]) -> tuple[date, str]:
    """The board's date and where it came from: Arena's "last updated" text ("Mar 18, 2026"),
    else the date of the scrape."""
    updated = meta.get("last_updated")
    if isinstance(updated, str) and updated.strip():
        try:
            return datetime.strptime(updated.strip(), "%b %d, %Y").date(), "publisher (last_updated)"
        except ValueError:
            raise InputError(path, f"not a date: {updated!r}", field="meta.last_updated") from None
    fetched = meta.get("fetched_at")
    if isinstance(fetched, str):
        try:
            return date.fromisoformat(fetched[:10]), "fetch date (the page gave no date)"
        except ValueError:
            raise InputError(path, f"not a date: {fetched!r}", field="meta.fetched_at") from None
    raise InputError(path, "the board has no date (neither meta.last_updated nor meta.fetched_at)")


def parse(path: Path, raw: bytes, snapshot_date: date | None = None) -> Parsed:
    data = load_json(path, raw)
    if not sniff(data):
        raise InputError(path, "not a daily Arena board ({meta: {leaderboard, ...}, models: [...]})")
    meta = data["meta"]
    page = str(meta["leaderboard"])
    if page not in BOARDS:
        raise InputError(path, f"unknown leaderboard {page!r}; known: {', '.join(BOARDS)}",
                         field="meta.leaderboard")
    board, style_control = BOARDS[page]
    day, dated_by = (snapshot_date, "given (--date)") if snapshot_date else publish_date(path, meta)
    models = data["models"]
    shown = opt_int(path, meta.get("model_count"), None, "meta.model_count") or len(models)
    rows = []
    for index, model in enumerate(models):
        where = f"models[{index}]"
        if not isinstance(model, dict) or not isinstance(model.get("model"), str):
            raise InputError(path, "expected an object with 'model'", field=where)
        rating = req_float(path, model.get("score"), None, f"{where}.score")
        half = opt_float(path, model.get("ci"), None, f"{where}.ci")
        licence = model.get("license")
        rows.append({
            "source": FORMAT, "board": board, "category": "full", "style_control": style_control,
            "snapshot_date": day, "model_key": model["model"], "model_name": model["model"],
            "rating": rating,
            "ci_low": None if half is None else rating - half,
            "ci_high": None if half is None else rating + half,
            "votes": opt_int(path, model.get("votes"), None, f"{where}.votes"),
            "rank": opt_int(path, model.get("rank"), None, f"{where}.rank"),
            "rank_style": None,
            "org_label": model.get("vendor") if isinstance(model.get("vendor"), str) else None,
            "licence_label": LICENCES.get(licence, licence) if isinstance(licence, str) else None,
            "url": None, "shown_rows": shown,
        })
    notes = {"dated_by": dated_by, "fetched_at": meta.get("fetched_at"), "shown_rows": shown,
             "source_url": meta.get("source_url")}
    return Parsed(path, FORMAT, day, {"board_entries": rows}, raw, notes=notes,
                  dated_by="given" if snapshot_date else
                  ("publisher" if dated_by.startswith("publisher") else FETCH_DATE))
