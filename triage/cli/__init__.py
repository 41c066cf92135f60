"""The command line: a thin typer layer over the library. Only this package imports
typer or rich."""

from triage._gc import paused as _paused

with _paused():  # see triage._gc
    from .app import app, main

__all__ = ["app", "main"]
