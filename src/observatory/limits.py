"""The bounds of every numeric option, and the pattern of every name option, defined once.

The command line's options (Typer's ``min``/``max``) and the JSON API's parameters (FastAPI's
``ge``/``le``, ``pattern``) read them from here, so the two never disagree. A bound also keeps a
value from reaching the library that it cannot carry: an integer beyond 64 bits ends in a query
engine's type error, a period of 10^20 days in a date overflow; out of bounds, it is a usage line.

``observatory --help`` imports this module: the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bound:
    """Inclusive bounds of one option."""

    low: int | float
    high: int | float

    def option(self) -> dict[str, Any]:
        """For ``typer.Option(**bound.option())``."""
        return {"min": self.low, "max": self.high}

    def query(self) -> dict[str, Any]:
        """For ``fastapi.Query(**bound.query())``."""
        return {"ge": self.low, "le": self.high}

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.low:,} to {self.high:,}"


# Views
TOP_N = Bound(1, 200)  # top --n, chart top --n, /api/top?n=
ORG_RANKS = Bound(1, 50)  # /api/org-ranks?orgs= (the organisations an org-rank chart draws)
BURST_DAYS = Bound(1, 3660)  # burst --days: ten years after a model's creation
# Lineage
INFER_TOP = Bound(1, 10)  # infer-bases --top: candidates kept per model
# Ratings
BOOTSTRAP_ROUNDS = Bound(1, 100_000)  # rate --bootstrap
MIN_VOTES = Bound(0, 1_000_000_000)  # rate --min-votes
SEED = Bound(0, 2**32 - 1)  # rate --seed, simulate-votes --seed: NumPy's seed range
VOTES = Bound(1, 10_000_000)  # simulate-votes --votes: what fits in memory with room to spare
TIE_RATE = Bound(0.0, 0.5)  # simulate-votes --tie-rate
SKEW = Bound(0.0, 10.0)  # simulate-votes --skew: an exponent of the rank
# Live sources
TIMEOUT = Bound(0.1, 3600.0)  # update --timeout, run --timeout: seconds per request
PAGE_SIZE = Bound(1, 1000)  # update --page-size: the Hub API's own maximum
ENRICH = Bound(0, 10_000_000)  # update --enrich: models whose config files are read
MIN_DOWNLOADS = Bound(0, 10**15)  # update --min-downloads
MIN_LIKES = Bound(0, 10**9)  # update --min-likes
EVERY_DAYS = Bound(1, 3660)  # backfill --every (7d, 2w): days between two kept dump files
# Serving
PORT = Bound(1, 65535)  # serve --port
# The fake Hub (fakehub: tests, demos, benchmarks)
ANY_PORT = Bound(0, 65535)  # fakehub --port: 0 picks a free one
FAKE_MODELS = Bound(0, 50_000_000)  # fakehub --models
COUNT = Bound(0, 10**9)  # fakehub --rate-limit, --timeout-every, --truncate-every, --repeat-every
PROBABILITY = Bound(0.0, 1.0)  # fakehub --error-rate
SECONDS = Bound(0.0, 86_400.0)  # fakehub --rate-window, --timeout-seconds

# Names (a board, category, source, index version, organisation, pipeline tag): what the API
# accepts, and the command line with it.
NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
