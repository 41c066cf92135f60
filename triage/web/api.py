"""The HTTP API for integrators (``/api/v1/...``), ``/healthz`` and the API's
documentation at ``/docs`` (OpenAPI, served by the application itself: no CDN)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse


def install(app: FastAPI) -> None:
    """Add the API's routes to ``app``."""

    @app.get("/healthz", tags=["operations"], summary="Liveness and the rule set served")
    async def healthz(request: Request) -> JSONResponse:
        ruleset = request.app.state.engine.ruleset
        return JSONResponse({"status": "ok", "ruleset": {
            "name": ruleset.name, "version": ruleset.version, "sha256": ruleset.sha256}})
