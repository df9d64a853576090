"""Rank by upper bound: a model's rank is 1 + the number of models that are surely better.

"Surely better" means the other model's lower bound is above this model's upper bound, so models
whose intervals overlap share a rank (LMArena's "rank (UB)"). The worst rank a model could hold is
the number of models whose upper bound is not below its lower bound; [rank, worst] is its rank
interval.
"""

from __future__ import annotations

import numpy as np


def rank_by_upper_bound(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    sorted_low = np.sort(low)
    above = len(low) - np.searchsorted(sorted_low, high, side="right")
    return 1 + above


def worst_rank(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    sorted_high = np.sort(high)
    below = np.searchsorted(sorted_high, low, side="left")
    return len(low) - below
