"""The patient form: the questionnaire of ``triage ask`` as server-rendered pages that
work without JavaScript (GOV.UK / NHS design-system patterns, without their branding)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from .app import HERE

templates = Jinja2Templates(directory=str(HERE / "templates"))


def install(app: FastAPI) -> None:
    """Add the form's pages to ``app``."""

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    async def start(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "start.html", {})
