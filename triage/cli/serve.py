"""``triage serve``: the web form and the HTTP API, served by uvicorn."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from triage.errors import TriageError

from .funnel import streams_of
from .options import RulesOption

LOOPBACK = "127.0.0.1"


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. The default answers this computer only; "
        "to serve others, put it behind a proxy that gives it HTTPS.")] = LOOPBACK,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1,
                                      max=65535)] = 8000,
    rules: RulesOption = None,
) -> None:
    """Serve the questionnaire as a web form, and the HTTP API (see /docs)."""
    streams = streams_of(ctx)
    try:
        import uvicorn

        from triage.web import create_app
    except ImportError as exc:
        raise TriageError(f"triage serve needs the web extra ({exc.name} is not installed): "
                          "pip install 'backtriage[serve]'") from None
    app = create_app(rules)  # a broken rule set stops here, with its file and line
    if not _loopback(host):
        streams.note(f"triage serve: listening on {host}: anyone who can reach it can use "
                     "it, and answers travel unencrypted unless a proxy in front gives "
                     "it HTTPS.")
    streams.note(f"triage serve: the form is at http://{_shown(host)}:{port}/ and the API "
                 f"is described at http://{_shown(host)}:{port}/docs (Ctrl-C stops).")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                date_header=False, access_log=False)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
