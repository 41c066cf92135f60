"""The patient form: the questionnaire of ``triage ask`` as server-rendered pages that
work without JavaScript (GOV.UK / NHS design-system patterns, without their branding).

Stateless: the answers given so far travel in hidden inputs of one POST form (never in
URLs, which end up in logs, proxies and browser history), and every POST checks all of
them again, strictly, as an answers file is checked: a tampered value is refused with
the normal error, and that question is asked again. Nothing is stored on the server.

The flow is :mod:`triage.questionnaire`'s, as ``triage ask`` uses it: danger signs first,
a ``screen`` of yes/no questions on one page (one fieldset each), "not sure" for every
danger sign, an emergency answer ending the questionnaire at once with the emergency
plan, "Step N of about M", a Back button (a submit button: the state is in the form),
"Check your answers" with a Change button per answer, then the plan. Numbers are read
as ``ask`` reads what is typed ("2 weeks", "4/10").

The form's fields: ``a.<id>`` an answer given (hidden, checked on every POST);
``p.<id>`` what was on a screen left with Back (hidden, only to fill that screen in
again); ``shown`` the ids of the questions on the page; ``change`` the id being changed
from "Check your answers"; ``action`` the button pressed (``start``, ``continue``,
``back``, ``check``, ``plan``, ``change:<id>``); and one field per question shown,
named by its id.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from triage import questionnaire as flow
from triage.documents.html import block_html
from triage.documents.plan import plan_document
from triage.documents.render import render_html
from triage.engine import Engine
from triage.language.model import Result, Ruleset, Urgency, fill
from triage.language.questions import NOT_SURE, Question
from triage.language.values import ValueProblem, coerce, typed_forms
from triage.pipeline import triage_answers
from triage.problems import shown, suggest

from .app import HERE, engine_of

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.trim_blocks = templates.env.lstrip_blocks = True

FORM_URL = "/form"
MAX_FIELDS = 1000  # a page has under 100; more is not a form of ours
DOWNLOADS = {  # what the plan page offers: (file name, media type)
    "plan.html": ("back-pain-plan.html", "text/html; charset=utf-8"),
    "answers.yaml": ("back-pain-answers.yaml", "application/yaml; charset=utf-8"),
    "answers.json": ("back-pain-answers.json", "application/json; charset=utf-8"),
}


class BadForm(Exception):
    """A body that is not one of our forms (not url-encoded, not UTF-8, too many fields)."""


@dataclass
class Posted:
    """One POST of the form, read: the answers checked, and what else it carried."""

    answers: dict[str, Any]
    problems: list[str]  # one per hidden answer refused, naming its id
    previous: dict[str, list[str]]  # p.<id>: what a screen left with Back showed
    fields: dict[str, list[str]]  # the visible fields, by question id
    shown: tuple[str, ...]
    change: str | None
    action: str


@dataclass
class Item:
    """One question on a page, ready for the template."""

    question: Question
    number: int  # its number on a screen of several (1, 2, ...), else 0
    values: list[str]  # what the field shows: the typed or chosen values
    error: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def input_id(self) -> str:
        return f"q-{self.question.id}"

    @property
    def kind(self) -> str:
        return self.question.type

    @property
    def legend(self) -> str:
        return f"{self.number}. {self.question.text}" if self.number else self.question.text

    @property
    def hint(self) -> str:
        question = self.question
        if question.type == "integer":
            unit = f" ({question.unit})" if question.unit else ""
            forms = typed_forms(question).strip()[1:-1]  # 'or "3 days", "2 weeks"...'
            return (f"A whole number from {question.minimum} to {question.maximum}{unit}"
                    + (f", {forms}" if forms else ""))
        if question.type == "multi":
            return "Select all that apply."
        return ""

    @property
    def numeric(self) -> bool:
        """A plain number: a phone may show its number pad (not for "2 weeks", "4/10")."""
        return self.question.type == "integer" and not typed_forms(self.question)

    @property
    def described_by(self) -> str:
        ids = [f"{self.input_id}-hint"] if self.hint else []
        return " ".join([*ids, f"{self.input_id}-error"] if self.error else ids)


# ---------------------------------------------------------------- reading a POST

async def read_form(request: Request) -> dict[str, list[str]]:
    """The url-encoded body as {name: [values]} (the BodyLimit middleware bounds it)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise BadForm("the form must be sent url-encoded")
    try:
        text = (await request.body()).decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise BadForm("the form could not be read") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def posted(ruleset: Ruleset, form: Mapping[str, list[str]]) -> Posted:
    """The form read: every hidden answer checked as an answers file's (strictly)."""
    questions = ruleset.question_map
    answers: dict[str, Any] = {}
    problems: list[str] = []
    previous: dict[str, list[str]] = {}
    for name, values in form.items():
        kind, _, qid = name.partition(".")
        if kind == "p" and qid in questions:
            previous[qid] = values
        if kind != "a":
            continue
        question = questions.get(qid)
        if question is None:
            problems.append(f"{shown(qid)} is not a question of this questionnaire"
                            + _did_you_mean(qid, questions))
            continue
        raw: Any = values if question.type == "multi" else values[0]
        if len(values) > 1 and question.type != "multi":
            problems.append(f"{qid}: answered twice ({', '.join(map(shown, values))})")
            continue
        try:
            answers[qid] = coerce(question, raw, lenient=False)
        except ValueProblem as exc:
            problems.append(f"{qid}: {exc}")
    on_page = tuple(qid for qid in _one(form, "shown").split() if qid in questions)
    change = _one(form, "change")
    return Posted(flow.pruned(ruleset, answers), problems, previous,
                  {qid: list(form.get(qid, [])) for qid in on_page}, on_page,
                  change if change in questions else None, _one(form, "action"))


def _one(form: Mapping[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[0]


def _did_you_mean(word: str, questions: Mapping[str, Question]) -> str:
    guess = suggest(word, questions)
    return f" (did you mean {guess}?)" if guess else ""


def read_field(item: Item, values: Sequence[str]) -> Any:
    """The value of one question from its field, as ``ask`` reads what is typed; raise
    ValueProblem with the message shown at the field."""
    question = item.question
    if question.type == "multi":
        chosen = [value for value in values if value]
        if not chosen:
            raise ValueProblem("Select at least one answer")
        return coerce(question, chosen, lenient=False)
    text = values[0].strip() if values else ""
    if not text:
        raise ValueProblem(_blank_message(question))
    if question.type == "integer":
        from triage.questionnaire.keyboard import understood

        try:
            return understood(question, text)[0]
        except ValueProblem as exc:
            raise ValueProblem(f"{str(exc)[:1].upper()}{str(exc)[1:]}") from None
    return coerce(question, text, lenient=False)  # a radio's value: exact


def _blank_message(question: Question) -> str:
    if question.type == "yes_no":
        return "Select yes, no or not sure" if question.takes_not_sure else "Select yes or no"
    if question.type == "integer":
        return f"Enter a whole number from {question.minimum} to {question.maximum}"
    return "Select one answer" + (", or not sure" if question.takes_not_sure else "")


def encoded(question: Question, value: Any) -> list[str]:
    """An answer as the form carries it: yes/no/not_sure, a number, the choice values."""
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def hidden_fields(ruleset: Ruleset, answers: Mapping[str, Any],
                  previous: Mapping[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """The hidden inputs carrying the answers (in asking order) and the screens left."""
    pairs = [(f"a.{q.id}", value) for q in flow.answered(ruleset, answers)
             for value in encoded(q, answers[q.id])]
    for qid, values in sorted((previous or {}).items()):
        if qid not in answers:
            pairs += [(f"p.{qid}", value) for value in values]
    return pairs


# ---------------------------------------------------------------- pages

def _options(question: Question) -> list[tuple[str, str]]:
    if question.type == "yes_no":
        options = [("yes", "Yes"), ("no", "No")]
    else:
        options = [(choice.value, choice.label) for choice in question.choices]
    if question.takes_not_sure:
        options.append((NOT_SURE, "Not sure" if question.type == "yes_no" else "I am not sure"))
    return options


def question_page(request: Request, questions: Sequence[Question], answers: Mapping[str, Any],
                  previous: Mapping[str, list[str]], *, typed: Mapping[str, list[str]] | None
                  = None, errors: Mapping[str, str] | None = None,
                  problems: Sequence[str] = (), change: str | None = None,
                  status: int = 200) -> Response:
    engine = engine_of(request.app)
    ruleset = engine.ruleset
    grouped = len(questions) > 1
    items = []
    for index, question in enumerate(questions, 1):
        if typed is not None:
            values = typed.get(question.id, [])
        elif question.id in previous:
            values = previous[question.id]
        elif answers.get(question.id) is not None:
            values = encoded(question, answers[question.id])
        else:
            values = []
        items.append(Item(question, index if grouped else 0, values,
                          (errors or {}).get(question.id, ""), _options(question)))
    if change is not None:
        caption = f"Changing answer {flow.number(ruleset, answers, questions[0])}"
    else:
        caption = flow.step_heading(flow.progress(engine, answers))
    section = flow.section_name(questions[0])
    summary: list[tuple[str | None, str]] = [
        (f"#{item.input_id}", f"{item.error}" if not grouped
                else f"Question {item.number}: {item.error}") for item in items if item.error]
    summary += [(None, f"An answer carried by this page could not be used, so its "
                       f"question is asked again: {text}") for text in problems]
    keep = {**answers}
    if change is None:  # the page's own answers are its fields (a change keeps the old)
        for question in questions:
            keep.pop(question.id, None)
    title = flow.group_heading(questions) if grouped else questions[0].text
    return templates.TemplateResponse(request, "question.html", {
        "title": title, "errors": summary, "items": items, "grouped": grouped,
        "caption": f"{caption} ({section})", "change": change,
        "shown": " ".join(q.id for q in questions),
        "hidden": hidden_fields(ruleset, keep, previous)}, status_code=status)


def check_page(request: Request, answers: Mapping[str, Any],
               problems: Sequence[str] = ()) -> Response:
    ruleset = engine_of(request.app).ruleset
    rows = [(qid, text, answer) for _, qid, text, answer in flow.summary_rows(ruleset, answers)]
    return templates.TemplateResponse(request, "check.html", {
        "rows": rows, "hidden": hidden_fields(ruleset, answers),
        "errors": [(None, text) for text in problems]},
        status_code=400 if problems else 200)


def plan_page(request: Request, answers: Mapping[str, Any]) -> Response:
    """The plan (or the emergency page: the same document, call-now first)."""
    engine = engine_of(request.app)
    result = _result(engine, answers)
    # dated as the downloaded handout is: a printed plan says when it was given
    document = plan_document(result, date=datetime.date.today().isoformat())
    blocks = [html for html in map(block_html, document.blocks) if html]
    return templates.TemplateResponse(request, "plan.html", {
        "title": document.title, "blocks": blocks,
        "emergency": result.urgency is Urgency.EMERGENCY,
        "emergency_number": engine.ruleset.locales[engine.ruleset.default_locale].get(
            "emergency_number", ""),
        "hidden": hidden_fields(engine.ruleset, answers)})


def start_page(request: Request, previous: Mapping[str, list[str]] | None = None) -> Response:
    ruleset = engine_of(request.app).ruleset
    services = ruleset.locales[ruleset.default_locale]
    return templates.TemplateResponse(request, "start.html", {
        "disclaimer": fill(ruleset.disclaimer, services),
        "emergency_number": services.get("emergency_number", ""),
        "hidden": hidden_fields(ruleset, {}, previous)})


def _result(engine: Engine, answers: Mapping[str, Any]) -> Result:
    """As ``triage ask`` ends: blanks read conservatively (an emergency stop leaves some)."""
    return triage_answers(engine, answers, source="form", missing="conservative")


def next_page(request: Request, answers: Mapping[str, Any],
              previous: Mapping[str, list[str]], problems: Sequence[str] = ()) -> Response:
    """What comes after these answers: the next screen, the emergency page at once, or
    "Check your answers"."""
    engine = engine_of(request.app)
    screen = flow.next_screen(engine, answers)
    if screen is None:
        if flow.is_emergency(engine, answers):
            return plan_page(request, answers)
        return check_page(request, answers, problems)
    return question_page(request, screen.questions, answers, previous, problems=problems,
                         status=400 if problems else 200)


def bad_request(request: Request, reason: str) -> Response:
    return templates.TemplateResponse(request, "problem.html", {"reason": reason},
                                      status_code=400)


# ---------------------------------------------------------------- the flow

def answer_page(request: Request, post: Posted) -> Response:
    """The page for one POST of the form."""
    ruleset = engine_of(request.app).ruleset
    answers, previous, action = post.answers, dict(post.previous), post.action
    if post.problems:  # tampered: refused, and those questions asked again
        return next_page(request, answers, previous, post.problems)
    if action == "start":
        return next_page(request, {}, previous)
    if action.startswith("change:") and action[7:] in answers:
        question = ruleset.question_map[action[7:]]
        return question_page(request, [question], answers, {}, change=question.id)
    if action == "check" or (action == "back" and post.change):
        return next_page(request, answers, {})  # a change abandoned keeps the answer
    if action == "back":
        previous.update({qid: values for qid, values in post.fields.items()
                         if any(values)})  # what was on the page, to show again
        remaining, undone = flow.back(ruleset, answers)
        previous.update({qid: encoded(ruleset.question_map[qid], value)
                         for qid, value in answers.items() if qid not in remaining})
        if undone is None:
            return start_page(request, previous)
        return next_page(request, remaining, previous)
    if action == "continue" and post.shown:
        return continued(request, post, previous)
    engine = engine_of(request.app)
    if action == "plan" and flow.next_screen(engine, answers) is None:
        return plan_page(request, answers)
    return next_page(request, answers, previous)  # a page to carry on from


def continued(request: Request, post: Posted, previous: dict[str, list[str]]) -> Response:
    """Continue: read the page's fields; any error shows the page again with the error
    summary, every typed value kept."""
    ruleset = engine_of(request.app).ruleset
    questions = [ruleset.question_map[qid] for qid in post.shown]
    given, errors = {}, {}
    for index, question in enumerate(questions, 1):
        item = Item(question, index, post.fields.get(question.id, []))
        try:
            given[question.id] = read_field(item, item.values)
        except ValueProblem as exc:
            errors[question.id] = str(exc)
    base = {k: v for k, v in post.answers.items() if k not in given}
    engine = engine_of(request.app)
    if errors and flow.is_emergency(engine, flow.pruned(ruleset, {**base, **given})):
        return plan_page(request, {**base, **given})  # a danger sign never waits on a typo
    if errors:
        return question_page(request, questions, post.answers if post.change else base,
                             previous, typed=post.fields,
                             errors=errors, change=post.change, status=422)
    for qid in given:
        previous.pop(qid, None)
    return next_page(request, flow.pruned(ruleset, {**base, **given}), previous)


def download(request: Request, name: str, answers: Mapping[str, Any]) -> Response:
    """The handout (HTML) or the answers file (YAML or JSON, as ``triage run`` reads)."""
    engine = engine_of(request.app)
    ruleset = engine.ruleset
    filename, media = DOWNLOADS[name]
    if name == "plan.html":
        body = render_html(_result(engine, answers), date=datetime.date.today().isoformat())
    elif name == "answers.yaml":
        from triage.questionnaire.saved import answers_yaml

        body = answers_yaml(ruleset, answers, filename, web=True,
                            stopped=flow.is_emergency(engine, answers))
    else:
        body = json.dumps({q.id: (list(answers[q.id]) if isinstance(answers[q.id], tuple)
                                  else answers[q.id]) for q in flow.answered(ruleset, answers)},
                          indent=2, ensure_ascii=False) + "\n"
    return Response(body, media_type=media, headers={
        "content-disposition": f'attachment; filename="{filename}"'})


def install(app: FastAPI) -> None:
    """Add the form's pages to ``app``."""

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False,
                   response_class=HTMLResponse)
    async def start(request: Request) -> Response:
        return start_page(request)

    async def not_here(request: Request, exc: Exception) -> Response:
        """A page, not JSON, for an address that is not one of ours (the API, mounted at
        /api, answers its own with problem+json)."""
        status = getattr(exc, "status_code", 404)
        reason = ("there is no page at this address" if status == 404
                  else "this page cannot be asked for that way")
        return templates.TemplateResponse(request, "problem.html", {"reason": reason},
                                          status_code=status,
                                          headers=getattr(exc, "headers", None))

    app.add_exception_handler(StarletteHTTPException, not_here)

    @app.get(FORM_URL, include_in_schema=False)
    async def form_get() -> Response:  # answers never come in a URL: start again
        return RedirectResponse("/", status_code=303)

    @app.post(FORM_URL, include_in_schema=False, response_class=HTMLResponse)
    async def form_post(request: Request) -> Response:
        try:
            fields = await read_form(request)
        except BadForm as exc:
            return bad_request(request, str(exc))
        return answer_page(request, posted(engine_of(request.app).ruleset, fields))

    @app.post("/download/{name}", include_in_schema=False)
    async def download_post(request: Request, name: str) -> Response:
        if name not in DOWNLOADS:
            return bad_request(request, f"there is no download called {shown(name)}")
        try:
            fields = await read_form(request)
        except BadForm as exc:
            return bad_request(request, str(exc))
        post = posted(engine_of(request.app).ruleset, fields)
        if post.problems or flow.next_screen(engine_of(request.app), post.answers):
            return next_page(request, post.answers, {}, post.problems)  # not a whole set
        return download(request, name, post.answers)
