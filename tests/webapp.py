"""Shared by the web tests: the application on the shipped rules, and a test client."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from starlette.testclient import TestClient

from triage.web import create_app


@lru_cache(maxsize=1)
def shipped_app() -> Any:
    """One application on the shipped rules for the whole test process (stateless)."""
    return create_app()


def client() -> TestClient:
    """A client of :func:`shipped_app` that keeps no cookies between tests (the form
    uses none) and never follows a redirect by itself."""
    return TestClient(shipped_app(), follow_redirects=False)
