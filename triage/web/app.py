"""The application: one engine, the patient form, the API, and what guards every response.

* The engine is compiled once, when the application is made: a broken rule set stops
  ``triage serve`` at start-up with the same message ``triage rules check`` gives, never
  on a person's first answer. The application keeps no other state: answers travel in
  the form itself (or the API request), so any number of processes can serve it.
* Every response carries a strict Content-Security-Policy (nothing from another origin,
  no inline script or style) and the usual security headers; pages are ``no-store``, as
  they may show answers; only ``/static`` may be cached.
* A request body larger than the limit is refused with 413 before it is read in full.
* Nothing here logs a request body; answers are not stored.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage import api
from triage.engine import Engine
from triage.records import record

from .problems import problem

HERE = Path(__file__).resolve().parent
RULES_ENV = "BACKTRIAGE_RULES"  # the rule set of `uvicorn --factory triage.web:create_app`

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


@record
class Settings:
    """What one application serves, and its limits."""

    rules: str | None = None  # a rule set directory; None: $BACKTRIAGE_RULES or the shipped
    max_body: int = 64 * 1024  # bytes: one answers object, one form page
    max_batch_body: int = 32 * 1024 * 1024  # bytes: POST /api/v1/batch


def create_app(rules: str | Path | None = None, *, settings: Settings | None = None) -> FastAPI:
    """The ASGI application for a rule set (default: ``$BACKTRIAGE_RULES``, else the
    shipped rules). Raises :class:`triage.RulesetError` for a broken rule set."""
    chosen = settings or Settings()
    directory = rules if rules is not None else chosen.rules or os.environ.get(RULES_ENV)
    engine = api.engine(directory)
    app = FastAPI(title="backtriage", version=_version(),
                  summary="Rule-based triage for back pain: urgency and a care plan. "
                          "Not a diagnosis.",
                  docs_url=None, redoc_url=None)  # /docs is served by .api, without a CDN
    app.state.engine = engine
    app.state.settings = chosen
    from . import api as api_routes
    from . import form

    api_routes.install(app)
    form.install(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(BodyLimit, limit=chosen.max_body, batch_limit=chosen.max_batch_body)
    app.add_middleware(SecurityHeaders)
    return app


def engine_of(app: Any) -> Engine:
    engine: Engine = app.state.engine
    return engine


def _version() -> str:
    import triage

    return triage.__version__


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI: streamed bodies stay
    streamed); pages get ``Cache-Control: no-store``, static files an hour."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"cache-control",) or static]
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                elif b"cache-control" not in present:
                    headers.append((b"cache-control", b"public, max-age=3600"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a request body over the limit with 413 (problem+json): at once when its
    Content-Length says so, else as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, limit: int, batch_limit: int) -> None:
        self.app, self.limit, self.batch_limit = app, limit, batch_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.batch_limit if scope["path"] == "/api/v1/batch" else self.limit
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit or declared < 0:
                    await self._refuse(scope, receive, send, limit)
                    return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if started:  # a streamed answer already begun: it can only be cut short
                raise
            await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(413, "too-large", "Request body too large",
                           f"The request body is larger than {limit:,} bytes, the limit "
                           "for this address.", headers={"connection": "close"})
        await response(scope, receive, send)
