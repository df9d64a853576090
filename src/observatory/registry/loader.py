"""Load the shipped registry files and merge a user override directory on top.

Each file has a key; an override row with the same key replaces the shipped row, new keys are
added. The override directory is ``$OBSERVATORY_REGISTRY`` or ``<data home>/registry``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from observatory.errors import RegistryError

KINDS = {"company", "lab", "university", "community"}
LICENCE_CLASSES = {"permissive", "open-with-restrictions", "non-commercial", "proprietary",
                   "unknown"}
YES_NO = {"yes", "no", "unknown"}
ALIAS_KINDS = {"hf", "arena", "aa"}

# file -> (required columns, key columns); keys are compared case-insensitively where noted.
FILES: dict[str, tuple[list[str], list[str]]] = {
    "organisations.csv": (["org_id", "name", "country", "kind", "evidence"], ["org_id"]),
    "org_aliases.csv": (["kind", "alias", "org_id"], ["kind", "alias"]),
    "licences.csv": (["label", "licence_class", "open_weights", "evidence"], ["label_key"]),
    "arena_models.csv": (["model_key", "display_name", "org_label", "licence_label", "hf_id"],
                         ["key"]),
    "model_facts.csv": (["model_key", "org_id", "open_weights", "licence_class", "hf_id",
                         "reason"], ["key"]),
    "families.csv": (["pattern", "family", "org_id", "evidence"], ["family", "pattern"]),
}


@dataclass(frozen=True)
class Registry:
    organisations: pd.DataFrame
    aliases: pd.DataFrame
    licences: pd.DataFrame
    arena_models: pd.DataFrame
    model_facts: pd.DataFrame
    families: pd.DataFrame  # regular expressions (case-insensitive) on model ids -> family
    sources: tuple[str, ...]  # files read, shipped first


def override_dir() -> Path:
    from observatory.config import data_home

    return Path(os.environ.get("OBSERVATORY_REGISTRY") or data_home() / "registry")


def _read(path: Path, required: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read ({exc})") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise RegistryError(f"{path}: missing column '{missing[0]}'")
    frame = frame.apply(lambda col: col.str.strip())
    frame["_file"] = str(path)
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def _add_keys(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    if name == "licences.csv":
        frame["label_key"] = frame["label"].str.lower()
    if name in ("arena_models.csv", "model_facts.csv"):
        frame["key"] = frame["model_key"].str.lower()
    return frame


def _merge(shipped: pd.DataFrame, user: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame:
    if user is None or user.empty:
        return shipped.drop_duplicates(keys, keep="last")
    both = pd.concat([shipped, user], ignore_index=True)
    return both.drop_duplicates(keys, keep="last").reset_index(drop=True)


def _bad(row: pd.Series, column: str, message: str) -> RegistryError:
    return RegistryError(f"{row['_file']}, row {row['_row']}, field '{column}': {message}")


def _check(frame: pd.DataFrame, bad: pd.Series, column: str,
           message: Callable[[str], str]) -> None:
    """Raise for the first row flagged ``bad`` (vectorised: the registry loads on every command)."""
    if bad.any():
        row = frame[bad].iloc[0]
        raise _bad(row, column, message(row[column]))


def _pattern_error(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def _validate(reg: Registry) -> None:
    orgs = reg.organisations
    country = orgs["country"]
    _check(orgs, (country.str.len() != 2) | ~country.str.isupper(), "country",
           lambda v: f"not an ISO alpha-2 code: {v!r}")
    _check(orgs, ~orgs["kind"].isin(KINDS), "kind", lambda v: f"{v!r} is not one of {sorted(KINDS)}")
    known = set(orgs["org_id"])
    for frame in (reg.aliases, reg.model_facts, reg.families):
        _check(frame, (frame["org_id"] != "") & ~frame["org_id"].isin(known), "org_id",
               lambda v: f"unknown organisation {v!r}")
    errors = reg.families["pattern"].map(_pattern_error)
    _check(reg.families, errors.notna(), "pattern",
           lambda v: f"not a regular expression ({_pattern_error(v)})")
    _check(reg.aliases, ~reg.aliases["kind"].isin(ALIAS_KINDS), "kind",
           lambda v: f"{v!r} is not one of {sorted(ALIAS_KINDS)}")
    for frame in (reg.licences, reg.model_facts):
        klass, open_weights = frame["licence_class"], frame["open_weights"]
        _check(frame, (klass != "") & ~klass.isin(LICENCE_CLASSES), "licence_class",
               lambda v: f"{v!r} is not one of {sorted(LICENCE_CLASSES)}")
        _check(frame, (open_weights != "") & ~open_weights.isin(YES_NO), "open_weights",
               lambda v: "expected yes, no or unknown")


def load_registry(user_dir: Path | None = None) -> Registry:
    """The shipped registry with the user's override files merged on top."""
    user_dir = override_dir() if user_dir is None else user_dir
    shipped_dir = resources.files("observatory.registry") / "data"
    frames: dict[str, pd.DataFrame] = {}
    sources: list[str] = []
    for name, (required, keys) in FILES.items():
        shipped_path = Path(str(shipped_dir / name))
        shipped = _add_keys(name, _read(shipped_path, required))
        sources.append(str(shipped_path))
        user = None
        if (user_dir / name).exists():
            user = _add_keys(name, _read(user_dir / name, required))
            sources.append(str(user_dir / name))
        frames[name] = _merge(shipped, user, keys)
    registry = Registry(
        organisations=frames["organisations.csv"],
        aliases=frames["org_aliases.csv"],
        licences=frames["licences.csv"],
        arena_models=frames["arena_models.csv"],
        model_facts=frames["model_facts.csv"],
        families=frames["families.csv"],
        sources=tuple(sources),
    )
    _validate(registry)
    return registry
