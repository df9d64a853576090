"""Curated facts: organisations, countries, licences and model aliases, plus a user override."""

from observatory.registry.loader import Registry, load_registry

__all__ = ["Registry", "load_registry"]
