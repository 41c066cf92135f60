"""The API's description: OpenAPI operations with real schemas and examples, the whole
document (``/openapi.json``), and ``/docs``, a plain HTML page of that document, made on
the server with no script (FastAPI's Swagger UI loads from a CDN, which the
Content-Security-Policy, and the rule of no requests to other sites, forbid).

The schemas come from the rule set (the answers object: the JSON Schema ``triage
questions --format json-schema`` prints) and from the JSON contract of DESIGN.md (the
result). The examples are computed: the answers example is triaged by the engine
served, so the documented response is what that request gets.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from triage.language.model import ADVICE_KINDS, Ruleset, Urgency
from triage.questionnaire.dictionary import answers_schema

if TYPE_CHECKING:
    from fastapi import FastAPI

    from triage.engine import Engine

URGENCIES = [level.value for level in Urgency]
STRINGS = {"type": "array", "items": {"type": "string"}}

RULESET_SCHEMA = {
    "type": "object", "required": ["name", "version", "sha256"],
    "properties": {"name": {"type": "string"}, "version": {"type": "string"},
                   "sha256": {"type": "string", "description": "digest of the rule files"}}}

RESULT_SCHEMA: dict[str, Any] = {
    "title": "Result",
    "description": "The JSON contract of DESIGN.md: what `triage run --format json` prints "
                   "and each line of `triage batch`. Keys sorted; the same answers and rules "
                   "give byte-identical output.",
    "type": "object",
    "required": ["urgency", "headline", "advice", "excluded", "findings", "fired_rules",
                 "unscreened", "not_answered", "ruleset", "disclaimer", "emergency_number",
                 "locale"],
    "properties": {
        "urgency": {"enum": URGENCIES, "description": "highest level raised by any rule"},
        "headline": {"type": "string", "description": "one sentence for the person"},
        "advice": {"type": "array", "items": {
            "type": "object", "required": ["id", "kind", "title", "text", "evidence"],
            "properties": {
                "id": {"type": "string"}, "kind": {"enum": list(ADVICE_KINDS)},
                "title": {"type": "string"}, "text": {"type": "string"},
                "steps": STRINGS, "skip_if": STRINGS, "cautions": STRINGS, "points": STRINGS,
                "hold": {"type": "string"}, "repetitions": {"type": "string"},
                "frequency": {"type": "string"},
                "reasons": {**STRINGS, "description": "why, in the person's words"},
                "evidence": STRINGS}}},
        "excluded": {"type": "array", "description": "advice a safety rule held back",
                     "items": {"type": "object", "required": ["id", "because", "reason"],
                               "properties": {"id": {"type": "string"},
                                              "title": {"type": "string"},
                                              "because": {"type": "string",
                                                          "description": "the rule's id"},
                                              "reason": {"type": "string"}}}},
        "findings": STRINGS,
        "fired_rules": {"type": "array", "items": {
            "type": "object", "required": ["id", "title", "evidence", "urgency"],
            "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                           "evidence": STRINGS,
                           "urgency": {"enum": [*URGENCIES, None]}}}},
        "unscreened": {**STRINGS, "description": "danger signs not answered "
                       "(missing=conservative): never self-care"},
        "not_answered": {**STRINGS, "description": "blank questions whose answer could "
                         "still change the plan"},
        "ruleset": RULESET_SCHEMA,
        "disclaimer": {"type": "string"},
        "emergency_number": {"type": "string"},
        "locale": {"type": "string"},
    },
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. For bad answers, `errors` has one entry per "
                   "bad id or value (`id`, `pointer` into the request body, `message` in "
                   "the command line's words, `suggestion` for a near miss) and one per "
                   "danger sign not answered (also listed in `missing`); for bad query "
                   "parameters, one per parameter (`parameter`, `message`); for malformed "
                   "JSON, its `line` and `column`.",
    "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "missing": STRINGS,
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": ["string", "null"]}, "pointer": {"type": "string"},
            "parameter": {"type": "string"}, "line": {"type": "integer"},
            "column": {"type": "integer"}, "message": {"type": "string"},
            "suggestion": {"type": "string"}}}}}}

HEALTH_SCHEMA = {"type": "object", "required": ["status", "ruleset"],
                 "properties": {"status": {"const": "ok"}, "ruleset": RULESET_SCHEMA}}

# A complete answer set with no danger sign (examples/self-care.yaml).
EXAMPLE_ANSWERS: dict[str, Any] = {
    "age": 38, "sex": "male", "saddle_numbness": False, "bladder_or_bowel_change": False,
    "sexual_function_change": False, "leg_weakness": "none", "both_legs_affected": False,
    "fever": False, "unexplained_weight_loss": False, "cancer_history": False,
    "night_pain": False, "recent_trauma": "none", "osteoporosis": False,
    "long_term_steroids": False, "immunosuppressed": False, "iv_drug_use": False,
    "recent_infection_or_spinal_procedure": False, "chest_pain_or_breathless": False,
    "abdominal_pulsing_or_faint": False, "known_aortic_aneurysm": False,
    "spine_lump_or_shape_change": False, "worse_coughing_sneezing_or_pooing": False,
    "generally_unwell": False, "duration_days": 14, "pain_severity": 6, "location": "lower",
    "onset": "sudden", "triggers": ["lifting_or_bending"], "morning_stiffness_minutes": 10,
    "better_with_movement": True, "leg_pain_below_knee": False,
    "leg_numbness_or_tingling": False, "muscle_spasms": True, "daily_life_impact": "some",
    "trend": "improving", "previous_episodes": True, "stomach_ulcer_or_bleed": False,
    "kidney_disease": False, "heart_disease_or_stroke": False, "high_blood_pressure": False,
    "takes_anticoagulant": False, "takes_bleeding_risk_medicine": False,
    "asthma_worse_with_nsaids": False, "nsaid_allergy": False, "liver_disease": False}
EXAMPLE_BAD_ANSWERS: dict[str, Any] = {"age": 200, "sadle_numbness": False}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}}}


PROBLEMS = {
    413: _problem_response("The request body is larger than the limit."),
    415: _problem_response("The body is not of the media type this address reads (or "
                           "not UTF-8, or compressed)."),
}

QUESTIONS: dict[str, Any] = {
    "tags": ["questions"], "summary": "The data dictionary",
    "description": "Every question of the rule set served, in questionnaire order: its id "
                   "(a public contract), section, type, whether it is a danger sign, its "
                   "text and help, allowed values and when it is asked; the list `triage "
                   "questions --format json` prints, under `questions`, with the rule set "
                   "it belongs to under `ruleset`.",
    "responses": {200: {"description": "The rule set and its questions.",
                        "content": {"application/json": {"schema": {
                            "type": "object", "required": ["ruleset", "questions"],
                            "properties": {"ruleset": RULESET_SCHEMA, "questions": {
                                "type": "array", "items": {"type": "object"}}}}}}}},
}

SCHEMA: dict[str, Any] = {
    "tags": ["questions"], "summary": "The JSON Schema of an answers object",
    "description": "A JSON Schema (2020-12) of an answers object for the rule set served "
                   "(what `triage questions --format json-schema` prints; its title names "
                   "the rule set). It describes the canonical form: the API also reads "
                   "`\"yes\"`/`\"no\"` for true/false, numbers as text, choices in any "
                   "letter case, as answers files do.",
    "responses": {200: {"description": "The JSON Schema.",
                        "content": {"application/schema+json": {"schema": {
                            "type": "object"}}}}},
}


def _parameters(ruleset: Ruleset) -> list[dict[str, Any]]:
    return [
        {"name": "missing", "in": "query", "required": False,
         "schema": {"enum": ["refuse", "conservative"], "default": "refuse"},
         "description": "Danger signs left unanswered: `refuse` (422 naming each, the "
                        "default), or `conservative` (listed under `unscreened`; the result "
                        "is never self-care). A danger sign left blank is never taken as no."},
        {"name": "locale", "in": "query", "required": False,
         "schema": {"enum": sorted(ruleset.locales)},
         "description": "Which emergency number and services the plan names (default: the "
                        "rule set's). An unknown parameter is refused, never ignored."},
    ]


def _required(ruleset: Ruleset, qid: str) -> str:
    """Whether a blank answer is refused, in words (the JSON Schema's ``required`` lists
    only the danger signs; other questions are required where they apply)."""
    question = ruleset.question_map[qid]
    if question.danger_sign:
        return "yes: a danger sign, never taken as no"
    if not question.required:
        return "no"
    where = [f"when {question.required_when.describe()}"] if question.required_when else []
    if question.ask_when:
        where.append(f"where asked ({question.ask_when.describe()})")
    return "yes" + (", " + " and ".join(where) if where else "")


def triage_operation(ruleset: Ruleset) -> dict[str, Any]:
    """The route arguments of ``POST /api/v1/triage``."""
    schema = {key: value for key, value in answers_schema(ruleset).items() if key != "$schema"}
    schema["properties"] = {qid: {**item, "x-required": _required(ruleset, qid)}
                            for qid, item in schema["properties"].items()}
    return {
        "tags": ["triage"], "summary": "Triage one answers object",
        "description": "The body is one answers object (question id to value, JSON). The "
                       "response is exactly what `triage run --format json` prints for the "
                       "same answers: the same bytes. Bad answers get 422 naming every bad "
                       "id or value, and every danger sign left unanswered.",
        "openapi_extra": {
            "parameters": _parameters(ruleset),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": schema, "example": EXAMPLE_ANSWERS}}}},
        "responses": {
            200: {"description": "The result (the JSON contract).",
                  "content": {"application/json": {"schema": RESULT_SCHEMA}}},
            400: _problem_response("The body is not JSON (with the line and column)."),
            **PROBLEMS,
            422: _problem_response("Bad answers (each bad id or value named), danger signs "
                                   "not answered (each listed), or bad query parameters."),
            500: _problem_response("A bug: nothing of the request is shown or logged.")},
    }


def batch_operation(ruleset: Ruleset) -> dict[str, Any]:
    """The route arguments of ``POST /api/v1/batch``."""
    line = {"description": "one line per input row: a result, with `row` (the line "
                           "number) and `id` (the row's `id`, if any), or "
                           "`{\"row\", \"id\", \"error\"}` for a row that cannot be triaged",
            "type": "string"}
    return {
        "tags": ["triage"], "summary": "Triage many answers objects (JSON lines)",
        "description": "The body is JSON lines: one answers object per line, with an "
                       "optional `id`. The response is JSON lines, streamed as rows are "
                       "done (while the body is still arriving): exactly the lines `triage "
                       "batch` writes for the same input, in input order. A row with bad "
                       "input gets an error line naming the row and the problem, and the "
                       "batch goes on; the status is 200 once the first line is sent. A body "
                       "over the limit (32 MiB) ends with an error line and the response is "
                       "cut short. For more, send several batches, to several processes.",
        "openapi_extra": {
            "parameters": _parameters(ruleset),
            "requestBody": {"required": True, "content": {
                media: {"schema": {"type": "string", "description": "one JSON object per "
                                   "line (blank lines skipped, but counted)"}}
                for media in ("application/x-ndjson", "application/jsonl")}}},
        "responses": {
            200: {"description": "One JSON line per row, in input order.",
                  "content": {"application/x-ndjson": {"schema": line}}},
            **PROBLEMS,
            422: _problem_response("Bad query parameters (each named).")},
    }


def document(app: FastAPI, api: FastAPI, prefix: str, engine: Engine) -> dict[str, Any]:
    """The OpenAPI document of the API mounted at ``prefix`` and of ``app``'s own
    operations (``/healthz``), with examples computed by ``engine``."""
    from fastapi.openapi.utils import get_openapi

    from .api import triage_body

    ruleset = engine.ruleset
    description = (
        "Rule-based triage for back pain: urgency and a care plan, with the evidence. Not a "
        f"diagnosis. Rule set served: {ruleset.name} {ruleset.version} (sha256 "
        f"{ruleset.sha256[:12]}). Stateless: no session, and answers are neither stored nor "
        "logged, so any number of processes behind a load balancer serve it. Every error "
        "is `application/problem+json` (RFC 9457).")
    whole = get_openapi(title=app.title, version=app.version, description=description,
                        routes=[route for route in app.routes
                                if getattr(route, "path", "") == "/healthz"])
    mounted = get_openapi(title=app.title, version=app.version, routes=api.routes)
    whole["paths"].update({prefix + path: item for path, item in mounted["paths"].items()})
    for name, schemas in mounted.get("components", {}).items():
        whole.setdefault("components", {}).setdefault(name, {}).update(schemas)
    whole.setdefault("components", {}).setdefault("schemas", {}).update(
        Result=RESULT_SCHEMA, Problem=PROBLEM_SCHEMA)
    _examples(whole, engine, prefix, triage_body)
    return whole


def _examples(whole: dict[str, Any], engine: Engine, prefix: str, triage_body: Any) -> None:
    """Responses of the examples, computed (left out where the rule set served does not
    take the example answers)."""
    operation = whole["paths"][prefix + "/v1/triage"]["post"]
    good = triage_body(engine, json.dumps(EXAMPLE_ANSWERS).encode(), "refuse", None)
    if good.status_code == 200:
        operation["responses"]["200"]["content"]["application/json"]["example"] = (
            json.loads(bytes(good.body)))
    bad = triage_body(engine, json.dumps(EXAMPLE_BAD_ANSWERS).encode(), "refuse", None)
    operation["requestBody"]["content"]["application/json"]["examples"] = {
        "self-care": {"summary": "complete answers, no danger sign", "value": EXAMPLE_ANSWERS},
        "bad": {"summary": "a bad value and a misspelt id", "value": EXAMPLE_BAD_ANSWERS}}
    del operation["requestBody"]["content"]["application/json"]["example"]
    operation["responses"]["422"]["content"]["application/problem+json"]["example"] = (
        json.loads(bytes(bad.body)))
    from triage.batch.lines import RowTriage, Settings

    rows = RowTriage(Settings(), engine=engine)
    lines = [json.dumps({**EXAMPLE_ANSWERS, "id": "r1"}), '{"id": "r2", "age": "forty"}']
    operation = whole["paths"][prefix + "/v1/batch"]["post"]
    operation["requestBody"]["content"]["application/x-ndjson"]["example"] = (
        "\n".join(lines) + "\n")
    operation["responses"]["200"]["content"]["application/x-ndjson"]["example"] = "".join(
        rows.one(None, (number, text))[0] for number, text in enumerate(lines, 1))


# ---------------------------------------------------------------------------------------
# /docs: the document as one HTML page

METHODS = ("get", "post", "put", "patch", "delete")


def docs_page(spec: dict[str, Any]) -> str:
    """The OpenAPI document as a page: each operation, its parameters, request body,
    responses (with their schemas and examples), the error format; no script."""
    info = spec["info"]
    operations = [(path, method, item[method]) for path, item in spec["paths"].items()
                  for method in METHODS if method in item]
    toc = "".join(f'<li><a href="#{_anchor(method, path)}"><code>{method.upper()} '
                  f"{_e(path)}</code></a>: {_e(op.get('summary', ''))}</li>"
                  for path, method, op in operations)
    body = "".join(_operation(path, method, op) for path, method, op in operations)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HTTP API - backtriage</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="stylesheet" href="/static/apidocs.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="width">
<span class="service">backtriage HTTP API</span></div></header>
<main id="main" class="width apidocs" tabindex="-1">
<h1>{_e(info['title'])} HTTP API <span class="version">version {_e(info['version'])}</span></h1>
{_paragraphs(info.get('description', ''))}
<p>The machine-readable description is <a href="/openapi.json">/openapi.json</a>
(OpenAPI {_e(spec.get('openapi', ''))}).</p>
<h2 id="operations">Operations</h2>
<ul>{toc}<li><a href="#errors">Errors</a></li></ul>
{body}
<section aria-labelledby="errors">
<h2 id="errors">Errors</h2>
<p>Every error is a problem document (<code>application/problem+json</code>, RFC 9457):
<code>type</code>, <code>title</code>, <code>status</code> and <code>detail</code>, and
where there is more than one thing wrong, <code>errors</code>, one entry each.</p>
{_schema_block(PROBLEM_SCHEMA, "The problem document")}
</section>
</main>
</body>
</html>
"""


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    anchor = _anchor(method, path)
    parts = [f'<section aria-labelledby="{anchor}">',
             f'<h2 id="{anchor}"><code>{method.upper()} {_e(path)}</code></h2>',
             f"<p><strong>{_e(op.get('summary', ''))}</strong></p>",
             _paragraphs(op.get("description", ""))]
    parameters = op.get("parameters", [])
    if parameters:
        rows = "".join(
            f"<tr><th scope=\"row\"><code>{_e(p['name'])}</code></th><td>{_e(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else 'no'}</td>"
            f"<td>{_e(_allowed(p.get('schema', {})))}</td>"
            f"<td>{_code(_e(p.get('description', '')))}</td></tr>" for p in parameters)
        parts.append("<h3>Parameters</h3><table class=\"parameters\"><thead><tr>"
                     "<th scope=\"col\">Name</th><th scope=\"col\">In</th>"
                     "<th scope=\"col\">Required</th>"
                     "<th scope=\"col\">Allowed</th><th scope=\"col\">Description</th></tr>"
                     f"</thead><tbody>{rows}</tbody></table>")
    request = op.get("requestBody")
    if request:
        parts.append("<h3>Request body</h3>")
        for media, content in request.get("content", {}).items():
            parts.append(f"<p>Content type <code>{_e(media)}</code></p>")
            schema = content.get("schema", {})
            if schema.get("properties"):
                parts.append(_properties(schema))
            parts.append(_schema_block(schema, "JSON Schema of the body"))
            for name, example in _examples_of(content):
                parts.append(_example(example, f"Example request ({name})"))
    parts.append("<h3>Responses</h3><dl>")
    for status, response in op.get("responses", {}).items():
        parts.append(f"<dt>{_e(status)}</dt><dd><p>{_e(response.get('description', ''))}</p>")
        for media, content in response.get("content", {}).items():
            parts.append(f"<p>Content type <code>{_e(media)}</code></p>")
            if content.get("schema"):
                parts.append(_schema_block(content["schema"], f"Schema of the {status} body"))
            for name, example in _examples_of(content):
                parts.append(_example(example, f"Example response ({name})"))
        parts.append("</dd>")
    parts.append("</dl></section>")
    return "\n".join(part for part in parts if part)


def _examples_of(content: dict[str, Any]) -> list[tuple[str, Any]]:
    if "example" in content:
        return [("example", content["example"])]
    return [(name, item.get("value")) for name, item in content.get("examples", {}).items()]


def _properties(schema: dict[str, Any]) -> str:
    required = set(schema.get("required", ()))
    rows = "".join(
        f"<tr><th scope=\"row\"><code>{_e(name)}</code></th>"
        f"<td>{_e(_allowed(item))}</td>"
        f"<td>{_e(item.get('x-required', 'yes' if name in required else 'no'))}</td>"
        f"<td>{_e(item.get('description', ''))}</td></tr>"
        for name, item in schema["properties"].items())
    return ("<table><caption>Fields (a blank required answer is refused, or with "
            "missing=conservative listed as not screened)</caption>"
            "<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Allowed</th>"
            "<th scope=\"col\">Required</th><th scope=\"col\">Question</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _allowed(schema: dict[str, Any]) -> str:
    """A schema in a few words: ``yes or no``, ``0 to 120``, ``one of: a, b``."""
    if "enum" in schema:
        return "one of: " + ", ".join("null" if v is None else str(v) for v in schema["enum"])
    if "oneOf" in schema:
        return " or ".join(_allowed(option) for option in schema["oneOf"])
    kind = schema.get("type")
    if kind == "boolean":
        return "true or false"
    if kind == "integer" and "minimum" in schema:
        upper = schema.get("maximum")
        return (f"whole number {schema['minimum']} to {upper}" if upper is not None
                else f"whole number from {schema['minimum']}")
    if kind == "array":
        return "list of " + _allowed(schema.get("items", {}))
    return str(kind or "any")


def _schema_block(schema: dict[str, Any], label: str) -> str:
    return (f"<details><summary>{_e(label)}</summary><pre><code>"
            f"{_e(json.dumps(schema, indent=2, ensure_ascii=False))}</code></pre></details>")


def _example(example: Any, label: str) -> str:
    text = example if isinstance(example, str) else json.dumps(example, indent=2,
                                                                ensure_ascii=False)
    return (f"<details><summary>{_e(label)}</summary><pre><code>{_e(text)}</code></pre>"
            "</details>")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_code(_e(part))}</p>" for part in text.split("\n\n") if part.strip())


def _code(escaped: str) -> str:
    """`...` as <code> (the descriptions are written with backticks)."""
    pieces = escaped.split("`")
    return "".join(f"<code>{piece}</code>" if index % 2 else piece
                   for index, piece in enumerate(pieces))


def _anchor(method: str, path: str) -> str:
    return method + "-" + "".join(char if char.isalnum() else "-" for char in path).strip("-")


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)
