"""Synthetic votes from a published board: read the board file, take one category's ratings as
the truth, draw votes (``ratings.simulate``) and write them as a vote file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from observatory.errors import InputError
from observatory.ratings.simulate import Simulation, simulate_votes
from observatory.sources.detect import parse_file
from observatory.store.exports import write_votes


def votes_from_board(board_file: Path, out_path: Path, n_votes: int, seed: int = 0,
                     category: str = "full", tie_rate: float = 0.3,
                     skew: float = 1.0) -> tuple[pa.Table, int]:
    """Write the votes to ``out_path``; returns them and how many models they are among."""
    parsed = parse_file(board_file)
    entries = parsed.arrow.get("board_entries")
    if entries is None:
        raise InputError(board_file, f"not a board with ratings (read as {parsed.format})")
    frame = entries.to_pandas()
    frame = frame[(frame["category"] == category) & ~frame["style_control"].astype(bool)]
    frame = frame.dropna(subset=["rating"]).drop_duplicates("model_key")
    if len(frame) < 2:
        raise InputError(board_file, f"fewer than 2 rated models in category '{category}'")
    sim = Simulation(n_votes=n_votes, seed=seed, tie_rate=tie_rate, skew=skew,
                     end=parsed.snapshot_date)
    votes = simulate_votes(frame["model_key"].tolist(), frame["rating"].to_numpy(np.float64), sim)
    write_votes(votes, out_path)
    return votes, len(frame)
