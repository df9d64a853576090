"""Readers of raw data: files on disk and (in ``live``) the sources' public endpoints."""
