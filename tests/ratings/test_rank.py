"""Rank by upper bound and the worst rank an interval allows (``ratings.rank``), worked out by hand."""

from __future__ import annotations

import numpy as np

from observatory.ratings.rank import rank_by_upper_bound, worst_rank


def test_rank_by_upper_bound() -> None:
    low = np.array([10.0, 8.0, 2.0, 1.0, -5.0])
    high = np.array([14.0, 12.0, 9.0, 3.0, 0.5])
    # Model 3 (upper 3): models 0, 1 (lows 10, 8) are surely better, model 2 (low 2) is not.
    assert rank_by_upper_bound(low, high).tolist() == [1, 1, 2, 3, 5]
    # Model 2 (lower 2): models 0, 1, 3 (uppers 14, 12, 3) may be better -> rank 4 at worst.
    assert worst_rank(low, high).tolist() == [2, 3, 4, 4, 5]


def test_disjoint_intervals_give_one_rank_each() -> None:
    low, high = np.array([0.0, 10.0, 20.0]), np.array([5.0, 15.0, 25.0])
    assert rank_by_upper_bound(low, high).tolist() == [3, 2, 1]
    assert worst_rank(low, high).tolist() == [3, 2, 1]


def test_overlapping_intervals_share_the_first_rank() -> None:
    low, high = np.array([1.0, 2.0, 3.0, 0.0]), np.array([4.0, 5.0, 6.0, 7.0])
    assert rank_by_upper_bound(low, high).tolist() == [1, 1, 1, 1]
    assert worst_rank(low, high).tolist() == [4, 4, 4, 4]


def test_touching_bounds_are_not_surely_better() -> None:
    # model 0's lower bound equals model 1's upper bound: neither is surely better
    low, high = np.array([5.0, 0.0]), np.array([10.0, 5.0])
    assert rank_by_upper_bound(low, high).tolist() == [1, 1]
    assert worst_rank(low, high).tolist() == [2, 2]


def test_one_model_and_input_order() -> None:
    assert rank_by_upper_bound(np.array([3.0]), np.array([4.0])).tolist() == [1]
    assert worst_rank(np.array([3.0]), np.array([4.0])).tolist() == [1]
    # the result follows the input order, not the rating order
    low, high = np.array([20.0, 0.0, 10.0]), np.array([25.0, 5.0, 15.0])
    assert rank_by_upper_bound(low, high).tolist() == [1, 3, 2]
    assert worst_rank(low, high).tolist() == [1, 3, 2]
