"""The engine and the plan: compiled rules run on typed answers, and the result built
from what fired. Only this package imports experta (through :mod:`._compat` first)."""

from .network import Engine

__all__ = ["Engine"]
