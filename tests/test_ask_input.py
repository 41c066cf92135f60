"""What a person types at `triage ask`: words, menu numbers and the beginnings of words."""

from __future__ import annotations

import pytest

from triage.language.values import ValueProblem, coerce
from triage.questionnaire.keyboard import parse, understood


@pytest.fixture
def triggers(ruleset):
    return ruleset.question_map["triggers"]


def test_the_beginning_of_a_choice_word_picks_that_choice(triggers):
    """'lifting, posture' is lifting_or_bending and prolonged_sitting_or_posture."""
    assert parse(triggers, "lifting, posture") == ("lifting_or_bending",
                                                   "prolonged_sitting_or_posture")


def test_words_of_a_label_and_spaced_values_are_understood_too(triggers):
    """'bed' (a label word) and 'lifting or bending' (the value with spaces) are accepted."""
    assert parse(triggers, "bed; lifting or bending") == ("lifting_or_bending",
                                                          "poor_sleep_or_mattress")


def test_a_word_read_from_its_beginning_is_reported_as_a_guess(triggers):
    """The prompt can say what a shortened word was taken as; exact words are no guess."""
    assert understood(triggers, "lifting")[1] is True
    assert understood(triggers, "lifting_or_bending, 3")[1] is False


def test_every_bad_word_is_named_with_its_did_you_mean(triggers):
    """Two misspelt words: both are named, each with the choice it probably meant."""
    with pytest.raises(ValueProblem) as caught:
        parse(triggers, "liftng, lifting, postrue")
    message = str(caught.value)
    assert "'liftng' is not on the list (did you mean 'lifting_or_bending'?)" in message
    assert "'postrue' is not on the list (did you mean 'prolonged_sitting_or_posture'?)" \
        in message


@pytest.mark.parametrize("typed", ["or", "in", "i"])
def test_a_short_or_ambiguous_beginning_is_not_guessed(triggers, typed):
    """A word that begins several choices (or is under 3 letters) is refused, not guessed."""
    with pytest.raises(ValueProblem):
        parse(triggers, typed)


def test_an_ambiguous_beginning_names_the_choices_it_could_be(ruleset):
    """'rib' could be the lower or the middle back: both are named."""
    with pytest.raises(ValueProblem, match="'rib' could be lower or middle"):
        parse(ruleset.question_map["location"], "rib")


def test_a_single_choice_is_understood_from_its_beginning(ruleset):
    """'sev' for the day-to-day question is 'severe'."""
    assert parse(ruleset.question_map["daily_life_impact"], "sev") == "severe"


def test_a_danger_sign_answer_is_never_guessed(ruleset):
    """'non' for leg weakness is refused with a did-you-mean, never read as 'none'."""
    with pytest.raises(ValueProblem, match=r"did you mean 'none'\?"):
        parse(ruleset.question_map["leg_weakness"], "non")


def test_answers_files_stay_strict(triggers):
    """The beginning of a word is only for the keyboard: coerce still refuses 'lifting'."""
    with pytest.raises(ValueProblem):
        coerce(triggers, ["lifting"])
