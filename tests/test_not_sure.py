""""Not sure" to a danger sign: a value of its own, never "no", never a blank (HAZ-34).

The rules that read it (RT-NOT-SURE and the emergency-sign wording) are tested by the
clinical cases in rules/cases/not_sure.yaml and the invariants; these tests pin how the
value is read, kept and backed up by the engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import RULES, healthy_adult

import triage
from triage.engine import Engine
from triage.errors import TriageError
from triage.language.model import Urgency
from triage.language.questions import NOT_SURE
from triage.language.values import ValueProblem, coerce
from triage.pipeline import triage_answers
from triage.questionnaire.dictionary import answers_schema, render_dictionary
from triage.questionnaire.flow import show_value
from triage.questionnaire.keyboard import understood
from triage.questionnaire.saved import answers_yaml, resumed


@pytest.mark.parametrize("qid", ["saddle_numbness", "fever", "leg_weakness", "recent_trauma"])
@pytest.mark.parametrize("raw", ["not_sure", "Not sure", "NOT_SURE", " not  sure "])
def test_every_danger_sign_takes_not_sure_in_a_file(ruleset, qid, raw):
    """A danger sign (yes/no or a choice) reads ``not_sure`` (any case, space or
    underscore) as its own value."""
    assert coerce(ruleset.question_map[qid], raw) == NOT_SURE


@pytest.mark.parametrize("raw", ["unsure", "don't know", "not", "not_s", "maybe", "?"])
def test_files_stay_strict_for_danger_signs(ruleset, raw):
    """In a file, only ``not_sure`` itself means not sure: no synonym, no prefix."""
    with pytest.raises(ValueProblem, match="expected yes, no or not_sure"):
        coerce(ruleset.question_map["saddle_numbness"], raw)


@pytest.mark.parametrize("qid", ["muscle_spasms", "kidney_disease", "pregnant", "location"])
def test_questions_that_are_not_danger_signs_refuse_not_sure(ruleset, qid):
    """``not_sure`` is a danger-sign answer only."""
    with pytest.raises(ValueProblem):
        coerce(ruleset.question_map[qid], "not_sure")


@pytest.mark.parametrize("typed", ["not sure", "Not sure", "unsure", "don't know",
                                   "Don't know", "dont know", "not_sure"])
@pytest.mark.parametrize("qid", ["saddle_numbness", "leg_weakness"])
def test_the_keyboard_takes_not_sure_unsure_and_dont_know(ruleset, qid, typed):
    """``triage ask`` reads "not sure", "unsure" and "don't know" as not_sure."""
    assert understood(ruleset.question_map[qid], typed) == (NOT_SURE, False)


def test_the_keyboard_does_not_guess_not_sure(ruleset):
    """A near miss is refused, not read as not sure; "?" stays the help key."""
    with pytest.raises(ValueProblem):
        understood(ruleset.question_map["saddle_numbness"], "not")


def test_not_sure_is_shown_in_words(ruleset):
    """The summary shows "not sure", never "yes" (a non-empty string is truthy)."""
    assert show_value(ruleset.question_map["fever"], NOT_SURE) == "not sure"
    assert show_value(ruleset.question_map["leg_weakness"], NOT_SURE) == "not sure"


def test_a_saved_not_sure_resumes(ruleset, tmp_path: Path):
    """Answers saved with not_sure are read back as not_sure by --resume, not asked
    again and not lost."""
    answers = {**healthy_adult(), "saddle_numbness": NOT_SURE, "leg_weakness": NOT_SURE}
    path = tmp_path / "answers.yaml"
    path.write_text(answers_yaml(ruleset, answers, path.name))
    assert "saddle_numbness: not_sure" in path.read_text()
    import yaml

    kept = resumed(ruleset, yaml.safe_load(path.read_text()), path.name)
    assert kept.notes == []
    assert kept.answers["saddle_numbness"] == NOT_SURE and kept.answers["leg_weakness"] == NOT_SURE


def test_not_sure_is_an_answer_not_a_blank(shipped: Engine):
    """A file with not_sure is accepted by default (a blank is refused), and the danger
    sign is not listed as unscreened."""
    result = triage_answers(shipped, {**healthy_adult(), "fever": "not_sure"})
    assert result.unscreened == () and result.urgency.rank >= Urgency.URGENT.rank
    with pytest.raises(TriageError, match="not answered: fever"):
        triage_answers(shipped, {**healthy_adult(), "fever": None})


def test_the_engine_backs_up_a_rule_set_that_does_not_read_not_sure(tmp_path: Path):
    """A rule set with no rule reading not_sure still never gives less than urgent for
    it (the engine's backstop, like RT-UNSCREENED's)."""
    import re
    import shutil

    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    path = copy / "pathways.yaml"
    blocks = re.split(r"(?m)^(?=  - id: )", path.read_text())
    path.write_text("".join(block.replace("status: active", "status: retired")
                            if block.startswith("  - id: RT-NOT-SURE") else block
                            for block in blocks))
    engine = triage.engine(copy)
    assert not any(rule.id.startswith("RT-NOT-SURE") for rule in engine.ruleset.active_rules)
    answers: dict[str, Any] = {**healthy_adult(), "night_pain": "not_sure"}
    assert triage_answers(engine, answers).urgency is Urgency.URGENT


def test_the_data_dictionary_documents_not_sure(ruleset):
    """``triage questions`` and the answers schema list not_sure for danger signs."""
    text = render_dictionary(ruleset)
    assert "yes | no | not_sure" in text and "not_sure" in text.splitlines()[3]
    schema = answers_schema(ruleset)
    assert "not_sure" in schema["properties"]["fever"]["oneOf"][1]["enum"]
    assert "not_sure" not in schema["properties"]["muscle_spasms"]["oneOf"][1]["enum"]
    assert "not_sure" in schema["properties"]["leg_weakness"]["enum"]


@pytest.mark.parametrize("qid", ["saddle_numbness", "bladder_or_bowel_change", "leg_weakness",
                                 "chest_pain_or_breathless", "abdominal_pulsing_or_faint"])
def test_not_sure_about_a_sign_that_needs_help_now_says_act_now_first(shipped: Engine, qid):
    """What a frightened person reads first on an urgent plan: for a sign that would need
    help within hours, "act now", not "get checked today" (0.2.3; a new user's trial of
    the web form read "today" first and "act now" below the fold)."""
    result = triage_answers(shipped, {**healthy_adult(), qid: "not_sure"})
    assert result.urgency is Urgency.URGENT
    first = next(item for item in result.advice if item.kind == "doctor")
    assert first.title.endswith("Act now"), [item.title for item in result.advice]
    assert [item.id for item in result.advice].index("doctor.not_sure_check") > \
        [item.id for item in result.advice].index(first.id)
