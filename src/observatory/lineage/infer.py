"""Inferred bases for models that declare none: config/tokenizer fingerprints against known bases.

``infer_bases(configs, bases, targets)`` scores every known base ``b`` for a target ``t`` as the
posterior share of that base among all bases that could have produced ``t``'s fingerprint:

    score(b | t) = prior(b) * L(t | b) / (sum over eligible b' of prior(b') * L(t | b') + null)

* ``prior(b)`` = declared derivatives of ``b`` + ``PRIOR_FLOOR``: popular bases are built on more.
* ``L(t | b)`` multiplies, per fingerprint fact known on both sides, 1 when equal and the chance
  that a derivative changes it otherwise (``MISMATCH``: fine-tunes often change the chat template,
  eos token or dtype, sometimes pad the vocabulary or extend the context, rarely the rope base or
  bos token). The shape (hidden size, layers, heads, kv heads, intermediate size, experts) must
  be equal where both know it: no pair is scored across shapes. A fact the target lacks says
  nothing; a template or token the target has and the base lacks counts as a change.
* ``null`` is the mass of "a base we do not know": ``NULL_PRIOR`` perfectly matching unseen
  derivatives, so a unique but unpopular or partial match does not score near 1.
* only bases not younger than the target are eligible.

* ``_name_or_path`` (the id transformers recorded when the checkpoint was loaded; see
  ``hub_fingerprint.hub_id``) is the one fact that can tell identical configs apart. When it names
  a known base, or a model whose declared root is a known base, that base ``r`` gets
  ``a + (1 - a) * score(r)`` and every other candidate ``(1 - a) * score(b)``: a mixture in which
  the name is right with probability ``a``, learned from declared edges as the share of declared
  models whose named model resolves to their declared root. The name counts only if ``r`` is not
  younger than the target and has its shape.

The score is therefore both the match quality and its ambiguity: ten identical checkpoints of
equal popularity give each at most 0.1. The relation is ``quantized`` when the target's config
names a quantization method (GGUF, AWQ, GPTQ, bitsandbytes, MLX), else ``finetune`` (merges and
fine-tunes cannot be told apart by config; adapters have no config.json and are never targets).

It runs as joins, not pairs: bases are grouped by identical fingerprint (a few thousand groups
for 100,000 bases), targets likewise; group pairs are joined on the architecture family key and
scored in numpy; each target then reads, by binary search on creation time, the prior mass and
the three most popular bases of each matching group created before it.

``evaluate`` and ``precision_recall`` measure the result against held-back declarations.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

METHOD_VERSION = "fingerprint-2"
PRIOR_FLOOR = 0.5
NULL_PRIOR = 1.0
RECENCY_DAYS = 120.0  # most derivatives appear within months of their base
RECENCY_SHARE = 0.8  # the rest of the prior ignores age (old bases keep being built on)
SAME_ORG_BOOST = 10.0  # organisations build on their own bases (instruct tunes, AWQ/GGUF releases)
DEFAULT_THRESHOLD = 0.5
NAME_AGREE = 0.9  # P(a named model resolves to the true root) when no declared edge says otherwise
SHAPE = ("hidden_size", "num_layers", "num_heads", "num_kv_heads", "intermediate_size", "num_experts")
# P(a derivative shows another value | the base's value), per soft fact.
MISMATCH = {"architecture": 0.1, "max_positions": 0.1, "rope_theta": 0.03, "rope_scaling": 0.15,
            "torch_dtype": 0.4, "bos_token": 0.03, "eos_token": 0.25, "bos_token_id": 0.03,
            "eos_token_id": 0.25, "chat_template_hash": 0.3}
VOCAB_PADDED = 0.2  # the target's vocabulary is the base's plus at most PAD_LIMIT tokens
VOCAB_OTHER = 0.002
PAD_LIMIT = 128
ADDED_IS_CHANGE = frozenset({"chat_template_hash", "bos_token", "eos_token", "rope_scaling"})
PARAMS_OFF = 0.05  # total parameters differ by more than PARAMS_TOLERANCE
PARAMS_TOLERANCE = 0.02
MAX_GROUPS = 32  # base fingerprint groups kept per target fingerprint, best first
MIN_LOG_RATIO = -14.0  # groups this much less likely than the best are dropped
# GGUF and llama.cpp name some architectures differently from transformers' model_type.
ARCH_ALIASES = {"mistral": "llama", "deepseek2": "deepseekv3", "qwen3moe": "qwen3moe",
                "qwen2vl": "qwen25vl", "gptoss": "gptoss", "gemma3text": "gemma3"}
FACTS = (*SHAPE, "architecture", "model_type", "vocab_size", "max_positions", "rope_theta", "rope_scaling",
         "torch_dtype", "bos_token", "eos_token", "bos_token_id", "eos_token_id", "chat_template_hash",
         "params_total", "quant_method")
OUTPUT = ["child_id", "parent_id", "relation", "score", "candidate_rank"]


def _frame(table: Any) -> pd.DataFrame:
    return table.to_pandas() if isinstance(table, pa.Table) else pd.DataFrame(table)


def _configs(table: Any) -> pd.DataFrame:
    """Config rows with every fact column (absent ones null), one row per model."""
    frame = _frame(table).drop_duplicates("model_id")
    return frame.reindex(columns=["model_id", *FACTS, "name_or_path"])


def _root_map(lineage: Any) -> dict[str, str]:
    """Lower-cased ``model_id -> root_id`` of declared models (``child_id`` is accepted too)."""
    frame = _frame(lineage) if lineage is not None else pd.DataFrame(columns=["model_id", "root_id"])
    frame = frame.rename(columns={"child_id": "model_id"})
    return dict(zip(frame["model_id"].astype(str).str.lower(), frame["root_id"].astype(str).str.lower(),
                    strict=True))


def _resolve_names(names: pd.Series, roots: dict[str, str]) -> pd.Series:
    """The root each ``_name_or_path`` points at: a declared model's root, else the name itself."""
    lower = names.astype("string").str.lower()
    return lower.map(lambda n: roots.get(n, n) if isinstance(n, str) else None).astype("string")


def family_key(model_type: pd.Series) -> pd.Series:
    """The join key: model type lower-cased without ``_``/``-``, GGUF spellings mapped."""
    key = model_type.astype("string").str.lower().str.replace(r"[_\-.]", "", regex=True)
    return key.map(lambda k: ARCH_ALIASES.get(k, k) if isinstance(k, str) else k).astype("string")


def _seconds(values: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(values, utc=True)
    out = np.full(len(stamps), np.iinfo(np.int64).max // 2, dtype=np.int64)  # unknown: very late
    known = stamps.notna().to_numpy()
    if known.any():  # whatever the unit (s, ms, us, ns), as whole seconds
        out[known] = ((stamps[known] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy()
    return out


class _Facts:
    """Distinct fingerprints, each fact as int codes (-1: unknown) or floats (nan), for fast pairing."""

    NUMERIC = ("vocab_size", "params_total")

    def __init__(self, distinct: pd.DataFrame) -> None:
        self.key = family_key(distinct["model_type"])
        self.codes, self.values = {}, {}
        for name in FACTS:
            if name not in self.NUMERIC:
                self.codes[name], self.values[name] = pd.factorize(distinct[name].astype("string"))
        self.numbers = {name: pd.to_numeric(distinct[name], errors="coerce").to_numpy(dtype=float)
                        for name in self.NUMERIC}
        self.quant = distinct["quant_method"].astype("string").to_numpy(dtype=object, na_value=None)


def _fingerprints(configs: pd.DataFrame) -> tuple[_Facts, np.ndarray]:
    """(distinct fingerprints, each config row's fingerprint number)."""
    facts = configs.reindex(columns=list(FACTS)).astype("string")
    hashes = pd.util.hash_pandas_object(facts, index=False).to_numpy()
    _, first, codes = np.unique(hashes, return_index=True, return_inverse=True)
    return _Facts(facts.iloc[first].reset_index(drop=True)), codes.reshape(-1)


class Changes:
    """What derivatives change, per soft fact: how often, and to which values.

    ``rate[name]`` is P(a derivative's value differs from its root's); ``to[name]`` maps a value
    to P(that value | a change), so a change to a generic value (a ChatML template, float16) is
    cheap and a change to another base's own template or tokens is not. Without declared edges to
    learn from, the fixed ``MISMATCH`` rates apply and every new value is equally likely.
    """

    def __init__(self, rate: dict[str, float] | None = None, to: dict[str, pd.Series] | None = None,
                 unseen: float = 1.0, name_agree: float = NAME_AGREE) -> None:
        self.rate = {**MISMATCH, **(rate or {})}
        self.to = to or {}
        self.unseen = unseen
        self.name_agree = name_agree

    def log_change(self, facts: _Facts, name: str) -> np.ndarray:
        """log P(change to value) per value code of ``name`` in ``facts``."""
        values = pd.Series(np.asarray(facts.values[name], dtype=object))
        share = values.map(self.to[name]).fillna(self.unseen).to_numpy(dtype=float) if name in self.to \
            else np.ones(len(values))
        # one spare entry, so an all-unknown column (no codes) can still be indexed
        return np.log(self.rate[name] * np.maximum(np.append(share, 1.0), 1e-9))


def learn_changes(configs: Any, declared: Any, *, smoothing: float = 1.0) -> Changes:
    """:class:`Changes` learned from declared edges (``child_id, root_id``) and their configs."""
    configs = _configs(configs).set_index("model_id")
    declared = _frame(declared)
    both = declared[declared["child_id"].isin(configs.index) & declared["root_id"].isin(configs.index)]
    rate, to, unseen = {}, {}, 1.0
    for name in MISMATCH:
        column = configs[name].astype("string")
        child, root = column.reindex(both["child_id"]), column.reindex(both["root_id"])
        comparable = child.notna().to_numpy() & (root.notna().to_numpy() | (name in ADDED_IS_CHANGE))
        changed = comparable & (child.fillna("\x00").to_numpy() != root.fillna("\x00").to_numpy())
        child = child.to_numpy(dtype=object, na_value=None)
        n, k = int(comparable.sum()), int(changed.sum())
        rate[name] = (k + smoothing) / (n + 2 * smoothing)
        counts = pd.Series(child[changed]).value_counts()
        to[name] = (counts + smoothing) / (k + smoothing * (len(counts) + 1))
        unseen = min(unseen, smoothing / (k + smoothing * (len(counts) + 1)))
    return Changes(rate, to, unseen, _name_agreement(configs, declared, smoothing))


def _name_agreement(configs: pd.DataFrame, declared: pd.DataFrame, smoothing: float) -> float:
    """Share of declared models whose ``_name_or_path`` resolves to their declared root, among
    those whose name resolves to any root at all (smoothed; ``NAME_AGREE`` without evidence)."""
    names = configs["name_or_path"].reindex(declared["child_id"])
    resolved = _resolve_names(names.reset_index(drop=True), _root_map(declared))
    roots = declared["root_id"].astype(str).str.lower().to_numpy()
    known = resolved.isin(set(roots)).to_numpy(dtype=bool)
    if not known.any():
        return NAME_AGREE
    agree = resolved.fillna("").to_numpy(dtype=object) == roots
    return float((int((agree & known).sum()) + smoothing) / (int(known.sum()) + 2 * smoothing))


def _log_likelihood(facts: _Facts, t: np.ndarray, b: np.ndarray, changes: Changes) -> np.ndarray:
    """log L(target fingerprint t | base fingerprint b) per pair; -inf where shapes differ."""
    ll = np.zeros(len(t))
    for name in SHAPE:
        tv, bv = facts.codes[name][t], facts.codes[name][b]
        ll[(tv >= 0) & (bv >= 0) & (tv != bv)] = -np.inf
    for name in MISMATCH:
        tv, bv = facts.codes[name][t], facts.codes[name][b]
        # a template or token the target has and the base lacks was added: a change
        base_known = True if name in ADDED_IS_CHANGE else bv >= 0
        changed = (tv >= 0) & base_known & (tv != bv)
        ll += np.where(changed, changes.log_change(facts, name)[np.maximum(tv, 0)], 0.0)
    tv, bv = facts.numbers["vocab_size"][t], facts.numbers["vocab_size"][b]
    known = ~np.isnan(tv) & ~np.isnan(bv)
    padded = known & (tv > bv) & (tv - bv <= PAD_LIMIT)
    ll += np.where(padded, math.log(VOCAB_PADDED), np.where(known & (tv != bv), math.log(VOCAB_OTHER), 0.0))
    # Packed quantized weights change the safetensors total; GGUF headers count real parameters.
    tp, bp = facts.numbers["params_total"][t], facts.numbers["params_total"][b]
    tq, bq = facts.quant[t], facts.quant[b]
    comparable = ((tq == None) | (tq == "gguf")) & (bq == None) & (bp > 0) & ~np.isnan(tp)  # noqa: E711
    off = comparable & (np.abs(tp - bp) > PARAMS_TOLERANCE * np.where(bp > 0, bp, 1))
    return ll + np.where(off, math.log(PARAMS_OFF), 0.0)


def _group_pairs(facts: _Facts, target_fps: np.ndarray, base_fps: np.ndarray,
                 changes: Changes) -> pd.DataFrame:
    """Scored (target fingerprint, base fingerprint) pairs sharing a family key, best kept."""
    left = pd.DataFrame({"key": facts.key.to_numpy()[target_fps], "tfp": target_fps}).dropna()
    right = pd.DataFrame({"key": facts.key.to_numpy()[base_fps], "bfp": base_fps}).dropna()
    pairs = left.merge(right, on="key")[["tfp", "bfp"]]
    ll = _log_likelihood(facts, pairs["tfp"].to_numpy(), pairs["bfp"].to_numpy(), changes)
    pairs = pairs.assign(ll=ll)[np.isfinite(ll)]
    best = pairs.groupby("tfp")["ll"].transform("max")
    pairs = pairs[pairs["ll"] >= best + MIN_LOG_RATIO]
    pairs = pairs.sort_values(["tfp", "ll"], ascending=[True, False])
    return pairs[pairs.groupby("tfp").cumcount() < MAX_GROUPS].reset_index(drop=True)


class _BaseIndex:
    """Bases sorted by (fingerprint group, creation time), with running sums and top-k per group.

    Two weights per base: its prior, and its prior times ``exp((created - origin) / tau)``. The
    recency factor ``exp(-(t - created) / tau)`` of a target created at ``t`` then factors out of
    every sum, so the mass of a group's bases created before ``t`` and their best ``top`` by each
    weight are read from prefix arrays with one binary search.
    """

    def __init__(self, group: np.ndarray, created: np.ndarray, prior: np.ndarray, top: int,
                 tau: float) -> None:
        order = np.lexsort((created, group))
        self.order, self.group, self.created = order, group[order], created[order]
        self.origin = float(self.created.min()) if len(order) else 0.0
        prior = prior[order]
        recent = prior * np.exp((self.created - self.origin) / tau)
        self.cum = np.cumsum(prior)
        self.cum_recent = np.cumsum(recent)
        n_groups = int(group.max()) + 1 if len(group) else 0
        self.start = np.searchsorted(self.group, np.arange(n_groups + 1))
        self.top = np.concatenate([self._running_top(prior, top), self._running_top(recent, top)], axis=1)

    def _running_top(self, weight: np.ndarray, top: int) -> np.ndarray:
        """[row, k]: the k-th heaviest base among its group's rows up to this one (-1: none)."""
        out = np.full((len(weight), top), -1, dtype=np.int64)
        group = self.group.tolist()
        values = weight.tolist()
        current: list[int] = []
        previous = -1
        for row in range(len(values)):  # one pass over bases (not pairs): 100,000 take ~0.2 s
            if group[row] != previous:
                current, previous = [], group[row]
            if len(current) < top or values[row] > values[current[-1]]:
                current.append(row)
                current.sort(key=lambda r: -values[r])
                del current[top:]
            out[row, :len(current)] = current
        return out

    def lookup(self, group: np.ndarray, time: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(prior mass, recency-weighted mass, top rows) of each group's bases created by ``time``."""
        lo, hi = self.start[group], self.start[group + 1]
        pos = lo + _searchsorted_grouped(self.created, lo, hi, time)
        last = np.maximum(pos - 1, 0)
        has = pos > lo
        first = np.maximum(lo - 1, 0)
        mass = np.where(has, self.cum[last] - np.where(lo > 0, self.cum[first], 0.0), 0.0)
        recent = np.where(has, self.cum_recent[last] - np.where(lo > 0, self.cum_recent[first], 0.0), 0.0)
        return mass, recent, np.where(has[:, None], self.top[last], -1)


def _searchsorted_grouped(created: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                          time: np.ndarray) -> np.ndarray:
    """Per query, how many of ``created[lo:hi]`` (sorted) are <= ``time`` (vectorised bisection)."""
    left, right = lo.copy(), hi.copy()
    while True:
        active = left < right
        if not active.any():
            return left - lo
        mid = (left + right) // 2
        go_right = active & (created[np.minimum(mid, len(created) - 1)] <= time)
        left = np.where(go_right, mid + 1, left)
        right = np.where(active & ~go_right, mid, right)


def _namespace(frame: pd.DataFrame) -> pd.Series:
    """The organisation column if given, else the id's namespace (``org/name`` -> ``org``)."""
    if "organisation" in frame:
        return frame["organisation"].astype("string")
    return frame["model_id"].astype("string").str.split("/").str[0]


class _Scorer:
    """Prior mass and candidates of base groups for targets: by fingerprint group, and by
    (group, organisation) for the same-organisation boost."""

    def __init__(self, base_fp: np.ndarray, base_org: np.ndarray, created: np.ndarray, prior: np.ndarray,
                 top: int, tau: float, share: float) -> None:
        self.tau, self.share = tau, share
        self.groups = _BaseIndex(base_fp, created, prior, top, tau)
        self.sub_key = base_fp.astype(np.int64) * (int(base_org.max(initial=0)) + 2) + base_org
        self.sub_codes, sub = np.unique(self.sub_key, return_inverse=True)
        self.orgs = _BaseIndex(sub.reshape(-1), created, prior, top, tau)
        self.orgs.origin = self.groups.origin = min(self.groups.origin, self.orgs.origin)
        self.n_org = int(base_org.max(initial=0)) + 2

    def mass(self, index: _BaseIndex, group: np.ndarray, time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(age-weighted prior mass, top rows as base positions) of ``group`` before ``time``."""
        mass, recent, top = index.lookup(group, time)
        decay = np.exp(-(time - index.origin) / self.tau)
        return (1 - self.share) * mass + self.share * decay * recent, np.where(top >= 0, index.order[top], -1)

    def org_groups(self, group: np.ndarray, org: np.ndarray) -> np.ndarray:
        """Sub-group number of (fingerprint group, organisation), -1 where no such base."""
        key = group.astype(np.int64) * self.n_org + org
        pos = np.searchsorted(self.sub_codes, key)
        last = len(self.sub_codes) - 1
        found = (pos <= last) & (self.sub_codes[np.minimum(pos, last)] == key)
        return np.where(found, pos, -1)


def infer_bases(configs: Any, bases: Any, targets: Any, *, top: int = 3,
                prior_floor: float = PRIOR_FLOOR, null_prior: float = NULL_PRIOR,
                recency_days: float = RECENCY_DAYS, recency_share: float = RECENCY_SHARE,
                same_org_boost: float = SAME_ORG_BOOST, changes: Changes | None = None,
                lineage: Any = None) -> pd.DataFrame:
    """Candidate bases of ``targets``: ``child_id, parent_id, relation, score, candidate_rank``.

    ``configs``: ``hub_configs`` rows (``model_id`` + fingerprint facts) of targets and bases;
    ``bases``: ``model_id, created_at, derivatives`` (declared derivatives: the popularity prior)
    and optionally ``organisation``; ``targets``: ``model_id, created_at`` [, ``organisation``]
    (default organisation: the id's namespace). ``changes``: what derivatives change, learned
    from declared edges by :func:`learn_changes` (default: fixed rates). ``lineage``: ``model_id,
    root_id`` of declared models, so a ``_name_or_path`` naming a derivative points at its root
    (default: names count only when they name a base). Tables may be pandas or
    pyarrow. A target without facts, or whose facts match no base, gets no row; a base never
    matches itself.
    """
    configs, bases, targets = _configs(configs), _frame(bases), _frame(targets)
    base_rows = bases.drop_duplicates("model_id").merge(configs, on="model_id", how="inner")
    target_rows = targets.drop_duplicates("model_id").merge(configs, on="model_id", how="inner")
    if base_rows.empty or target_rows.empty:
        return pd.DataFrame({name: pd.Series(dtype=t) for name, t in
                             zip(OUTPUT, ("string", "string", "string", "float64", "int64"), strict=True)})
    changes = changes or Changes()
    facts, codes = _fingerprints(pd.concat([base_rows, target_rows], ignore_index=True))
    base_fp, target_fp = codes[:len(base_rows)], codes[len(base_rows):]
    pairs = _group_pairs(facts, np.unique(target_fp), np.unique(base_fp), changes)
    prior = np.nan_to_num(pd.to_numeric(base_rows["derivatives"], errors="coerce").to_numpy(dtype=float)) \
        if "derivatives" in base_rows else np.zeros(len(base_rows))
    prior = prior + prior_floor
    orgs = pd.factorize(pd.concat([_namespace(base_rows), _namespace(target_rows)], ignore_index=True))[0]
    base_org, target_org = orgs[:len(base_rows)], orgs[len(base_rows):]
    base_created, target_created = _seconds(base_rows["created_at"]), _seconds(target_rows["created_at"])
    scorer = _Scorer(base_fp, base_org, base_created, prior, top, recency_days * 86400.0, recency_share)
    t_row, g, ll = _expand(target_fp, pairs)
    t_time, weight = target_created[t_row], np.exp(ll)
    mass, group_top = scorer.mass(scorer.groups, g, t_time)
    sub = scorer.org_groups(g, target_org[t_row])
    org_mass, org_top = scorer.mass(scorer.orgs, np.maximum(sub, 0), t_time)
    org_mass, org_top = np.where(sub >= 0, org_mass, 0.0), np.where(sub[:, None] >= 0, org_top, -1)
    z = np.bincount(t_row, weights=weight * (mass + (same_org_boost - 1) * org_mass),
                    minlength=len(target_rows)) + null_prior
    candidates = np.concatenate([group_top, org_top], axis=1)
    rows = np.repeat(np.arange(len(t_row)), candidates.shape[1])
    base_index = candidates.reshape(-1)
    keep = base_index >= 0
    rows, base_index = rows[keep], base_index[keep]
    child = t_row[rows]

    def share(t: np.ndarray, b: np.ndarray, log_weight: np.ndarray) -> np.ndarray:
        """Posterior share of base ``b`` for target ``t`` given the fingerprint alone."""
        age = target_created[t] - base_created[b]
        boost = np.where(base_org[b] == target_org[t], same_org_boost, 1.0)
        return np.exp(log_weight) * prior[b] * boost * (
            (1 - recency_share) + recency_share * np.exp(-age / (recency_days * 86400.0))) / z[t]

    score = share(child, base_index, ll[rows])
    named_t, named_b = _named_bases(target_rows, base_rows, target_created, base_created, lineage)
    if len(named_t):
        named_ll = _log_likelihood(facts, target_fp[named_t], base_fp[named_b], changes)
        fits = np.isfinite(named_ll)  # a name pointing at another shape is wrong: ignored
        named_t, named_b, named_ll = named_t[fits], named_b[fits], named_ll[fits]
        a = changes.name_agree
        has_name = np.zeros(len(target_rows), dtype=bool)
        has_name[named_t] = True
        score = np.where(has_name[child], (1 - a) * score, score)
        child = np.concatenate([child, named_t])
        base_index = np.concatenate([base_index, named_b])
        score = np.concatenate([score, a + (1 - a) * share(named_t, named_b, named_ll)])
    return _ranked(target_rows, base_rows, child, base_index, score, top)


def _named_bases(target_rows: pd.DataFrame, base_rows: pd.DataFrame, target_created: np.ndarray,
                 base_created: np.ndarray, lineage: Any) -> tuple[np.ndarray, np.ndarray]:
    """(target row, base row) where the target's ``_name_or_path`` resolves to a base that is not
    the target itself and not younger than it."""
    resolved = _resolve_names(target_rows["name_or_path"], _root_map(lineage))
    base_ids = base_rows["model_id"].astype(str).str.lower()
    position = pd.Series(np.arange(len(base_rows)), index=base_ids)
    position = position[~position.index.duplicated()]
    base = resolved.map(position).to_numpy(dtype=float, na_value=np.nan)
    own = target_rows["model_id"].astype(str).str.lower().to_numpy()
    t = np.nonzero(~np.isnan(base))[0]
    b = base[t].astype(np.int64)
    keep = (base_ids.to_numpy()[b] != own[t]) & (
        base_created[b] <= target_created[t])
    return t[keep], b[keep]


def _ranked(target_rows: pd.DataFrame, base_rows: pd.DataFrame, child: np.ndarray, base_index: np.ndarray,
            score: np.ndarray, top: int) -> pd.DataFrame:
    """The best ``top`` distinct candidates per target, ranked, with the relation guess."""
    child_ids = target_rows["model_id"].to_numpy()[child]
    parent_ids = base_rows["model_id"].to_numpy()[base_index]
    out = pd.DataFrame({"child_id": child_ids, "parent_id": parent_ids, "score": score, "_t": child})
    out = out[child_ids != parent_ids]
    out = out.sort_values(["_t", "score"], ascending=[True, False], kind="stable")
    out = out.drop_duplicates(["_t", "parent_id"])
    out["candidate_rank"] = out.groupby("_t").cumcount() + 1
    out = out[out["candidate_rank"] <= top]
    quantized = target_rows["quant_method"].notna().to_numpy()[out["_t"].to_numpy()]
    out["relation"] = np.where(quantized, "quantized", "finetune")
    out["score"] = out["score"].clip(0.0, 1.0)
    return out[OUTPUT].reset_index(drop=True).astype({"candidate_rank": "int64"})


def _expand(target_fp: np.ndarray, pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(target row, base group, log-likelihood) for every target and each of its groups."""
    pairs = pairs.sort_values("tfp", kind="stable")
    tfp = pairs["tfp"].to_numpy()
    n_fp = int(max(target_fp.max(initial=0), tfp.max(initial=0))) + 1
    start = np.searchsorted(tfp, np.arange(n_fp + 1))
    counts = (start[1:] - start[:-1])[target_fp]
    t_row = np.repeat(np.arange(len(target_fp)), counts)
    first = np.repeat(start[:-1][target_fp], counts)
    offset = np.arange(len(t_row)) - np.repeat(np.cumsum(counts) - counts, counts)
    pick = first + offset
    return t_row, pairs["bfp"].to_numpy()[pick], pairs["ll"].to_numpy()[pick]


def evaluate(predictions: pd.DataFrame, truth: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD, *,
             answer: str = "root_id") -> pd.DataFrame:
    """Precision and recall of the top candidate per relation, against held-back declarations.

    ``truth``: ``child_id, relation`` and the accepted answer in column ``answer`` (the declared
    root by default; the declared parent, or an organisation when the caller has mapped
    ``predictions.parent_id`` to organisations, work the same way). A prediction is the rank-1
    candidate when its score >= ``threshold``; recall is over every truth row (a target without
    facts is a miss), precision over the predictions made. One row per relation plus ``all``.
    """
    best = predictions[(predictions["candidate_rank"] == 1) & (predictions["score"] >= threshold)]
    best = best[["child_id", "parent_id"]].rename(columns={"parent_id": "predicted"})
    merged = truth.merge(best, on="child_id", how="left")
    merged["made"] = merged["predicted"].notna()
    merged["correct"] = merged["made"] & (merged["predicted"] == merged[answer])
    parts = [merged.assign(relation="all"), merged] if len(merged) else [merged]
    out = pd.concat(parts).groupby("relation", sort=False).agg(
        targets=("child_id", "size"), predicted=("made", "sum"), correct=("correct", "sum")).reset_index()
    out["precision"] = out["correct"] / out["predicted"].where(out["predicted"] > 0)
    out["recall"] = out["correct"] / out["targets"].where(out["targets"] > 0)
    out["threshold"] = threshold
    return out


def precision_recall(predictions: pd.DataFrame, truth: pd.DataFrame,
                     thresholds: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
                     answer: str = "root_id") -> pd.DataFrame:
    """:func:`evaluate` at each threshold, stacked (a precision-recall table per relation)."""
    return pd.concat([evaluate(predictions, truth, t, answer=answer) for t in thresholds], ignore_index=True)


def edges_table(predictions: pd.DataFrame, snapshot_date: Any, snapshot_id: str | None = None,
                method_version: str = METHOD_VERSION) -> pa.Table:
    """Predictions as ``hub_edges`` rows (``kind='inferred'``), typed to the schema."""
    from observatory.schema import HUB_EDGES

    frame = predictions.assign(kind="inferred", method_version=method_version,
                               snapshot_date=pd.to_datetime(snapshot_date).date(), snapshot_id=snapshot_id)
    return pa.Table.from_pandas(frame[HUB_EDGES.names], schema=HUB_EDGES, preserve_index=False)
