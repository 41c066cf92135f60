"""The web form in a real browser: headless Chromium with JavaScript switched OFF walks a
self-care, an urgent, an emergency and a "not sure" path (back, change, a bad value and
its error summary on the way), as a person with JavaScript off would; then axe-core
checks every page type, each shown 640 CSS pixels wide (a 1280-pixel window at 200%
zoom) without sideways scrolling. Screenshots go to tests/output/web/ - look at them.

Needs Debian's chromium and axe-core (see tests/webbrowser.py); skipped with the reason
when they are missing, unless BACKTRIAGE_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from asking import person
from formbrowser import SCREENSHOTS, axe_check, browser, require_browser, served

from triage.documents.plan import URGENCY_LABELS
from triage.language.model import Urgency

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _value(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [str(value)]


def _press(page: Any, name: str) -> None:
    """Press a submit button and wait for the page it brings (under load, reading the
    page before it arrives would read the old one)."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _shown(page: Any) -> list[str]:
    field = page.locator('input[name="shown"]')
    return field.get_attribute("value").split() if field.count() else []


def _answer(page: Any, source: dict[str, Any], typed: dict[str, str] | None = None) -> None:
    """Answer the screen shown from ``source`` (``typed``: text to type instead), as a
    person does: type in the box, or click the labels; then Continue."""
    for qid in _shown(page):
        box = page.locator(f'input[type="text"][name="{qid}"]')
        if box.count():
            box.fill((typed or {}).get(qid, _value(source[qid])[0]))
            continue
        for value in _value(source[qid]):
            page.locator(f'input[name="{qid}"][value="{value}"]').check()
    _press(page, "Continue")


def _walk(page: Any, base: str, source: dict[str, Any], pages: dict[str, str] | None = None,
          typed: dict[str, str] | None = None) -> list[list[str]]:
    """From the start page to the end of the questionnaire; the screens shown."""
    page.goto(base + "/")
    _press(page, "Start now")
    screens = []
    while shown := _shown(page):
        screens.append(shown)
        if pages is not None:
            kind = "question-grouped" if len(shown) > 1 else "question"
            pages.setdefault(kind, page.content())
        _answer(page, source, typed)
    return screens


def _h1(page: Any) -> str:
    return " ".join(page.locator("h1").first.inner_text().split())


def test_four_paths_without_javascript_and_axe_on_every_page_type() -> None:
    require_browser()
    pages: dict[str, str] = {}
    with served() as base, browser() as chromium:
        context = chromium.new_context(java_script_enabled=False,
                                       viewport={"width": 1024, "height": 900})
        page = context.new_page()
        page.goto(base + "/")
        pages["start"] = page.content()

        # self-care, with a bad value on the way (the error summary) and "2 weeks" typed
        source = person()
        _press(page, "Start now")
        while _shown(page) != ["age"]:
            _answer(page, source)
        page.locator("#q-age").fill("forty")
        _press(page, "Continue")
        assert page.title().startswith("Error: ")
        summary = page.locator(".error-summary")
        assert "There is a problem" in summary.inner_text()
        assert page.locator("#q-age").input_value() == "forty"  # what was typed, kept
        pages["error"] = page.content()
        summary.get_by_role("link").first.click()  # the link goes to the field
        assert page.url.endswith("#q-age")
        page.locator("#q-age").fill("38")
        _press(page, "Continue")
        # back, then forward again: the answer is kept
        _press(page, "Back to the previous question")
        assert _shown(page) == ["age"] and page.locator("#q-age").input_value() == "38"
        _press(page, "Continue")
        while _shown(page):
            _answer(page, source, {"duration_days": "2 weeks"})
        assert _h1(page) == "Check your answers"
        assert "14 days" in page.locator(".summary-list").inner_text()
        pages["check"] = page.content()
        # change from check your answers, and back there
        _press(page, "Change your answer to: How old are you?")
        assert _shown(page) == ["age"] and page.locator("#q-age").input_value() == "38"
        page.locator("#q-age").fill("39")
        _press(page, "Continue")
        while _shown(page):  # any question the change opened, then the check again
            _answer(page, source)
        assert _h1(page) == "Check your answers" and "39 years" in page.content()
        _press(page, "See your plan")
        assert _h1(page) == URGENCY_LABELS[Urgency.SELF_CARE]
        assert not page.locator("#print-button").is_visible()  # no JavaScript: no button
        assert page.locator("#print-hint").is_visible()
        pages["plan-self_care"] = page.content()

        # urgent
        _walk(page, base, yaml.safe_load((EXAMPLES / "urgent.yaml").read_text("utf-8")))
        _press(page, "See your plan")
        assert _h1(page) == URGENCY_LABELS[Urgency.URGENT]
        pages["plan-urgent"] = page.content()

        # routine: a long episode, no danger sign
        _walk(page, base, person(duration_days=120, trend="same"))
        _press(page, "See your plan")
        pages[f"plan-{page.locator('.urgency').get_attribute('class').split('-')[-1]}"] = \
            page.content()

        # emergency: stops at once, after the first screen
        screens = _walk(page, base, person(saddle_numbness=True), pages)
        assert len(screens) == 1
        assert _h1(page) == "EMERGENCY"
        main = page.locator("main").inner_text()
        assert main.index("What to do now") < main.index("Get emergency help now")
        pages["emergency"] = page.content()

        # not sure: a danger sign answered "not sure" is never self-care
        _walk(page, base, person(night_pain="not_sure"), pages)
        assert "not sure" in page.locator(".summary-list").inner_text()
        _press(page, "See your plan")
        assert _h1(page) != URGENCY_LABELS[Urgency.SELF_CARE]
        pages["plan-not-sure"] = page.content()
        context.close()

        problems, sideways = [], []
        for name, html in pages.items():
            serious, scrolls = axe_check(chromium, base, html, name)
            problems += serious
            if scrolls:
                sideways.append(name)
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(
        problems)
    assert not sideways, f"these pages scroll sideways at 640 CSS px: {sideways}"
    assert {"start", "question", "question-grouped", "error", "check", "plan-self_care",
            "plan-urgent", "emergency"} <= set(pages)
    assert all((SCREENSHOTS / f"{name}.png").is_file() for name in pages)


def test_keyboard_only_tab_to_the_first_radio_and_submit() -> None:
    require_browser()
    with served() as base, browser() as chromium:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "/")
        for _ in range(5):  # the skip link, then the start button
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Start now":
                break
        assert page.evaluate("document.activeElement.textContent.trim()") == "Start now"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert len(_shown(page)) == 4
        for qid in _shown(page):  # each question: Tab to its radios, "No" by arrow key
            for _ in range(4):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.name") == qid:
                    break
            assert page.evaluate("document.activeElement.name") == qid
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none"  # focus is visible
            page.keyboard.press("ArrowRight")  # Yes -> No (the arrow checks it)
            assert page.locator(f'input[name="{qid}"][value="no"]').is_checked()
        with page.expect_navigation():
            page.keyboard.press("Enter")  # submits the form: Continue is its first button
        assert _shown(page) and "Step 2 of about" in page.content()
        context.close()


@pytest.mark.parametrize("width", [320])
def test_the_print_button_shows_with_javascript(width: int) -> None:
    require_browser()
    with served() as base, browser() as chromium:
        context = chromium.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        _walk(page, base, person())
        _press(page, "See your plan")
        assert page.locator("#print-button").is_visible()
        assert not page.locator("#print-hint").is_visible()
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.screenshot(path=str(SCREENSHOTS / "plan-phone-320.png"), full_page=True)
        context.close()
