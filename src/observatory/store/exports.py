"""Files the CLI writes outside the snapshot store (synthetic votes)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from observatory.errors import InputError, OutputError

WINNERS = pa.array(["model_a", "model_b", "tie", "tie (bothbad)"])
SUFFIXES = (".parquet", ".csv", ".jsonl")


def arena_layout(votes: pa.Table) -> pa.Table:
    """A votes table in the public arena release layout (``winner`` spelled as released)."""
    index = pc.index_in(votes.column("outcome"), value_set=pa.array(["a", "b", "tie", "both_bad"]))
    keep = [n for n in votes.column_names if n not in ("outcome", "snapshot_id", "source")]
    return votes.select(keep).append_column("winner", WINNERS.take(index))


def write_votes(votes: pa.Table, path: Path) -> Path:
    """Write votes as .parquet, .csv or .jsonl (by suffix), atomically (temp file, rename)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unsupported vote file type '{suffix}'; use {', '.join(SUFFIXES)}")
    table = arena_layout(votes)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".parquet":
            pq.write_table(table, tmp, compression="zstd")
        elif suffix == ".csv":
            pa_csv.write_csv(table, tmp)
        else:
            table.to_pandas().to_json(tmp, orient="records", lines=True, date_format="iso")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(path, f"cannot write ({exc.strerror})") from exc
    return path
