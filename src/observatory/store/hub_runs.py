"""A Hub collection in progress: page files plus a checkpoint, finalized into one snapshot.

Layout: ``<home>/runs/hub-<key>/state.json`` and ``parts/p<listing>-<page>.parquet``. A page's
rows are written before the checkpoint that counts them, so a run killed at any point resumes
from the last checkpoint and at worst fetches one page again (its file is overwritten).
Finalizing keeps one row per model (the latest page's), sorts by model id and writes the
Parquet deterministically, so a resumed run and an uninterrupted one give the same content hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from observatory import METHOD_VERSION, __version__
from observatory.errors import StoreError
from observatory.schema import HUB_CONFIGS, HUB_MODELS
from observatory.sources.base import file_sha256
from observatory.sources.hub import FORMAT_NAME
from observatory.store.snapshots import ImportResult, Store

PAGE_KEY = 1_000_000  # part order = listing * PAGE_KEY + page
FINAL_MEMORY = "1GB"  # DuckDB spills to disk beyond this while finalizing
PART_SCHEMA = pa.schema([f for f in HUB_MODELS if f.name != "snapshot_id"] +
                        [pa.field("_order", pa.int64())])
ENRICH_SCHEMA = pa.schema([("model_id", pa.string()), ("params_total", pa.int64()),
                           ("params_active", pa.int64()), ("architecture", pa.string()),
                           ("model_type", pa.string()), ("num_experts", pa.int64()),
                           ("experts_per_token", pa.int64())])


CONFIG_SCHEMA = pa.schema([f for f in HUB_CONFIGS if f.name != "snapshot_id"])


def reproducible_connection(folder: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that writes byte-for-byte reproducible files: one thread, rows in
    insertion order, spilling to ``folder/spill`` beyond ``FINAL_MEMORY``."""
    con = duckdb.connect()
    con.execute(f"SET threads TO 1; SET preserve_insertion_order TO true; "
                f"SET memory_limit = '{FINAL_MEMORY}'; "
                f"SET temp_directory = '{folder / 'spill'}'")
    return con


def run_key(query: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class HubRun:
    """Checkpointed state of one collection (one query)."""

    folder: Path
    state: dict[str, Any]

    @classmethod
    def open(cls, store: Store, query: dict[str, Any], snapshot_date: date) -> HubRun:
        """Resume the unfinished run of this query, or start one."""
        folder = store.home / "runs" / f"hub-{run_key(query)}"
        state_path = folder / "state.json"
        if state_path.exists():
            try:
                return cls(folder, json.loads(state_path.read_text()))
            except (OSError, json.JSONDecodeError) as exc:
                raise StoreError(f"{state_path}: unreadable checkpoint ({exc}); delete "
                                 f"{folder} to start the collection again") from exc
        (folder / "parts").mkdir(parents=True, exist_ok=True)
        run = cls(folder, {"query": query, "snapshot_date": snapshot_date.isoformat(),
                           "listing": 0, "next_url": None, "pages": 0, "models": 0,
                           "skipped_below_threshold": 0, "issues": {"counts": {}, "examples": {}},
                           "malformed": {}, "retries": {}, "listing_done": False,
                           "enriched": 0, "started_at": _now()})
        run.save()
        return run

    @property
    def resumed(self) -> bool:
        return self.state["pages"] > 0

    @property
    def snapshot_date(self) -> date:
        return date.fromisoformat(self.state["snapshot_date"])

    def save(self) -> None:
        tmp = self.folder / "state.json.tmp"
        tmp.write_text(json.dumps(self.state, indent=1, sort_keys=True))
        os.replace(tmp, self.folder / "state.json")

    def write_page(self, rows: list[dict[str, Any]], listing: int, page: int) -> None:
        order = listing * PAGE_KEY + page
        for row in rows:
            row["_order"] = order
        table = pa.Table.from_pylist(rows, schema=PART_SCHEMA)
        path = self.folder / "parts" / f"p{listing:04d}-{page:07d}.parquet"
        pq.write_table(table, path, compression="zstd")

    def write_enrichment(self, rows: list[dict[str, Any]], batch: int,
                         configs: list[dict[str, Any]] | None = None) -> None:
        """One enrichment batch: the parameter facts merged into ``hub_models`` and the
        fingerprint facts (``hub_configs`` rows); the config part is written first, so a part
        counted by the checkpoint always has both."""
        config_rows = [{**row, "source": FORMAT_NAME, "snapshot_date": self.snapshot_date}
                       for row in configs or []]
        pq.write_table(pa.Table.from_pylist(config_rows, schema=CONFIG_SCHEMA),
                       self.folder / "parts" / f"config-{batch:06d}.parquet")
        table = pa.Table.from_pylist(rows, schema=ENRICH_SCHEMA)
        pq.write_table(table, self.folder / "parts" / f"enrich-{batch:06d}.parquet")

    def part_glob(self) -> str:
        """For SQL string literals: quotes doubled."""
        return str(self.folder / "parts" / "p*.parquet").replace("'", "''")

    def top_models(self, n: int) -> list[str]:
        """The n most-downloaded models collected so far (for the enrichment pass)."""
        con = duckdb.connect()
        try:
            rows = con.execute(
                f"SELECT model_id FROM read_parquet('{self.part_glob()}') "
                "GROUP BY model_id ORDER BY max(downloads_30d) DESC NULLS LAST, model_id LIMIT ?",
                [n]).fetchall()
        finally:
            con.close()
        return [r[0] for r in rows]

    def finalize(self, store: Store, known: dict[str, dict[str, Any]] | None = None) -> ImportResult:
        """Dedupe, sort, hash and move into the store as one snapshot; remove the run."""
        work = self.folder / "final"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        data, rows = self._deduplicate(work / "data.parquet")
        content_hash = file_sha256(data)
        snapshot_id = content_hash[:12]
        # The table file carries no snapshot_id column (it would change the hash it is named
        # after); the catalog adds it from the manifest.
        data.rename(work / "hub_models.parquet")
        configs = self._configs(work / "hub_configs.parquet", snapshot_id)
        manifest = {
            "snapshot_id": snapshot_id, "source": "hub", "format": FORMAT_NAME,
            "snapshot_date": self.state["snapshot_date"], "content_hash": content_hash,
            "raw_files": [], "raw_note": "API pages are not kept (gigabytes at full-Hub scale); "
            "the query and per-run counts are recorded here",
            "origin": self.state["query"].get("endpoint", ""), "query": self.state["query"],
            "counts": {"hub_models": rows, **({"hub_configs": configs} if configs else {})},
            "notes": {k: self.state[k] for k in ("pages", "models", "skipped_below_threshold",
                                                 "issues", "malformed", "retries", "enriched",
                                                 "started_at")},
            "method_version": METHOD_VERSION, "tool_version": __version__,
            "imported_at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "status": "complete",
        }
        result = store.adopt(work, manifest, known)
        shutil.rmtree(self.folder, ignore_errors=True)
        return result

    def _configs(self, out: Path, snapshot_id: str) -> int:
        """The enrichment's fingerprint facts, one row per model sorted by id (0: none)."""
        parts = sorted((self.folder / "parts").glob("config-*.parquet"))
        if not parts:
            return 0
        table = pa.concat_tables([pq.read_table(p, schema=CONFIG_SCHEMA) for p in parts])
        if table.num_rows == 0:
            return 0
        frame = table.to_pandas().drop_duplicates("model_id").sort_values("model_id")
        frame["snapshot_id"] = snapshot_id
        pq.write_table(pa.Table.from_pandas(frame, schema=HUB_CONFIGS, preserve_index=False), out,
                       compression="zstd")
        return len(frame)

    def _deduplicate(self, out: Path) -> tuple[Path, int]:
        """One row per model in page order (the latest page's row when a model appears twice),
        enrichment merged in. One thread, so the file is byte-for-byte reproducible."""
        enrich = sorted((self.folder / "parts").glob("enrich-*.parquet"))
        con = reproducible_connection(self.folder)
        try:
            con.execute(f"CREATE VIEW pages AS SELECT * FROM read_parquet('{self.part_glob()}')")
            total, distinct = con.execute(
                "SELECT count(*), count(DISTINCT model_id) FROM pages").fetchall()[0]
            rows = "SELECT * EXCLUDE (_order) FROM pages"
            if distinct < total:
                rows = ("SELECT * EXCLUDE (_order, _pos) FROM (SELECT *, row_number() OVER () AS "
                        "_pos FROM pages) QUALIFY row_number() OVER (PARTITION BY model_id ORDER "
                        "BY _order DESC, _pos DESC) = 1 ORDER BY _pos")
            if enrich:
                files = ", ".join(f"'{p}'" for p in enrich)
                con.execute(f"CREATE VIEW enrich AS SELECT * FROM read_parquet([{files}]) "
                            "QUALIFY row_number() OVER (PARTITION BY model_id) = 1")
                columns = [f.name for f in HUB_MODELS if f.name != "snapshot_id"]
                merged = [f"coalesce(e.{c}, m.{c}) AS {c}" if c in ENRICH_SCHEMA.names
                          and c != "model_id" else f"m.{c}" for c in columns]
                rows = (f"SELECT {', '.join(merged)} FROM (SELECT *, row_number() OVER () AS _row "
                        f"FROM ({rows})) m LEFT JOIN enrich e USING (model_id) ORDER BY m._row")
            con.execute(f"COPY ({rows}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
        finally:
            con.close()
        return out, distinct


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
