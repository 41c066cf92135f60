"""The HTTP API for integrators (``/api/v1/...``), ``/healthz`` and the API's
documentation at ``/docs`` (OpenAPI, served by the application itself: no CDN).

* ``POST /api/v1/triage``: one answers object in, exactly the bytes ``triage run
  --format json`` prints for it out.
* ``POST /api/v1/batch``: JSON lines in, JSON lines out (the lines ``triage batch``
  writes), streamed as rows are done, while the body is still arriving.
* ``GET /api/v1/questions``: the data dictionary (``/schema``: the JSON Schema of an
  answers object).

The API lives in a sub-application mounted at ``/api``, so every error under ``/api/``
(bad answers, malformed JSON, an unknown address, a wrong method, a bug) is a problem
document (RFC 9457), whatever error pages the rest of the site shows. Nothing here logs
or keeps a request body: a bug is logged with its type and where it happened, never
with its message (which could quote an answer).

The engine is CPU-bound and serialised by a lock. ``/api/v1/triage`` evaluates in the
event loop: about 1.3 ms of work that a thread cannot overlap with anything (the lock,
the GIL), and handing it to a thread pool costs more than it saves (the figures are in
the commit that chose this, and ``benchmarks/bench_serve.py`` measures it). A batch runs
in a worker thread, a few rows at a time, so a long batch never stalls the other
requests.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage.batch.lines import RowTriage, Settings, json_line
from triage.documents.render import render_json
from triage.engine import Engine
from triage.errors import TriageError
from triage.intake.answers import MISSING_MODES, check_locale
from triage.intake.files import JsonProblem, json_value
from triage.intake.rows import Record, Records
from triage.pipeline import triage_answers
from triage.problems import shown, suggest
from triage.questionnaire.dictionary import DictionaryFormat, dictionary

from . import openapi
from .app import BodyLimit, _TooLarge
from .app import Settings as AppSettings
from .problems import answers_problem, parameter_problem, problem, utf8

LOG = logging.getLogger("triage.web")
PREFIX = "/api"
PARAMETERS = ("missing", "locale")
JSON_TYPES = ("application/json",)  # and any type ending in +json
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")
ROWS_PER_CHUNK = 64  # a batch sends its lines at least this often (or when input waits)
SOURCE = "answers"  # the name problems of a request's answers are given
BATCH_SOURCE = "request body"
BATCH_PATH = PREFIX + "/v1/batch"  # the address BodyLimit gives the larger limit


def install(app: FastAPI) -> None:
    """Add the API (mounted at ``/api``), ``/healthz``, ``/docs`` and ``/openapi.json``
    to ``app``."""
    engine: Engine = app.state.engine
    batch_limit: int = app.state.settings.max_batch_body
    api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    api.add_exception_handler(HTTPException, _http_problem)  # type: ignore[arg-type]
    api.add_exception_handler(RequestValidationError, _validation_problem)  # type: ignore[arg-type]
    api.add_middleware(InternalErrors, settings=app.state.settings)
    _routes(api, engine, batch_limit)
    app.mount(PREFIX, api)

    @app.head("/healthz", include_in_schema=False)
    async def healthz_head() -> Response:  # monitors that ask with HEAD
        return Response(status_code=200)

    @app.get("/healthz", tags=["operations"], summary="Liveness and the rule set served",
             responses={200: {"content": {"application/json": {
                 "schema": openapi.HEALTH_SCHEMA}}}})
    async def healthz(request: Request) -> JSONResponse:
        ruleset = request.app.state.engine.ruleset
        return JSONResponse({"status": "ok", "ruleset": {
            "name": ruleset.name, "version": ruleset.version, "sha256": ruleset.sha256}})

    document: dict[str, Any] = {}

    def whole_document() -> dict[str, Any]:
        if not document:
            document.update(openapi.document(app, api, PREFIX, engine))
        return document

    app.openapi = whole_document  # type: ignore[method-assign]  # served at /openapi.json

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    async def docs() -> HTMLResponse:
        return HTMLResponse(openapi.docs_page(whole_document()))


def _routes(api: FastAPI, engine: Engine, batch_limit: int) -> None:
    ruleset = engine.ruleset

    rows = json.loads(dictionary(ruleset, DictionaryFormat.JSON))
    listed = json.dumps({"ruleset": {"name": ruleset.name, "version": ruleset.version,
                                     "sha256": ruleset.sha256}, "questions": rows},
                        indent=2, ensure_ascii=False) + "\n"
    schema = dictionary(ruleset, DictionaryFormat.JSON_SCHEMA)

    @api.get("/v1/questions", **openapi.QUESTIONS)
    async def questions() -> Response:
        return Response(listed, media_type="application/json")

    @api.get("/v1/questions/schema", **openapi.SCHEMA)
    async def answers_schema() -> Response:
        return Response(schema, media_type="application/schema+json")

    @api.post("/v1/triage", **openapi.triage_operation(ruleset))
    async def triage(request: Request) -> Response:
        refused = _unsupported(request, JSON_TYPES, json_suffix=True)
        if refused is not None:
            return refused
        parameters = _parameters(request, engine)
        if isinstance(parameters, Response):
            return parameters
        return triage_body(engine, await request.body(), *parameters)

    @api.post("/v1/batch", **openapi.batch_operation(ruleset))
    async def batch(request: Request) -> Response:
        refused = _unsupported(request, JSONL_TYPES)
        if refused is not None:
            return refused
        parameters = _parameters(request, engine)
        if isinstance(parameters, Response):
            return parameters
        missing, locale = parameters
        rows = RowTriage(Settings(missing=missing, locale=locale), engine=engine)
        return Streamed(_batch_lines(request, rows, batch_limit),
                        media_type=_media_type(request))

    @api.api_route("/{rest:path}", include_in_schema=False,
                   methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    async def unknown(request: Request) -> Response:
        """Any other address under /api/: 404, or 405 where the address is known but
        not the method (the catch-all would otherwise hide it)."""
        allowed = sorted({method for route in api.routes
                          if getattr(route, "path", None) == "/" + request.path_params["rest"]
                          for method in getattr(route, "methods", ())} - {"HEAD"})
        if request.path_params["rest"] and allowed:
            return problem(405, "method-not-allowed", "Method not allowed",
                           f"{request.method} is not allowed here; use "
                           f"{' or '.join(allowed)} (see /docs).",
                           headers={"allow": ", ".join(allowed)})
        return problem(404, "not-found", "Not found",
                       f"There is no {shown(request.url.path)} in the API; its addresses "
                       "are listed at /docs.")


def triage_body(engine: Engine, body: bytes, missing: str, locale: str | None) -> Response:
    """The response to one answers object: the JSON of ``triage run --format json``, or
    a problem document naming what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return problem(400, "invalid-json", "The request body is not JSON",
                       f"The request body is not UTF-8 text (byte {exc.start + 1}); send "
                       "the answers as JSON, which is UTF-8.")
    text = text.removeprefix("\ufeff")  # a byte-order mark (RFC 8259 lets a reader skip it)
    if not text.strip():
        return problem(400, "invalid-json", "The request body is empty",
                       "The request body is empty: send the answers as one JSON object of "
                       'question id to value ({"age": 38, ...}; see GET /api/v1/questions).')
    try:
        raw = json_value(text)
    except JsonProblem as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
        return problem(400, "invalid-json", "The request body is not valid JSON",
                       f"invalid JSON{where}: {exc.reason}",
                       errors=[{"line": exc.line, "column": exc.column,
                                "message": f"invalid JSON: {exc.reason}"}])
    try:
        result = triage_answers(engine, raw, source=SOURCE, missing=missing, locale=locale)
    except TriageError as exc:
        return answers_problem(exc, raw)
    return Response(render_json(result), media_type="application/json")


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _unsupported(request: Request, types: tuple[str, ...],
                 json_suffix: bool = False) -> Response | None:
    """415 unless the request says its body is one of ``types`` (in UTF-8, and not
    compressed: a gzip body would otherwise be read as text that is not UTF-8)."""
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding != "identity":
        return problem(415, "unsupported-media-type", "Unsupported content encoding",
                       f"The request body has Content-Encoding {shown(encoding)}: send it "
                       "uncompressed.", headers={"accept-encoding": "identity"})
    given = _media_type(request)
    header = request.headers.get("content-type", "")
    charset = [part.split("=", 1)[1].strip().strip('"').lower()
               for part in header.split(";")[1:] if part.strip().lower().startswith("charset=")]
    known = given in types or (json_suffix and given.endswith("+json"))
    if known and all(value in ("utf-8", "utf8") for value in charset):
        return None
    said = f"Content-Type {shown(header)}" if header else "no Content-Type"
    wanted = " or ".join(types)
    reason = (f"the body must be UTF-8, not {shown(charset[0])}" if known
              else f"send the body as {wanted}")
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   f"The request has {said}: {reason}.",
                   headers={"accept-post": ", ".join(types)})


def _parameters(request: Request, engine: Engine) -> tuple[str, str | None] | Response:
    """(missing, locale) from the query, or a 422 naming every bad parameter. An unknown
    or repeated parameter is refused, never ignored: ``?local=us`` would otherwise give
    a person in the US the UK's emergency number."""
    errors: list[tuple[str, str, str | None]] = []
    given: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in PARAMETERS:
            errors.append((name, f"unknown parameter {shown(name)}; this address takes "
                           f"{' and '.join(PARAMETERS)}", suggest(name, PARAMETERS)))
        elif name in given:
            errors.append((name, f"{name} is given more than once", None))
        else:
            given[name] = value
    missing = given.get("missing", "refuse")
    if missing not in MISSING_MODES:
        errors.append(("missing", f"missing: {shown(missing)} is not one of "
                       f"{', '.join(MISSING_MODES)}", suggest(missing, MISSING_MODES)))
    locale = given.get("locale")
    try:
        locale = check_locale(engine.ruleset, locale)
    except TriageError as exc:
        errors.append(("locale", str(exc), None))
    if errors:
        return parameter_problem(errors)
    return missing, locale


class _Body:
    """The request body as the blocking stream :class:`~triage.intake.rows.Records`
    reads, for a worker thread: each read the buffer cannot satisfy fetches the next
    chunk from the event loop, so the body is read as rows are triaged, never whole."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self.done = False

    async def _next(self) -> bytes | None:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return None

    def readline(self, limit: int = -1) -> bytes:
        while True:
            end = self._buffer.find(b"\n", 0, limit if limit > 0 else None)
            if end >= 0:
                size = end + 1
            elif self.done or 0 < limit <= len(self._buffer):
                size = min(limit, len(self._buffer)) if limit > 0 else len(self._buffer)
            else:
                chunk = anyio.from_thread.run(self._next)
                if chunk is None:
                    self.done = True
                else:
                    self._buffer += chunk
                continue
            line = bytes(self._buffer[:size])
            del self._buffer[:size]
            return line

    def line_waiting(self) -> bool:
        """Whether the next row can be read without waiting for the client."""
        return self.done or b"\n" in self._buffer


def _some_lines(rows: Iterator[Record], body: _Body, triage: RowTriage) -> list[str]:
    """The output lines of the next rows (in a worker thread): up to
    :data:`ROWS_PER_CHUNK`, fewer when the next row has not arrived yet; [] at the end."""
    lines: list[str] = []
    for record in rows:
        lines.append(triage.one(None, record)[0])
        if len(lines) >= ROWS_PER_CHUNK or not body.line_waiting():
            break
    return lines


async def _batch_lines(request: Request, triage: RowTriage,
                       limit: int) -> AsyncIterator[bytes]:
    body = _Body(request.stream())
    rows = iter(Records(body, "jsonl", BATCH_SOURCE))  # type: ignore[arg-type]
    done = 0
    while True:
        try:
            lines = await anyio.to_thread.run_sync(_some_lines, rows, body, triage)
        except ClientDisconnect:
            return  # the client has gone: nobody to write to
        except _TooLarge:
            stopped = (f"request body: larger than the limit of {limit:,} bytes; the batch "
                       f"stopped after {done:,} rows and the rows after them were not triaged")
            yield json_line({"row": None, "id": None, "error": stopped}).encode()
            raise  # the response is cut short, so no client takes it for a whole one
        if not lines:
            return
        done += len(lines)
        yield utf8("".join(lines))


class Streamed(StreamingResponse):
    """A streamed response that leaves ``receive`` to the body reader: Starlette's own,
    under ASGI HTTP 2.3 (uvicorn), would listen for a disconnect on it at the same time
    and swallow request body chunks."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.stream_response(send)


class InternalErrors:
    """A bug under /api/ becomes a 500 problem document without internals; the log gets
    the exception's type and where it was raised, never its message or the request
    (either could quote an answer). A body found too large while it is read gets the
    413 of :class:`~triage.web.app.BodyLimit` here: the mounted application would
    otherwise answer 500 before the exception reached it."""

    def __init__(self, app: ASGIApp, settings: AppSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started or isinstance(exc, ClientDisconnect):
                raise  # cut short: the server closes the connection
            if isinstance(exc, _TooLarge):
                limit = (self.settings.max_batch_body if scope["path"] == BATCH_PATH
                         else self.settings.max_body)
                await BodyLimit._refuse(scope, receive, send, limit)
                return
            LOG.error("internal error in %s %s: %s (request not logged)\n%s",
                      scope.get("method"), scope.get("path"), type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)).rstrip())
            response = problem(500, "internal-error", "Internal error",
                               "Something went wrong on the server: this is a bug, please "
                               "report it. Nothing of the request was logged.")
            await response(scope, receive, send)


async def _http_problem(request: Request, exc: HTTPException) -> Response:
    from http import HTTPStatus

    phrase = HTTPStatus(exc.status_code).phrase
    return problem(exc.status_code, phrase.lower().replace(" ", "-"), phrase,
                   str(exc.detail) if exc.detail != phrase else phrase + ".",
                   headers=dict(exc.headers or {}))


async def _validation_problem(request: Request, exc: RequestValidationError) -> Response:
    errors = [{"parameter": ".".join(str(part) for part in error.get("loc", ())[1:]),
               "message": str(error.get("msg", ""))} for error in exc.errors()]
    return problem(422, "bad-parameters", "Bad request",
                   "; ".join(error["message"] for error in errors), errors=errors)
