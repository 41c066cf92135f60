"""The command line: a thin typer layer over the library. Only this package imports
typer or rich."""

from .app import app, main

__all__ = ["app", "main"]
