"""Dated immutable snapshots on disk, and the DuckDB catalog / Ibis connection over them."""

from observatory.store.snapshots import ImportResult, Store

__all__ = ["ImportResult", "Store"]
