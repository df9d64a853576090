"""One error hierarchy. Each error says what was wrong, where, and what to do.

The CLI maps these to one-line messages (see ``cli.py``); nothing else should print tracebacks.
"""

from __future__ import annotations


class ObservatoryError(Exception):
    """Base class. ``transient`` errors may succeed when retried (network, rate limits)."""

    transient = False


class InputError(ObservatoryError):
    """A file or record could not be read: says which file, row and field."""

    def __init__(self, path: object, message: str, *, row: int | None = None,
                 field: str | None = None) -> None:
        where = str(path)
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.row = row
        self.field = field


class UnknownFormatError(InputError):
    """No importer recognises the file."""


class DuplicateImportError(ObservatoryError):
    """The same content is already in the store (not fatal: the import is a no-op)."""


class StoreError(ObservatoryError):
    """The data home is unusable (permissions, a corrupt manifest, ...)."""


class EmptyResultError(ObservatoryError):
    """A query matched no data (e.g. nothing imported yet, or a date before the first snapshot)."""


class RegistryError(ObservatoryError):
    """A registry file (shipped or user override) is malformed."""


class SourceUnreachableError(ObservatoryError):
    """A remote endpoint could not be reached or answered with an error."""

    transient = True

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"could not reach {url}: {reason}")
        self.url = url


class ConfigError(ObservatoryError):
    """Missing or invalid configuration, e.g. an API key not set in the environment."""
