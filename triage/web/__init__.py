"""``triage serve``: the questionnaire as a web form for the person, and an HTTP API for
integrators, on one ASGI application (FastAPI, Jinja2 templates, served by uvicorn).

Only ``triage serve`` (and an integrator's ``uvicorn --factory triage.web:create_app``)
imports this package: the other commands start without FastAPI. It needs the ``serve``
extra (``pip install 'backtriage[serve]'``).

* :mod:`.app` builds the application: the engine, security headers, the body size limit.
* :mod:`.form` is the patient form (server-rendered, works without JavaScript).
* :mod:`.api` is the HTTP API (``/api/v1/...``, problem+json errors, OpenAPI at ``/docs``).
* :mod:`.problems` writes RFC 9457 problem documents.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    """The ASGI application (see :func:`triage.web.app.create_app`)."""
    from .app import create_app as create

    return create(*args, **kwargs)


__all__ = ["create_app"]
