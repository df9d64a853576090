"""The command line: a thin layer over the library (``observatory.api``), one module per
command group; ``app`` holds the app and the error table."""

from observatory.cli.app import app, main

__all__ = ["app", "main"]
