"""The shipped rules translated to CLIPS (via clipspy), for the speed benchmark only.

Generated from the loaded rule set, never hand-written: one ``answers`` template fact per
answer set (a slot per question; ``nil`` for a blank), findings as ``(finding name)``
facts, and each rule's condition, as an OR of ANDs (the same expansion the engine uses),
as one CLIPS rule per alternative, binding only the slots that alternative reads, with the
rule's stratum as its salience. The answers go in as one fact, and what fired is collected in a
``defglobal`` multifield; reset, assert, run and read back are one ``eval``. The plan is
then assembled by the same Python code as the engine's, so the comparison is of the rules
engines alone.

``unscreened: true`` (a required answer left blank) is worked out in Python per answer
set and given to CLIPS as a slot, as the engine compiles it to a Python test too.

clipspy is an optional benchmark dependency (``pip install '.[bench]'``), never a runtime one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.engine.network import dnf
from triage.language.conditions import Compare, HasFinding, Unanswered, Unscreened
from triage.language.model import Ruleset
from triage.language.stratify import strata

TEMPLATE = "answers"


def _symbol(value: Any) -> str:
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    return str(value)


def _slot(qid: str) -> str:
    return qid.replace("_", "-")


def _leaf(leaf: Any, var: dict[str, str]) -> str:
    """A CLIPS boolean expression for one answer leaf (false when the answer is blank)."""
    if isinstance(leaf, Unscreened):
        return "(eq ?unscreened TRUE)"
    if isinstance(leaf, Unanswered):
        return f"(member$ {_symbol(leaf.question)} $?unanswered)"
    assert isinstance(leaf, Compare)
    v = var[leaf.question]
    if leaf.multi:
        wanted = leaf.value if leaf.op == "in" else (leaf.value,)
        tests = " ".join(f"(member$ {_symbol(item)} {v})" for item in wanted)
        return f"(and (not (member$ {_symbol(leaf.question)} $?unanswered)) (or FALSE {tests}))"
    if leaf.op == "is":
        return f"(eq {v} {_symbol(leaf.value)})"
    if leaf.op == "in":
        return "(or FALSE " + " ".join(f"(eq {v} {_symbol(item)})" for item in leaf.value) + ")"
    number = f"(integerp {v})"
    if leaf.op == ">=":
        return f"(and {number} (>= {v} {leaf.value}))"
    if leaf.op == "<=":
        return f"(and {number} (<= {v} {leaf.value}))"
    low, high = leaf.value
    return f"(and {number} (>= {v} {low}) (<= {v} {high}))"


def translate(ruleset: Ruleset) -> str:
    """The rule set as CLIPS constructs, one per line."""
    questions = list(ruleset.questions)
    slots = [f"(multislot {_slot(q.id)})" if q.type == "multi" else f"(slot {_slot(q.id)})"
             for q in questions]
    out = [f"(deftemplate {TEMPLATE} {' '.join(slots)} (slot unscreened) "
           "(multislot unanswered))",
           "(deftemplate finding (slot name))",
           "(defglobal ?*fired* = (create$))"]
    var = {q.id: (f"$?{_slot(q.id)}" if q.type == "multi" else f"?{_slot(q.id)}")
           for q in questions}
    level = strata(ruleset.active_rules)
    for index, rule in enumerate(ruleset.active_rules):
        for alt, conjunction in enumerate(dnf(rule.when)):
            used: set[str] = set()  # the slots this alternative reads: only those are bound
            patterns, tests = [], []
            for leaf, negated in conjunction:
                if isinstance(leaf, HasFinding):
                    pattern = f"(finding (name {leaf.name}))"
                    patterns.append(f"(not {pattern})" if negated else pattern)
                    continue
                if isinstance(leaf, Unscreened):
                    used.add("unscreened")
                elif isinstance(leaf, Unanswered) or getattr(leaf, "multi", False):
                    used.add("unanswered")
                if isinstance(leaf, Compare):
                    used.add(leaf.question)
                expression = _leaf(leaf, var)
                tests.append(f"(not {expression})" if negated else expression)
            bound = []
            for qid in sorted(used):
                if qid == "unscreened":
                    bound.append("(unscreened ?unscreened)")
                elif qid == "unanswered":
                    bound.append("(unanswered $?unanswered)")
                else:
                    bound.append(f"({_slot(qid)} {var[qid]})")
            patterns.insert(0, f"({TEMPLATE} {' '.join(bound)})")
            test = f"(test (and TRUE {' '.join(tests)}))" if tests else ""
            record = " ".join([str(index), *rule.then.findings])
            asserts = " ".join(f"(assert (finding (name {name})))"
                               for name in rule.then.findings)
            out.append(f"(defrule r{index}-{alt} (declare (salience {-level[rule.id]})) "
                       f"{' '.join(patterns)} {test} => "
                       f"(bind ?*fired* (create$ ?*fired* {record})) {asserts})")
    return "\n".join(out)


class ClipsRules:
    """The translated rule set, loaded once; ``run`` triages one answer set."""

    def __init__(self, ruleset: Ruleset) -> None:
        import clips

        self.ruleset = ruleset
        self.env = clips.Environment()
        for construct in translate(ruleset).split("\n"):
            self.env.build(construct)
        self._slots = tuple((q.id, _slot(q.id), q.type == "multi") for q in ruleset.questions)
        # clipspy's Python error router is asked about every character CLIPS reads, through
        # a Python callback: the rules are built, so switch it off (fair glue for CLIPS).
        for router in self.env.routers():
            router.deactivate()

    def fact(self, answers: Mapping[str, Any]) -> str:
        """The answers fact, as CLIPS text."""
        parts = [f"({TEMPLATE}"]
        unanswered = []
        for qid, slot, multi in self._slots:
            value = answers.get(qid)
            if value is None:
                unanswered.append(qid)
                parts.append(f"({slot})" if multi else f"({slot} nil)")
            elif multi:
                parts.append(f"({slot} {' '.join(map(str, value))})")
            elif value is True:
                parts.append(f"({slot} TRUE)")
            elif value is False:
                parts.append(f"({slot} FALSE)")
            else:
                parts.append(f"({slot} {value})")
        screened = "TRUE" if self.ruleset.missing_required(answers) else "FALSE"
        parts.append(f"(unscreened {screened}) (unanswered {' '.join(unanswered)}))")
        return " ".join(parts)

    def run(self, answers: Mapping[str, Any]) -> tuple[list[int], set[str]]:
        """(indexes of the active rules that fired, in file order; findings).

        Reset, assert, run and read back in one ``eval``: called one by one through the
        API (``reset``, ``assert_string``, ``run``), CLIPS never empties the garbage
        frame of the facts retracted at each reset, and every run gets slower (3x after
        5,000 answer sets); inside one ``eval`` it is emptied each time.
        """
        fired: set[int] = set()
        findings: set[str] = set()
        for item in self.env.eval(f"(progn (reset) (assert {self.fact(answers)}) (run) "
                                  "?*fired*)"):
            if isinstance(item, int):
                fired.add(item)
            else:
                findings.add(str(item))
        return sorted(fired), findings
