"""Curated facts (organisations, countries, licences, model aliases) with a user override, and
the attribution of board and Hub rows from them. The package itself loads nothing (``Registry``
and ``load_registry`` come from ``loader`` when first asked for), so a light module
(``selection``) imports without pandas."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("Registry", "load_registry"):
        from observatory.registry import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'observatory.registry' has no attribute {name!r}")


__all__ = ["Registry", "load_registry"]
