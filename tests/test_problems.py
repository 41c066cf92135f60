"""Problems are data (place, message, suggestion), and one place formats them."""

from __future__ import annotations

import pytest

from triage.errors import AnswersError, RulesetError, TriageError
from triage.problems import Place, Problem, bounded_lines, suggest


def test_a_problem_prints_its_place_message_and_suggestion():
    """`file:line: message (did you mean 'x'?)`, as every command prints it."""
    problem = Problem.misspelt(Place("answers.yaml", 12), "leg_weakness: 'worse' is not "
                               "allowed", "worse", ["none", "stable", "worsening"])
    assert problem.suggestion == "worsening"
    assert str(problem) == ("answers.yaml:12: leg_weakness: 'worse' is not allowed "
                            "(did you mean 'worsening'?)")


@pytest.mark.parametrize(("place", "shown"), [
    (Place("rules.yaml", 3), "rules.yaml:3: bad"),
    (Place("rules.yaml"), "rules.yaml: bad"),
    (Place("row 5"), "row 5: bad"),
    (Place(""), "bad"),
    (None, "bad"),
])
def test_a_place_is_a_file_and_line_or_a_name(place, shown):
    """A line is shown when known; a place that names nothing is left out."""
    assert str(Problem(place, "bad")) == shown


def test_a_suggestion_is_data_or_none():
    """The closest known word, the one containing a short word, or nothing."""
    assert suggest("fevr", ["fever", "age"]) == "fever"
    assert suggest("lifting", ["lifting_or_bending", "none_known"]) == "lifting_or_bending"
    assert suggest("zzz", ["fever", "age"]) is None
    assert suggest("fever", ["fever"]) is None


def test_a_lookalike_character_is_named():
    """A Cyrillic 'а' in 'age' looks right on screen: the message says which character."""
    problem = Problem.misspelt(Place("answers.yaml", 1), "unknown answer id 'аge'", "аge",
                               ["age"])
    assert problem.text.endswith("(did you mean 'age'? what was given has U+0430 CYRILLIC "
                                 "SMALL LETTER A)")


def test_errors_hold_their_problems():
    """Every error carries its problems; the rule set error says how many first."""
    problems = [Problem(Place("a.yaml", 1), "one"), Problem(Place("b.yaml", 2), "two")]
    assert str(RulesetError(problems)) == ("rule set has 2 problems:\n  a.yaml:1: one\n"
                                           "  b.yaml:2: two")
    assert RulesetError(problems).lines() == [("", "rule set has 2 problems:"),
                                              ("a.yaml", "a.yaml:1: one"),
                                              ("b.yaml", "b.yaml:2: two")]
    assert str(AnswersError(problems)) == "a.yaml:1: one\nb.yaml:2: two"
    single = TriageError("is a folder", "--output x")
    assert (str(single), single.place, single.message) == ("--output x: is a folder",
                                                           Place("--output x"), "is a folder")


def test_many_lines_of_one_file_are_counted_not_shown():
    """At most `per_file` lines per file; the rest of each file is one counted line."""
    lines = [("a.yaml", f"a.yaml:{n}: bad") for n in range(1, 5)] + [("b.yaml", "b.yaml: x")]
    assert bounded_lines(lines, per_file=2) == [
        "a.yaml:1: bad", "a.yaml:2: bad", "b.yaml: x", "a.yaml: ... and 2 more lines like these"]
