"""Evidence from other sources for a model the registry does not name, and how names are matched.

Pure: tables in, tables out. The store's side (which rows of Artificial Analysis and of the Hub
are read) lives in ``registry.boards``.

Name matching rules (the same model under another source's name):

- *exact*: lower case, every run of characters other than letters and digits becomes one ``-``,
  an ``org/`` prefix is dropped (``Qwen/Qwen2.5-72B-Instruct`` -> ``qwen2-5-72b-instruct``, as
  Artificial Analysis writes ``qwen2-5-72b-instruct``);
- *loose*, tried only when no exact name matches: dates are dropped (``-2024-05-13``,
  ``-20250514``, a trailing four-digit ``-0528``/``-2507``), and so are the tokens ``instruct``,
  ``chat``, ``it``, ``hf``, ``thinking``, ``reasoning``, ``preview``, ``exp``, ``experimental``,
  ``latest`` and ``fp8`` wherever they stand (AA's ``llama-3-1-instruct-405b`` and Arena's
  ``llama-3.1-405b-instruct`` are both ``llama-3-1-405b``).

A match counts only when every candidate agrees on the organisation and on open weights; when
candidates disagree the match is refused and the candidates are listed, never guessed. A loose
match with a Hub repository gives the organisation only: ``mistral-large-2402`` (API-only) and
the open ``Mistral-Large-Instruct-2407`` share a loose name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DATES = re.compile(r"-20\d\d-\d\d-\d\d(?=-|$)|-20\d{6}(?=-|$)|-\d{4}$")
DROPPED_TOKENS = frozenset({"instruct", "chat", "it", "hf", "thinking", "reasoning", "preview",
                            "exp", "experimental", "latest", "fp8"})
MATCH_COLUMNS = ["org_id", "open_weights", "licence_label", "hf_id", "label"]


def exact_name(name: object) -> str:
    if not isinstance(name, str):
        return ""
    name = name.strip().rsplit("/", 1)[-1].lower()
    return _NOT_ALNUM.sub("-", name).strip("-")


def loose_name(name: object) -> str:
    exact = _DATES.sub("", exact_name(name))
    return "-".join(t for t in exact.split("-") if t and t not in DROPPED_TOKENS)


@dataclass
class Candidates:
    """Rows of one other source, indexed by their names under both rules. ``table`` has
    ``MATCH_COLUMNS`` (``org_id`` already resolved through the registry's aliases, ``label`` the
    row's own name for listings) and the name columns given."""

    source: str
    records: list[dict[str, object]]  # MATCH_COLUMNS of each row, missing values as None
    exact: dict[str, list[int]] = field(default_factory=dict)
    loose: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, source: str, table: pd.DataFrame, name_columns: list[str]) -> Candidates:
        # Rows in a fixed order (a query's rows come in whatever order its threads give them):
        # the first candidate that states a fact must be the same on every run.
        order = table.astype(str)
        table = table.loc[order.sort_values(list(order.columns), kind="stable").index]
        table = table.reset_index(drop=True)
        facts = table[MATCH_COLUMNS].astype(object)
        found = cls(source, facts.where(facts.notna(), None).to_dict("records"))
        for column in name_columns:
            for position, name in enumerate(table[column].tolist()):
                for index, key in ((found.exact, exact_name(name)), (found.loose, loose_name(name))):
                    if key and position not in index.setdefault(key, []):
                        index[key].append(position)
        return found

    def lookup(self, names: tuple[object, ...]) -> tuple[list[int], str]:
        """The rows matching any of ``names`` exactly, else loosely: (rows, "exact"|"loose")."""
        for rule, index, key in (("exact", self.exact, exact_name), ("loose", self.loose, loose_name)):
            for name in names:
                found = index.get(key(name))
                if found:
                    return found, rule
        return [], ""


def _agree(values: list[object]) -> bool:
    return len({str(v) for v in values if v is not None}) <= 1


def match(names: pd.DataFrame, candidates: Candidates | None) -> pd.DataFrame:
    """For each row of ``names`` (every column exactly, then every column loosely), the facts
    of the matching candidate: ``MATCH_COLUMNS``, ``rule`` (exact or loose) and ``refused``
    (the disagreeing candidates, listed)."""
    rows: list[dict[str, object]] = []
    for values in names.itertuples(index=False):
        found, rule = candidates.lookup(tuple(values)) if candidates is not None else ([], "")
        rows.append({**_resolve(candidates, found), "rule": rule or pd.NA})
    return pd.DataFrame(rows, columns=[*MATCH_COLUMNS, "rule", "refused"], index=names.index)


def _resolve(candidates: Candidates | None, found: list[int]) -> dict[str, object]:
    empty: dict[str, object] = dict.fromkeys([*MATCH_COLUMNS, "refused"], pd.NA)
    if candidates is None or not found:
        return empty
    rows = [candidates.records[i] for i in found]
    if not (_agree([r["org_id"] for r in rows]) and _agree([r["open_weights"] for r in rows])):
        listed = "; ".join(f"{r['label']} ({r['org_id'] or '?'}, {_open_word(r['open_weights'])})"
                           for r in rows)
        return {**empty, "refused": f"{candidates.source}: {listed}"}
    resolved = dict(empty)
    for column in MATCH_COLUMNS:
        resolved[column] = next((r[column] for r in rows if r[column] is not None), pd.NA)
    return resolved


def _open_word(value: object) -> str:
    return "open" if value is True else "not open" if value is False else "open?"


@dataclass(frozen=True)
class Evidence:
    """What other sources say, for models the registry does not name: labels the same source
    published in other snapshots, Artificial Analysis models, Hub repositories of known
    organisations (roots: no declared base), and the Hub ids present in any Hub snapshot."""

    published: pd.DataFrame | None = None  # model_key, org_label, licence_label, url
    aa: Candidates | None = None
    hub: Candidates | None = None
    hub_ids: frozenset[str] = frozenset()  # lower-case ids of repositories seen on the Hub
