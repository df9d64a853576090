"""Presenting results: terminal tables, CSV/JSON, charts."""
