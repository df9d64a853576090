"""Benchmark: ratings from 3,000,000 votes, ours against arena-rank (the reference), side by side.

1. Votes: ``--votes`` (default 3,000,000) drawn from a real published board (arena-catalog text
   board of 2025-05-24, category full: 236 models) with ``simulate_votes`` (ties, top models
   meeting more often). The board's ratings are the truth.
2. Ours: votes table -> pair counts -> Bradley–Terry fit -> ``--rounds`` (default 1,000) bootstrap
   rounds, timed end to end. Target: < 10 s on 2 cores.
3. arena-rank 0.1.1 on the same votes: ``PairDataset.from_pandas``, fit, then its bootstrap
   (multiprocessing pool of 2; "spawn" start method, since forking after JAX starts its threads
   deadlocks). Its bootstrap recompiles the L-BFGS loop for every round, a few seconds each, so
   1,000 rounds take hours: unless ``--reference-rounds 1000`` is given, it is timed at 10 and
   ``--reference-rounds`` (default 50) rounds and the 1,000-round time is EXTRAPOLATED linearly
   from those two (stated in the output). Target: ours at least 20x faster.
4. Agreement (aligned scale: both unanchored, 400/ln 10 * theta + 1000): ratings; sandwich
   bounds; bootstrap bounds when we refit arena-rank's own resamples (same multinomial draw).
5. Recovery: share of models whose true rating (centred like the fit) is inside our 95%
   bootstrap interval, Spearman correlation of ranks, share of true ranks inside the rank
   interval [rank by upper bound, worst rank].

Run: ``make bench-ratings``. Writes ``benchmarks/results/ratings.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
BOARD = REPO.parent / "shared" / "data" / "lmarena-official" / "arena-catalog" / "text" / \
    "leaderboard-text_2025-05-24.json"
RESULTS = REPO / "benchmarks" / "results" / "ratings.json"
WINNER = {"a": "model_a", "b": "model_b", "tie": "tie", "both_bad": "both_bad"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(votes: Any, rounds: int, seed: int) -> dict[str, Any]:
    from observatory.ratings import bt, intervals
    from observatory.ratings.pairs import pair_counts

    start = time.perf_counter()
    pairs = pair_counts(votes)
    aggregated = time.perf_counter()
    fit = bt.fit(pairs)
    fitted = time.perf_counter()
    samples = intervals.bootstrap(pairs, fit.theta, rounds, seed)
    low, high = intervals.percentile_bounds(samples)
    done = time.perf_counter()
    return {"pairs": pairs, "theta": fit.theta, "low": low, "high": high,
            "seconds": {"pair_counts": aggregated - start, "fit": fitted - aggregated,
                        "bootstrap": done - fitted, "total": done - start}}


def reference(votes: Any, rounds: int, seed: int) -> dict[str, Any]:
    from arena_rank.models.bradley_terry import BradleyTerry
    from arena_rank.utils.data_utils import PairDataset

    frame = votes.select(["model_a", "model_b", "outcome"]).to_pandas()
    frame["winner"] = frame["outcome"].map(WINNER)
    start = time.perf_counter()
    dataset = PairDataset.from_pandas(frame)
    prepared = time.perf_counter()
    model = BradleyTerry(len(dataset.competitors))
    model.fit(dataset)
    fitted = time.perf_counter()
    sandwich = model.compute_ratings_and_cis(dataset, ci_method="sandwich")
    timings, boot = {}, None
    for count in sorted({min(10, rounds), rounds}):
        began = time.perf_counter()
        boot = model.compute_ratings_and_cis(dataset, ci_method="bootstrap", num_bootstrap=count,
                                             seed=seed, n_jobs=2)
        timings[count] = time.perf_counter() - began
    return {"dataset": dataset, "sandwich": sandwich, "bootstrap": boot, "boot_timings": timings,
            "seconds": {"prepare": prepared - start, "fit": fitted - prepared}}


def reference_resamples(dataset: Any, pairs: Any, rounds: int, seed: int) -> np.ndarray:
    """arena-rank's multinomial draw (same JAX key and shape), pooled into our cells."""
    import jax

    total = float(np.sum(dataset.counts))
    draws = np.asarray(jax.random.multinomial(jax.random.PRNGKey(seed), n=int(total),
                                              p=dataset.counts / total,
                                              shape=(rounds, dataset.counts.shape[0]),
                                              dtype=np.float64))
    a, b = np.asarray(dataset.pairs)[:, 0], np.asarray(dataset.pairs)[:, 1]
    outcome = np.asarray(dataset.outcomes)
    first, second = np.minimum(a, b), np.maximum(a, b)
    cell = np.where(outcome == 0.5, 2, np.where(np.where(outcome == 1.0, a, b) == first, 0, 1))
    keys = pairs.first * pairs.n_models + pairs.second
    pair = np.searchsorted(keys, first * pairs.n_models + second)
    cells = np.zeros((rounds, len(keys), 3))
    np.add.at(cells, (slice(None), pair, cell), draws)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--votes", type=int, default=3_000_000)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--reference-rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not BOARD.exists():
        sys.exit(f"real data not found at {BOARD} (expected ../shared/data beside the repo)")
    from scipy.stats import spearmanr

    from observatory.ratings import bt, intervals
    from observatory.ratings.rank import rank_by_upper_bound, worst_rank
    from observatory.ratings.simulate import Simulation, elo_to_theta, simulate_votes

    board = json.loads(BOARD.read_text())["full"]
    models = sorted(board)
    truth = np.array([board[m]["rating"] for m in models])
    votes = simulate_votes(models, truth, Simulation(args.votes, seed=args.seed))
    rss_before = peak_rss_mb()
    mine = ours(votes, args.rounds, args.seed)
    rss_after = peak_rss_mb()
    pairs, theta, alpha = mine["pairs"], mine["theta"], bt.Scale().alpha
    true_theta = elo_to_theta(truth[[models.index(m) for m in pairs.models]])
    low, high = mine["low"], mine["high"]
    true_rank = 1 + np.argsort(np.argsort(-true_theta))
    recovery = {
        "coverage_95": float(np.mean((low <= true_theta) & (true_theta <= high))),
        "spearman": float(spearmanr(theta, true_theta).statistic),
        "true_rank_in_rank_interval": float(np.mean(
            (rank_by_upper_bound(low, high) <= true_rank) & (true_rank <= worst_rank(low, high)))),
        "max_abs_error_points": float(np.max(np.abs(theta - true_theta)) * alpha),
    }
    print(f"ours: {mine['seconds']['total']:.2f} s for {args.votes:,} votes, {pairs.n_models} "
          f"models, {len(pairs.first):,} pairs, fit + {args.rounds} bootstrap rounds", flush=True)

    multiprocessing.set_start_method("spawn", force=True)
    ref = reference(votes, args.reference_rounds, args.seed)
    timings = ref["boot_timings"]
    counts = sorted(timings)
    if args.rounds in timings:
        boot_time, extrapolated = timings[args.rounds], False
    else:
        slope = (timings[counts[-1]] - timings[counts[0]]) / (counts[-1] - counts[0])
        boot_time, extrapolated = timings[counts[-1]] + (args.rounds - counts[-1]) * slope, True
    ref_total = ref["seconds"]["prepare"] + ref["seconds"]["fit"] + boot_time

    sandwich = intervals.sandwich(pairs, theta)
    s_low, s_high = intervals.normal_bounds(theta, sandwich)
    shared = intervals.bootstrap(pairs, theta, counts[-1], 0,
                                 counts=reference_resamples(ref["dataset"], pairs, counts[-1],
                                                            args.seed))
    b_low, b_high = intervals.percentile_bounds(shared)

    def gap(values: np.ndarray, theirs: Any) -> float:
        return float(np.max(np.abs(values * alpha + 1000 - np.asarray(theirs))))

    agreement = {
        "ratings_max_abs_diff": gap(theta, ref["sandwich"]["ratings"]),
        "sandwich_bounds_max_abs_diff": max(gap(s_low, ref["sandwich"]["rating_lower"]),
                                            gap(s_high, ref["sandwich"]["rating_upper"])),
        "bootstrap_bounds_max_abs_diff_same_resamples": max(
            gap(b_low, ref["bootstrap"]["rating_lower"]),
            gap(b_high, ref["bootstrap"]["rating_upper"])),
        "bootstrap_rounds_compared": counts[-1],
    }
    result = {
        "votes": args.votes, "models": pairs.n_models, "pairs": len(pairs.first),
        "rounds": args.rounds, "board": BOARD.name,
        "ours_seconds": mine["seconds"],
        "ours_peak_rss_mb": rss_after, "rss_before_rating_mb": rss_before,
        "reference_seconds": {**ref["seconds"], "bootstrap_measured": timings,
                              "bootstrap_for_rounds": boot_time, "total": ref_total,
                              "bootstrap_extrapolated": extrapolated},
        "speedup": ref_total / mine["seconds"]["total"],
        "agreement_points": agreement, "recovery": recovery,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str))
    note = (f" (EXTRAPOLATED from {counts[0]} and {counts[-1]} measured rounds: "
            + ", ".join(f"{c} rounds {t:.1f} s" for c, t in timings.items()) + ")"
            if extrapolated else "")
    lines = [
        ("votes / models / pairs", f"{args.votes:,} / {pairs.n_models} / {len(pairs.first):,}"),
        (f"ours: fit + {args.rounds} bootstrap", f"{mine['seconds']['total']:.2f} s "
         + "(" + ", ".join(f"{k} {v:.2f}" for k, v in mine["seconds"].items() if k != "total")
         + ")"),
        (f"arena-rank: fit + {args.rounds} bootstrap", f"{ref_total:.1f} s{note}"),
        ("speedup", f"{result['speedup']:.0f}x"),
        ("peak RSS (process)", f"{rss_after:.0f} MB (before rating: {rss_before:.0f} MB)"),
        ("ratings max |diff|", f"{agreement['ratings_max_abs_diff']:.3f} points"),
        ("sandwich bounds max |diff|", f"{agreement['sandwich_bounds_max_abs_diff']:.3f} points"),
        (f"bootstrap bounds max |diff| ({counts[-1]} shared resamples)",
         f"{agreement['bootstrap_bounds_max_abs_diff_same_resamples']:.3f} points"),
        ("95% interval coverage of true ratings", f"{recovery['coverage_95']:.3f}"),
        ("Spearman (recovered vs true)", f"{recovery['spearman']:.4f}"),
        ("true rank inside rank interval", f"{recovery['true_rank_in_rank_interval']:.3f}"),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key:<{width}}  {value}")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
