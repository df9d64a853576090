"""One error hierarchy. Each error says what was wrong, where, and what to do.

The CLI maps these to one-line messages (the table in ``cli/app.py``); nothing else should print
tracebacks. ``transient`` errors may succeed when the same command runs again (the CLI says so).

Every error carries the process exit code a scheduler sees (documented in the README, the same for
every command): 0 answered; 1 no data for the question; 2 usage or bad input; 3 a source could
not be reached; 4 another writer holds the data home's lock; 5 store damage found; 130
interrupted. When several apply, ``EXIT_PRIORITY`` decides.
"""

from __future__ import annotations

from collections.abc import Iterable

EXIT_OK, EXIT_NO_DATA, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_LOCKED, EXIT_DAMAGE = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130
# When several failures apply, the first of these wins.
EXIT_PRIORITY = (EXIT_LOCKED, EXIT_USAGE, EXIT_DAMAGE, EXIT_UNREACHABLE, EXIT_NO_DATA)


def worst_exit(codes: Iterable[int]) -> int:
    """The exit code of several failures: the first of ``EXIT_PRIORITY`` among them (0: none)."""
    found = set(codes) - {EXIT_OK}
    return next((code for code in EXIT_PRIORITY if code in found), max(found, default=EXIT_OK))


class ObservatoryError(Exception):
    """Base class. ``transient`` errors may succeed when retried (network, rate limits);
    ``hint`` is what to do, set by a job that knows better than the error's type (a collection
    that resumes where it stopped)."""

    transient = False
    hint: str | None = None
    exit_code = EXIT_USAGE


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


class StoreError(ObservatoryError):
    """The data home is unusable (permissions, a corrupt manifest, ...)."""

    exit_code = EXIT_DAMAGE


class LockedError(StoreError):
    """Another process is writing into the data home (it holds the home's lock)."""

    exit_code = EXIT_LOCKED


class DamageError(StoreError):
    """Snapshots whose files cannot be read or no longer match their manifest."""

    exit_code = EXIT_DAMAGE


class EmptyResultError(ObservatoryError):
    """A query matched no data (e.g. nothing imported yet, or a date before the first snapshot)."""

    exit_code = EXIT_NO_DATA


class RegistryError(ObservatoryError):
    """A registry file (shipped or user override) is malformed."""


class SourceUnreachableError(ObservatoryError):
    """A remote endpoint could not be reached or answered with an error."""

    transient = True
    exit_code = EXIT_UNREACHABLE

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"could not reach {url}: {reason}")
        self.url = url


class ConfigError(ObservatoryError):
    """Missing or invalid configuration, e.g. an API key not set in the environment."""


class OutputError(ObservatoryError):
    """A result could not be written where the user asked (a chart, an exported file)."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)


class SourcesFailed(ObservatoryError):
    """Some live sources failed while others may have been updated; each keeps its own error,
    so the user sees why each failed ("could not reach ...", "needs a key ...")."""

    def __init__(self, failures: list[tuple[str, ObservatoryError]]) -> None:
        super().__init__("; ".join(f"{source}: {error}" for source, error in failures))
        self.failures = failures
        self.exit_code = worst_exit(error.exit_code for _, error in failures)
