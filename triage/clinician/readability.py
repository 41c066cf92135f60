"""Reading ease of the words people see: questions (danger signs above all) and advice.

Scores come from ``textstat`` (Flesch-Kincaid grade, counting syllables with the CMU
pronouncing dictionary that ships with it), imported only when a check runs. A US school
grade reads as a reading age of about grade + 5: the target for questions is a 9 to
11-year-old reading age (CLINICAL.md section 0), so a danger-sign question is flagged
above grade 7 (a reading age of about 12, one year's slack for the one medical word a
question sometimes cannot avoid), and any sentence of a danger-sign question over 20 words.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import field

from triage.language.model import Ruleset
from triage.problems import Place
from triage.records import record

MAX_GRADE = 7.0  # danger-sign questions: reading age about 12 at most
MAX_WORDS = 20  # words in any one sentence of a danger-sign question
_SENTENCE = re.compile(r"(?<=[.?!])\s+")


@record
class Flag:
    """A danger-sign question a reader may struggle with, and why."""

    qid: str
    place: Place
    message: str


@record
class Readability:
    """Median grades of what people read, and the danger-sign questions flagged."""

    question_grade: float
    danger_sign_grade: float
    advice_grade: float
    flags: tuple[Flag, ...] = field(default_factory=tuple)
    error: str = ""  # textstat could not run: the figures are missing, not zero

    def summary(self) -> str:
        if self.error:
            return f"readability not measured ({self.error})"
        return (f"median Flesch-Kincaid grade: questions {self.question_grade:.1f} "
                f"(danger signs {self.danger_sign_grade:.1f}), advice {self.advice_grade:.1f}"
                f" (reading age about grade + 5)")


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE.split(" ".join(text.split())) if part]


def measure(ruleset: Ruleset) -> Readability:
    """Score every question and advice text of the rule set."""
    try:
        import textstat  # noqa: PLC0415 - only `rules check` and `rules review` pay for it

        grade = textstat.flesch_kincaid_grade
        questions = [(q, float(grade(q.text))) for q in ruleset.questions]
        advice = [float(grade(item.text)) for item in ruleset.advice.values()]
    except Exception as exc:  # noqa: BLE001 - a missing dictionary must not stop a check
        return Readability(0.0, 0.0, 0.0, error=f"{type(exc).__name__}: {exc}"[:200])
    flags = []
    for question, score in questions:
        if not question.danger_sign:
            continue
        if score > MAX_GRADE:
            flags.append(Flag(question.id, question.place,
                              f"question {question.id}: reading grade {score:.1f} is above "
                              f"{MAX_GRADE:g} (a reading age over about {MAX_GRADE + 5:g}); "
                              "use shorter words and sentences"))
        longest = max((len(s.split()) for s in sentences(question.text)), default=0)
        if longest > MAX_WORDS:
            flags.append(Flag(question.id, question.place,
                              f"question {question.id}: a sentence of {longest} words (at "
                              f"most {MAX_WORDS} in a danger-sign question)"))
    danger = [score for question, score in questions if question.danger_sign]
    return Readability(
        question_grade=statistics.median(score for _, score in questions),
        danger_sign_grade=statistics.median(danger) if danger else 0.0,
        advice_grade=statistics.median(advice) if advice else 0.0, flags=tuple(flags))
