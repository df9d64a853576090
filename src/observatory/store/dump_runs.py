"""A Hub dump file being turned into a snapshot: one part per row group plus a checkpoint,
finalized into one snapshot.

Layout: ``<home>/runs/dump-<key>/state.json`` and ``parts/m-<group>.parquet`` (``hub_models``
rows) beside ``parts/c-<group>.parquet`` (``hub_configs`` rows). A part is written under a
temporary name and renamed, then the checkpoint counts it (with its SHA-256), so a run killed at
any point goes on from its last counted row group.

Finalizing moves the parts into the snapshot as its tables, one file per row group
(``tables/hub_models/part-<group>.parquet``): a 2.5-million-model file is not read and written a
second time. The snapshot's content hash is the SHA-256 of the parts' hashes in row-group order,
so a resumed run and an uninterrupted one get the same snapshot id. A dump that lists a model
twice (none should) is rewritten into one file keeping each model's first row.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from observatory import METHOD_VERSION, __version__
from observatory.errors import StoreError
from observatory.sources.base import file_sha256
from observatory.store.hub_runs import reproducible_connection
from observatory.store.snapshots import ImportResult, Store

# Dictionaries only where values repeat (ids and dates do not), statistics only on what the
# views filter by: a third less time to write a 2.5-million-row snapshot.
_ENCODING: dict[str, Any] = {
    "use_dictionary": ["source", "author", "pipeline_tag", "library_name", "licence", "gated",
                       "architecture", "model_type", "base_relation", "tags", "base_models",
                       "quant_method", "torch_dtype", "bos_token", "eos_token",
                       "chat_template_hash"],
    "write_statistics": ["source", "snapshot_date"],
}


@dataclass
class DumpRun:
    folder: Path
    state: dict[str, Any]

    @classmethod
    def open(cls, store: Store, key: str, row_groups: int) -> DumpRun:
        """Resume the unfinished run of ``key`` (a file at one revision), or start one."""
        folder = store.home / "runs" / f"dump-{key}"
        state_path = folder / "state.json"
        if state_path.exists():
            try:
                state = json.loads(state_path.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise StoreError(f"{state_path}: unreadable checkpoint ({exc}); delete {folder} "
                                 "to start this file again") from exc
            if state.get("row_groups") == row_groups:
                return cls(folder, state)
            shutil.rmtree(folder, ignore_errors=True)  # another file under the same key
        (folder / "parts").mkdir(parents=True, exist_ok=True)
        run = cls(folder, {"key": key, "row_groups": row_groups, "done": [], "rows": 0,
                           "configs": 0, "hashes": {}, "started_at": datetime.now(UTC).isoformat(
                               timespec="seconds")})
        run.save()
        return run

    @property
    def resumed(self) -> bool:
        return bool(self.state["done"])

    def save(self) -> None:
        tmp = self.folder / "state.json.tmp"
        tmp.write_text(json.dumps(self.state, indent=1, sort_keys=True))
        os.replace(tmp, self.folder / "state.json")

    def is_done(self, group: int) -> bool:
        return group in self.state["done"]

    def write(self, group: int, models: pa.Table, configs: pa.Table) -> None:
        """One row group's rows, then the checkpoint that counts them."""
        for prefix, table in (("c", configs), ("m", models)):
            final = self.folder / "parts" / f"{prefix}-{group:06d}.parquet"
            tmp = final.with_suffix(".tmp")
            pq.write_table(table, tmp, compression="zstd", **_ENCODING)
            os.replace(tmp, final)
        self.state["hashes"][str(group)] = file_sha256(final)
        self.state["done"].append(group)
        self.state["rows"] += models.num_rows
        self.state["configs"] += configs.num_rows
        self.save()

    def finalize(self, store: Store, manifest: dict[str, Any],
                 known: dict[str, dict[str, Any]] | None = None) -> ImportResult:
        """The parts as one snapshot (``manifest`` gives format, date, origin, provenance);
        the run folder is removed once the snapshot is in place."""
        work = self.folder / "final"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        if self._duplicates():
            self._concat("m", work / "hub_models.parquet")
            content_hash = file_sha256(work / "hub_models.parquet")
        else:
            content_hash = self._move("m", work / "hub_models")
        self._move("c", work / "hub_configs")
        counts = {"hub_models": self.state["rows"],
                  **({"hub_configs": self.state["configs"]} if self.state["configs"] else {})}
        full = {**manifest, "snapshot_id": content_hash[:12], "content_hash": content_hash,
                "counts": counts, "method_version": METHOD_VERSION, "tool_version": __version__,
                "imported_at": datetime.now(UTC).isoformat(timespec="microseconds"),
                "status": "complete"}
        result = store.adopt(work, full, known)
        shutil.rmtree(self.folder, ignore_errors=True)
        return result

    def _move(self, prefix: str, folder: Path) -> str:
        """Move the parts with rows into ``folder``; the SHA-256 of their hashes in order."""
        folder.mkdir()
        digest = hashlib.sha256()
        for part in sorted((self.folder / "parts").glob(f"{prefix}-*.parquet")):
            if prefix == "m":
                digest.update(self.state["hashes"][str(int(part.stem[2:]))].encode())
            if pq.ParquetFile(part).metadata.num_rows:
                os.replace(part, folder / f"part-{part.stem[2:]}.parquet")
        if not any(folder.iterdir()):
            folder.rmdir()
        return digest.hexdigest()

    def _duplicates(self) -> bool:
        glob = str(self.folder / "parts" / "m-*.parquet").replace("'", "''")
        con = duckdb.connect()
        try:
            total, distinct = con.execute(f"SELECT count(*), count(DISTINCT model_id) FROM "
                                          f"read_parquet('{glob}')").fetchall()[0]
        finally:
            con.close()
        return bool(distinct < total)

    def _concat(self, prefix: str, out: Path) -> None:
        """The parts in row-group order as one file, one row per model (the first)."""
        parts = sorted((self.folder / "parts").glob(f"{prefix}-*.parquet"))
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
        con = reproducible_connection(self.folder)
        try:
            con.execute(f"CREATE VIEW parts AS SELECT * FROM read_parquet([{files}])")
            rows = ("SELECT * EXCLUDE (_pos) FROM (SELECT *, row_number() OVER () AS _pos "
                    "FROM parts) QUALIFY row_number() OVER (PARTITION BY model_id ORDER BY "
                    "_pos) = 1 ORDER BY _pos")
            con.execute(f"COPY ({rows}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
        finally:
            con.close()
        self.state["rows"] = pq.ParquetFile(out).metadata.num_rows
