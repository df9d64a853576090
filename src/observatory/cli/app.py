"""The ``observatory`` command: the app, its command groups, and the one table that turns an
error into the line the user sees. Commands parse, call the library and print."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from observatory import __version__
from observatory.cli import boards, charts, hub, jobs, lineage, ratings, web
from observatory.cli.common import UsageError, close_all, err, out
from observatory.cli.store import registry_app, store_app
from observatory.errors import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ConfigError,
    DamageError,
    EmptyResultError,
    InputError,
    LockedError,
    ObservatoryError,
    OutputError,
    RegistryError,
    SourcesFailed,
    SourceUnreachableError,
    StoreError,
)

app = typer.Typer(
    help="Open Weights Observatory: who leads open-weight AI, measured from public data.\n\n"
    "Data lives in $OBSERVATORY_HOME (default: the platform's user data dir).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rich's help renderer takes longer to load than the app
)
for group in (jobs, boards, hub, lineage, ratings, charts, web):
    app.add_typer(group.app)
app.add_typer(registry_app, name="registry")
app.add_typer(store_app, name="store")

# Exception type -> prefix of the one line the user sees (the first match wins).
ERROR_PREFIXES: dict[type[ObservatoryError], str] = {
    InputError: "bad input",
    LockedError: "locked",
    DamageError: "damaged",
    SourceUnreachableError: "unreachable",
    ConfigError: "configuration",
    StoreError: "store",
    RegistryError: "registry",
    EmptyResultError: "no data",
    OutputError: "cannot write",
}
TRANSIENT_HINT = " (this may pass: run the same command again)"
INTERRUPTED = "interrupted; nothing half-written (snapshots appear whole or not at all)"


def error_lines(exc: ObservatoryError) -> list[str]:
    """One line per failure, each with its own prefix; a character that would break the line
    or hide itself (a control character in a file name) is shown escaped."""
    if isinstance(exc, SourcesFailed):
        lines = [f"{_prefix(error)}: {source}: {error}{_hint(error)}"
                 for source, error in exc.failures]
    else:
        lines = [f"{_prefix(exc)}: {exc}{_hint(exc)}"]
    return [printable(line) for line in lines]


def printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _prefix(exc: ObservatoryError) -> str:
    return next((p for t, p in ERROR_PREFIXES.items() if isinstance(exc, t)), "error")


def _hint(exc: ObservatoryError) -> str:
    if exc.hint:
        return f" ({exc.hint})"
    return TRANSIENT_HINT if exc.transient else ""


def _version(value: bool) -> None:
    if value:
        out.print(f"observatory {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version,
                                                is_eager=True, help="Show the version.")] = False,
          ) -> None:
    pass


def main() -> None:
    try:
        code = _run()
    except ObservatoryError as exc:
        for line in error_lines(exc):
            err.print(line, markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help (typer's own test)
            out.print(exc.format_message(), markup=False, highlight=False)
            sys.exit(0)
        # a usage error: one line, and where to read more (Typer validates options with
        # pydantic, whose messages start with its error type: "Value error, ...")
        message = exc.format_message().replace("Value error, ", "")
        err.print(f"usage: {message} (see --help)", markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_USAGE)
    except (KeyboardInterrupt, typer.Abort):
        err.print(INTERRUPTED)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        if not type(exc).__module__.startswith(("pyspark", "py4j")):
            raise
        from observatory.store.spark import first_line  # loaded only on this path

        # a query Spark could not run (--backend spark): its message, not the JVM's stack
        err.print(f"spark: {first_line(exc)}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_USAGE)
    if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C within a command into this code, silently
        err.print(INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)


def refuse_contradictions(command: Any, args: list[str]) -> None:
    """A flag pair given both ways (``top --open --all``) is a usage error: Click would let the
    last one win in silence. ``command`` is the app's Click command; ``args`` the command line."""
    args = args[:args.index("--")] if "--" in args else args
    while (commands := getattr(command, "commands", None)) is not None:  # a group: its command
        name = next((arg for arg in args if not arg.startswith("-")), None)
        if name not in commands:
            return  # no command, or an unknown one: Click says so
        command, args = commands[name], args[args.index(name) + 1:]
    for param in command.params:
        negative = getattr(param, "secondary_opts", None)
        if negative and set(param.opts) & set(args) and set(negative) & set(args):
            raise UsageError(f"{param.opts[0]} and {negative[0]} contradict each other; give one")


def _run() -> object:
    try:
        command = typer.main.get_command(app)
        refuse_contradictions(command, sys.argv[1:])
        return command(standalone_mode=False)
    finally:
        close_all()
