"""The patient form of `triage serve`, without JavaScript: whole walks through the pages
as a browser submits them (hidden answers, the fields, the button pressed), checked as a
person would check them: the questions asked, the error summary, the plan, the files."""

from __future__ import annotations

import datetime
import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from asking import person
from webapp import client

from triage import api
from triage import questionnaire as flow
from triage.documents.plan import URGENCY_LABELS
from triage.language.model import Urgency

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class _Forms(HTMLParser):
    """The forms of a page: their action, inputs and submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.button: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "inputs": [], "buttons": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(a)
        elif tag == "button" and self.forms and a.get("type", "submit") == "submit":
            self.button = {**a, "text": ""}
            self.forms[-1]["buttons"].append(self.button)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self.button = None

    def handle_data(self, data: str) -> None:
        if self.button is not None:
            self.button["text"] += data


class Page:
    """A page of the form as a browser without JavaScript has it."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.status = response.status_code
        self.text = response.text
        parser = _Forms()
        parser.feed(self.text)
        self.forms = parser.forms

    @property
    def title(self) -> str:
        return re.search(r"<title>(.*?)</title>", self.text, re.S)[1]

    @property
    def h1(self) -> str:
        return re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", self.text, re.S)[1])

    @property
    def shown(self) -> list[str]:
        return self.hidden().get("shown", [""])[0].split()

    def hidden(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for form in self.forms:
            for field in form["inputs"]:
                if field.get("type") == "hidden":
                    found.setdefault(field["name"], []).append(field["value"])
        return found

    def value(self, name: str) -> str:
        """What a text field shows."""
        return next(field.get("value", "") for form in self.forms for field in form["inputs"]
                    if field.get("name") == name and field.get("type") == "text")

    def checked(self, name: str) -> list[str]:
        return [field["value"] for form in self.forms for field in form["inputs"]
                if field.get("name") == name and "checked" in field]

    def press(self, label: str, fill: dict[str, list[str]] | None = None) -> Page:
        """Press the button whose text starts with ``label``, the fields as shown unless
        ``fill`` gives them (a name's values replace what the page had)."""
        for form in self.forms:
            for button in form["buttons"]:
                if " ".join(button["text"].split()).startswith(label):
                    return self._submit(form, button, fill or {})
        raise AssertionError(f"no button {label!r} on the page {self.title!r}")

    def _submit(self, form: dict[str, Any], button: dict[str, str],
                fill: dict[str, list[str]]) -> Page:
        pairs = []
        for field in form["inputs"]:
            name, kind = field.get("name"), field.get("type", "text")
            if not name or name in fill:
                continue
            if kind in ("radio", "checkbox") and "checked" not in field:
                continue
            pairs.append((name, field.get("value", "")))
        pairs += [(name, value) for name, values in fill.items() for value in values]
        if button.get("name"):
            pairs.append((button["name"], button.get("value", "")))
        action = button.get("formaction") or form["action"]
        return post(action, pairs)


def post(action: str, pairs: list[tuple[str, str]] | dict[str, str]) -> Page:
    """POST fields as a browser sends a form (url-encoded, names repeated as given)."""
    body = urlencode(list(pairs.items()) if isinstance(pairs, dict) else pairs)
    return Page(client().post(action, content=body.encode(), headers={
        "content-type": "application/x-www-form-urlencoded"}))


def typed(value: Any) -> list[str]:
    """A value as the form's field takes it."""
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [str(value)]


def start() -> Page:
    page = Page(client().get("/"))
    assert page.status == 200
    return page.press("Start now")


def walk(source: dict[str, Any], page: Page | None = None,
         typed_as: dict[str, str] | None = None) -> tuple[Page, list[list[str]]]:
    """Answer every screen from ``source`` (``typed_as``: what to type instead) until the
    questionnaire is over; the page then, and the ids of each screen shown."""
    page = page or start()
    screens = []
    while page.shown:
        assert page.status == 200, page.title
        screens.append(page.shown)
        page = page.press("Continue", {qid: [typed_as[qid]] if qid in (typed_as or {})
                                       else typed(source[qid]) for qid in page.shown})
    return page, screens


@pytest.fixture(scope="module")
def engine():
    return api.engine()


def expected_screens(engine, source: dict[str, Any]) -> list[list[str]]:
    """The screens `triage ask` shows for these answers, in order."""
    answers: dict[str, Any] = {}
    screens = []
    while (screen := flow.next_screen(engine, answers)) is not None:
        ids = [q.id for q in screen.questions]
        screens.append(ids)
        answers.update({qid: source[qid] for qid in ids})
    return screens


def _answers_of(page: Page) -> dict[str, list[str]]:
    return {name[2:]: values for name, values in page.hidden().items() if name.startswith("a.")}


# ---------------------------------------------------------------- whole walks

def test_a_self_care_walk_asks_what_ask_asks_then_checks_then_gives_the_plan(engine) -> None:
    source = person()
    page, screens = walk(source)
    assert screens == expected_screens(engine, source)
    assert screens[0] == ["saddle_numbness", "bladder_or_bowel_change",
                          "sexual_function_change", "both_legs_affected"]  # danger first
    assert page.h1 == "Check your answers"
    rows = re.findall(r'<dt class="summary-key">(.*?)</dt>', page.text)
    assert len(rows) == sum(len(ids) for ids in screens)
    plan = page.press("See your plan")
    assert plan.status == 200
    assert plan.h1 == URGENCY_LABELS[Urgency.SELF_CARE]
    body = plan.text
    # urgency first, then the plan; print and downloads offered
    assert body.index("urgency-self_care") < body.index("Stretches and exercises")
    assert 'id="print-button" hidden' in body and "Ctrl+P" in body
    assert "/static/print.js" in body


def test_progress_is_step_n_of_about_m(engine) -> None:
    page = start()
    assert re.search(r"Step 1 of about \d+ \(danger signs\)", page.text)
    page = page.press("Continue", {qid: ["no"] for qid in page.shown})
    assert re.search(r"Step 2 of about \d+", page.text)


def test_an_urgent_walk_ends_with_the_urgent_plan() -> None:
    source = yaml.safe_load((EXAMPLES / "urgent.yaml").read_text(encoding="utf-8"))
    page, _ = walk(source)
    before = datetime.date.today().isoformat()
    plan = page.press("See your plan")
    after = datetime.date.today().isoformat()  # (a walk may cross midnight)
    assert plan.h1 == URGENCY_LABELS[Urgency.URGENT]
    assert "urgency-urgent" in plan.text
    # printed from the page, the plan says when it was given, as the handout does
    assert before in plan.text or after in plan.text


def test_an_emergency_answer_stops_at_once_with_the_emergency_page(engine) -> None:
    page = start()
    emergency = page.press("Continue", {"saddle_numbness": ["yes"],
                                        "bladder_or_bowel_change": ["no"],
                                        "sexual_function_change": ["no"],
                                        "both_legs_affected": ["no"]})
    assert emergency.status == 200
    assert not emergency.shown  # no more questions, no check page
    assert emergency.h1 == "EMERGENCY"
    main = emergency.text[emergency.text.index("<main"):]
    # the call-now message first: the banner, then "Get emergency help now"
    assert main.index("What to do now") < main.index("Get emergency help now") \
        < main.index("Keep a copy")
    assert "999" in main[:main.index("Get emergency help now") + 2000]
    # on a phone, one tap calls: right under the banner, before the advice
    assert main.index("What to do now") < main.index('href="tel:999"') \
        < main.index("<h2>Get emergency help now")


def test_a_yes_pressed_by_mistake_can_be_corrected_from_the_emergency_page() -> None:
    """The emergency page offers Back to the question (with the answers given), not a
    "Change your answers" that showed the same emergency page again (a new user's trial)."""
    answered = {"saddle_numbness": ["yes"], "bladder_or_bowel_change": ["no"],
                "sexual_function_change": ["no"], "both_legs_affected": ["no"]}
    emergency = start().press("Continue", answered)
    assert emergency.h1 == "EMERGENCY" and "Change your answers" not in emergency.text
    again = emergency.press("Back to the last question (to correct an answer)")
    assert set(again.shown) == set(answered)  # the same screen, its answers filled in
    assert re.search(r'value="yes"\s+checked', again.text) or 'value="yes" checked' in again.text
    corrected = again.press("Continue", {**answered, "saddle_numbness": ["no"]})
    assert corrected.h1 != "EMERGENCY" and corrected.shown  # the questions go on


def test_the_answers_file_of_an_emergency_stop_says_how_to_run_it(tmp_path) -> None:
    """The questions stop at an emergency answer, so the file lacks the later danger
    signs: its comment gives the command that reads it, and that command works."""
    emergency = start().press("Continue", {"saddle_numbness": ["yes"]})
    file = tmp_path / "back-pain-answers.yaml"
    file.write_text(emergency.press("Download your answers (YAML)").text, encoding="utf-8")
    text = file.read_text()
    assert "# See the plan again with: triage run --missing conservative " \
        "back-pain-answers.yaml\n" in text
    run = subprocess.run([sys.executable, "-m", "triage", "run", "--missing", "conservative",
                          str(file), "--format", "json"], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["urgency"] == "emergency"


def test_an_emergency_answer_is_not_held_up_by_a_question_left_blank_beside_it() -> None:
    page = start().press("Continue", {"saddle_numbness": ["yes"]})  # the others blank
    assert page.h1 == "EMERGENCY" and "Get emergency help now" in page.text


def test_not_sure_is_offered_for_danger_signs_and_never_read_as_no() -> None:
    page = start()
    assert 'value="not_sure"' in page.text and ">Not sure<" in page.text
    source = person(fever="not_sure")
    page, screens = walk(source)
    assert ["age"] in screens or any("age" in ids for ids in screens)
    assert "not sure" in page.text  # check your answers shows it
    plan = page.press("See your plan")
    assert plan.h1 != URGENCY_LABELS[Urgency.SELF_CARE]  # an unsure fever is not self-care
    assert "not sure" in plan.text


def test_a_choice_danger_sign_offers_i_am_not_sure() -> None:
    page = start()
    while "leg_weakness" not in page.shown:
        page = page.press("Continue", {qid: typed(person()[qid]) for qid in page.shown})
    assert "leg" in page.h1.lower()
    assert "I am not sure" in page.text


# ---------------------------------------------------------------- back and change

def test_back_goes_to_the_previous_screen_with_its_answers_kept() -> None:
    page = start()
    first = page.shown
    page = page.press("Continue", {qid: ["no"] for qid in first})
    second = page.shown
    page = page.press("Continue", {second[0]: ["none"]} if second == ["leg_weakness"]
                      else {qid: ["no"] for qid in second})
    third = page.shown
    back = page.press("Back")
    assert back.shown == second
    assert back.checked(second[0]) == (["none"] if second == ["leg_weakness"] else ["no"])
    back = back.press("Back")
    assert back.shown == first
    assert all(back.checked(qid) == ["no"] for qid in first)
    forward = back.press("Continue")  # the kept answers, as shown
    assert forward.shown == second and forward.checked(second[0])
    assert forward.press("Continue").shown == third


def test_back_on_the_first_screen_goes_to_the_start_page() -> None:
    page = start().press("Back")
    assert page.h1 == "Back pain: what to do now"
    assert page.press("Start now").shown


def test_a_typed_number_is_kept_when_going_back_and_forward() -> None:
    source = person()
    page = start()
    while page.shown != ["age"]:
        page = page.press("Continue", {qid: typed(source[qid]) for qid in page.shown})
    after = page.press("Continue", {"age": ["38"]})
    again = after.press("Back")
    assert again.shown == ["age"] and again.value("age") == "38"


def test_change_from_check_your_answers_goes_there_and_back(engine) -> None:
    source = person()
    check, _ = walk(source)
    change = check.press("Change your answer to: How old are you?")
    assert change.shown == ["age"]
    assert change.value("age") == "38"
    assert "Changing answer" in change.text
    back = change.press("Continue", {"age": ["45"]})
    if back.shown:  # at 45, the flow may ask more (as ask does): answer them
        back, _ = walk(source, back)
    assert back.h1 == "Check your answers"
    assert "45 years" in back.text and "38 years" not in back.text
    # leaving a change with Back keeps the answer it had
    kept = back.press("Change your answer to: How old are you?").press("Back to your answers")
    assert kept.h1 == "Check your answers" and "45 years" in kept.text


def test_a_change_that_opens_new_questions_asks_them_before_the_check() -> None:
    source = person(sex="female", age=30, pregnant=False)
    check, screens = walk(source)
    assert ["pregnant"] in screens
    changed = check.press("Change your answer to: Are you pregnant").press(
        "Continue", {"pregnant": ["yes"]})
    assert changed.shown == ["pregnancy_weeks"]  # asked now, as ask does
    done, _ = walk(person(sex="female", age=30, pregnant=True, pregnancy_weeks=20,
                          pregnancy_warning_signs=False), changed)
    assert done.h1 == "Check your answers"


# ---------------------------------------------------------------- errors

def test_a_bad_value_gets_the_error_summary_linked_to_the_field_with_the_typed_value_kept(
) -> None:
    source = person()
    page = start()
    while page.shown != ["age"]:
        page = page.press("Continue", {qid: typed(source[qid]) for qid in page.shown})
    error = page.press("Continue", {"age": ["two hundred"]})
    assert error.status == 422
    assert error.title.startswith("Error: ")
    assert error.shown == ["age"]
    summary = error.text[error.text.index('class="error-summary"'):]
    assert 'role="alert"' in error.text and "There is a problem" in summary
    link = re.search(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert link[1] == "q-age" and 'id="q-age"' in error.text
    assert "whole number from 0 to 120" in link[2]
    assert error.value("age") == "two hundred"  # what was typed, kept
    assert 'aria-describedby="q-age-hint q-age-error"' in error.text
    assert 'id="q-age-error"' in error.text


def test_an_unanswered_screen_names_each_question_left(engine) -> None:
    page = start()
    error = page.press("Continue", {"saddle_numbness": ["no"]})
    assert error.status == 422
    assert "Question 2: Select yes, no or not sure" in error.text
    assert 'href="#q-bladder_or_bowel_change"' in error.text
    assert error.checked("saddle_numbness") == ["no"]  # the answer given is kept


def test_numbers_are_read_as_ask_reads_them() -> None:
    source = person()
    page, screens = walk(source, typed_as={"duration_days": "2 weeks", "pain_severity": "5/10"})
    assert "14 days" in page.text and "5 out of 10" in page.text


def test_a_tampered_hidden_answer_is_refused_and_its_question_asked_again() -> None:
    page = start()
    page = page.press("Continue", {qid: ["no"] for qid in page.shown})
    fields = {name: values for name, values in page.hidden().items()}
    fields["a.saddle_numbness"] = ["maybe"]
    refused = post("/form", [*((k, v) for k, vs in fields.items() for v in vs),
                             ("action", "continue")])
    assert refused.status == 400
    assert "There is a problem" in refused.text
    assert "saddle_numbness: &#39;maybe&#39; is not allowed" in refused.text
    assert "saddle_numbness" in refused.shown  # asked again, not taken as no
    assert "a.saddle_numbness" not in refused.hidden()


def test_an_unknown_hidden_answer_id_is_named() -> None:
    refused = post("/form", {"a.fevr": "no", "action": "start"})
    assert refused.status == 400
    assert "&#39;fevr&#39; is not a question of this questionnaire (did you mean fever?)" \
        in refused.text


def test_a_body_that_is_not_a_form_is_refused_plainly() -> None:
    response = client().post("/form", content=b"{}", headers={"content-type": "application/json"})
    assert response.status_code == 400 and "could not be shown" in response.text


def test_answers_never_travel_in_a_url() -> None:
    page = start()
    assert all(form["action"] in ("/form", "/download/plan.html") for form in page.forms)
    assert 'method="post"' in page.text and 'method="get"' not in page.text.lower()
    response = client().get("/form?a.fever=no")
    assert response.status_code == 303 and response.headers["location"] == "/"


# ---------------------------------------------------------------- downloads

@pytest.mark.parametrize("example", ["self-care", "urgent"])
def test_the_downloaded_answers_give_the_same_plan_with_triage_run(tmp_path, example) -> None:
    source = yaml.safe_load((EXAMPLES / f"{example}.yaml").read_text(encoding="utf-8"))
    check, _ = walk(source)
    plan = check.press("See your plan")
    handout = plan.press("Download the plan (HTML)")
    assert handout.response.headers["content-disposition"] == \
        'attachment; filename="back-pain-plan.html"'
    assert handout.text.startswith("<!DOCTYPE html>") and plan.h1 in handout.text
    for label, name in (("Download your answers (YAML)", "answers.yaml"),
                        ("Download your answers (JSON)", "answers.json")):
        file = tmp_path / name
        downloaded = plan.press(label)
        assert "attachment" in downloaded.response.headers["content-disposition"]
        file.write_text(downloaded.text, encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "triage", "run", str(file), "--format",
                              "json"],  # as a GP would run it: no flag
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        result = json.loads(run.stdout)
        assert URGENCY_LABELS[Urgency(result["urgency"])] == plan.h1
        for advice in result["advice"]:
            assert html.escape(advice["title"]) in plan.text
            assert html.escape(advice["title"]) in handout.text
    assert json.loads((tmp_path / "answers.json").read_text()) == \
        yaml.safe_load((tmp_path / "answers.yaml").read_text())
    # the file says where it came from and how to see the plan again (not `ask --resume`)
    assert (tmp_path / "answers.yaml").read_text().startswith(
        "# Answers given on the backtriage web form (rule set backtriage-core ")
    assert "# See the plan again with: triage run back-pain-answers.yaml\n" in \
        (tmp_path / "answers.yaml").read_text()


def test_a_download_of_an_unfinished_questionnaire_carries_on_instead() -> None:
    page = start()
    response = post("/download/answers.json", {"a.fever": "no"})
    assert response.shown and "content-disposition" not in response.response.headers
    assert page.status == 200
