"""The clinician's review document: every rule in plain language, the advice catalogue,
which test cases cover each rule, the safety invariants and a sign-off table.

The document is built once as a list of blocks (:mod:`triage.documents.blocks`), then
written by the documents' renderers as markdown or as self-contained, printable HTML
(inline CSS, no scripts, no external resources). Same rule
set in, byte-identical document out: there is no timestamp unless a date is passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from triage.documents import html, markdown
from triage.documents.blocks import Block, Document, Heading, Items, Para, Table
from triage.documents.style import REVIEW_CSS
from triage.engine import Engine
from triage.language.conditions import (
    All,
    AnyOf,
    Compare,
    Condition,
    HasFinding,
    Not,
    Unanswered,
    Unscreened,
    finding_polarity,
)
from triage.language.model import Advice, Invariant, Rule, Ruleset
from triage.language.questions import Question
from triage.problems import Place

from .cases import load_cases, run_case
from .formats import ReviewFormat
from .verify import VerifyReport
from .verify_report import coverage_text, deciding


@dataclass
class Coverage:
    """Which test cases fire each rule, and how the cases fared."""

    cases_by_rule: dict[str, list[str]] = field(default_factory=dict)
    total: int = 0
    passed: int = 0
    problems: list[str] = field(default_factory=list)  # cases that could not be run


# ------------------------------------------------------------ plain language


def _name(question: Question | None, qid: str) -> str:
    name = qid.replace("_", " ")
    if question is not None and question.unit and name.endswith(" " + question.unit):
        name = name[: -len(question.unit) - 1]
    return name


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def _either(values: tuple[Any, ...]) -> str:
    shown = [_value(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _compare(leaf: Compare, questions: Mapping[str, Question]) -> str:
    question = questions.get(leaf.question)
    name = _name(question, leaf.question)
    unit = f" {question.unit}" if question is not None and question.unit else ""
    if leaf.multi:
        values = leaf.value if leaf.op == "in" else (leaf.value,)
        return f"{name} include {_either(values)}"
    if leaf.op == "is":
        return f"{name}: {_value(leaf.value)}"
    if leaf.op == "in":
        return f"{name}: {_either(leaf.value)}"
    if leaf.op == ">=":
        return f"{name}: {leaf.value}{unit} or more"
    if leaf.op == "<=":
        return f"{name}: {leaf.value}{unit} or less"
    return f"{name}: {leaf.value[0]} to {leaf.value[1]}{unit}"


def plain(condition: Condition | None, questions: Mapping[str, Question]) -> str:
    """A condition read aloud: 'saddle numbness', 'age is 65 years or more', ..."""
    if condition is None:
        return "always"
    if isinstance(condition, Compare):
        return _compare(condition, questions)
    if isinstance(condition, HasFinding):
        return f"finding \u201c{_value(condition.name)}\u201d"
    if isinstance(condition, Unanswered):
        return f"{_name(questions.get(condition.question), condition.question)} not answered"
    if isinstance(condition, Unscreened):
        return "a danger sign or another required question is not answered"
    if isinstance(condition, Not):
        inner = condition.item
        if isinstance(inner, HasFinding):
            return f"no finding \u201c{_value(inner.name)}\u201d"
        return f"not ({plain(inner, questions)})"
    parts = [_grouped(item, questions) for item in condition.items]
    if isinstance(condition, All):
        return " and ".join(parts) if parts else "always"
    if len(parts) > 2:
        return "any of (" + "; ".join(parts) + ")"
    return " or ".join(parts)


def _grouped(item: Condition, questions: Mapping[str, Question]) -> str:
    text = plain(item, questions)
    bare = text.startswith("any of (") or not isinstance(item, (All, AnyOf)) \
        or len(item.items) < 2
    return text if bare else f"({text})"


def outcome_text(rule: Rule, advice: Mapping[str, Advice]) -> str:
    """The ``then`` part read aloud."""
    then = rule.then
    parts = []
    if then.urgency is not None:
        parts.append(f"urgency {then.urgency.value.replace('_', ' ').upper()}")
    if then.findings:
        parts.append("note the finding " + ", ".join(f"\u201c{_value(f)}\u201d"
                                                     for f in then.findings))
    if then.recommend:
        parts.append("recommend " + ", ".join(f"\u201c{advice[a].title}\u201d ({a})"
                                              for a in then.recommend))
    if then.exclude:
        parts.append("hold back " + ", ".join(then.exclude))
    return "; ".join(parts) if parts else "nothing"


def expectation_text(invariant: Invariant) -> str:
    """What an invariant demands, read aloud."""
    expect = invariant.expect
    parts = []
    if expect.urgency is not None:
        parts.append(f"the urgency is {expect.urgency.value.replace('_', ' ')}")
    if expect.urgency_at_least is not None:
        parts.append(f"the urgency is at least {expect.urgency_at_least.value}")
    if expect.not_urgency:
        parts.append("the urgency is never " + _either(tuple(u.value for u in expect.not_urgency)))
    if expect.excludes:
        parts.append("never advised: " + ", ".join(expect.excludes))
    if expect.includes:
        parts.append("always advised: " + ", ".join(expect.includes))
    if expect.includes_any:
        parts.append("always advised, at least one of: " + ", ".join(expect.includes_any))
    for level, inner in expect.by_urgency:
        parts.append(f"when the urgency is {level.value.replace('_', ' ')}, "
                     + expectation_text(replace(invariant, expect=inner)))
    if expect.plan:
        parts.append("exactly one urgency and at least one piece of advice")
    if expect.blank_never_lowers:
        parts.append("leaving any optional answer blank never gives a lower urgency than "
                     "answering it")
    if expect.safety_net:
        parts.append("every \"get help if\" line the answers already meet is reflected in "
                     "the urgency")
    return "; ".join(parts)


# ------------------------------------------------------------------ coverage


def case_coverage(engine: Engine) -> Coverage:
    """Run every test case of the rule set and record which rules each one fires."""
    coverage = Coverage()
    for case in load_cases(engine.ruleset):
        outcome = run_case(engine, case)
        coverage.total += 1
        coverage.passed += outcome.passed
        if outcome.result is None:
            coverage.problems.append(f"{case.id}: {'; '.join(outcome.problems)}")
            continue
        for fired in outcome.result.fired_rules:
            coverage.cases_by_rule.setdefault(fired.id, []).append(case.id)
    return coverage


# ------------------------------------------------------------------ the document


def document(ruleset: Ruleset, coverage: Coverage, report: VerifyReport | None,
             date: str | None = None,
             mutation: Mapping[str, str] | None = None) -> list[Block]:
    """The whole review document as blocks. ``mutation``: rule id -> its mutation status
    ("guarded by: INV-..., CASE-...", from ``rules verify --mutants``), if it was run."""
    blocks: list[Block] = [Heading(1, f"Clinical review: {ruleset.name} {ruleset.version}")]
    blocks += _summary(ruleset, coverage, report, date)
    blocks += _rules(ruleset, coverage, mutation or {})
    blocks += _advice(ruleset)
    blocks += _glossary(ruleset)
    blocks += _coverage(ruleset, coverage)
    blocks += _hazards(ruleset)
    blocks += _readability(ruleset)
    blocks += _invariants(ruleset, report)
    blocks += _sign_off(ruleset)
    return blocks


def _summary(ruleset: Ruleset, coverage: Coverage, report: VerifyReport | None,
             date: str | None) -> list[Block]:
    active = ruleset.active_rules
    uncovered = [r.id for r in active if r.id not in coverage.cases_by_rule]
    held = sum(item.holds for item in report.invariants) if report else 0
    facts = [
        ("Rule set", f"{ruleset.name} {ruleset.version} (sha256 {ruleset.sha256})"),
        ("Rules", f"{len(active)} active, {len(ruleset.rules) - len(active)} draft or retired"),
        ("Advice catalogue", f"{len(ruleset.advice)} items"),
        ("Test cases", f"{coverage.total} cases, {coverage.passed} passing; "
                       f"{len(uncovered)} active rules fired by no case"),
        ("Safety invariants", f"{held} of {len(ruleset.invariants)} hold" if report
         else f"{len(ruleset.invariants)} declared, not verified in this document"),
    ]
    if date:
        facts.insert(0, ("Date", date))
    blocks: list[Block] = [Para(
        "This document lists every rule of the rule set in plain language, the advice it "
        "can give, which clinical test cases exercise each rule, and the safety properties "
        "checked over the answer space. Read it, then sign the table at the end.")]
    blocks.append(Items(tuple(text for _, text in facts),
                        labels=tuple(label for label, _ in facts)))
    if uncovered:
        blocks.append(Para(f"{len(uncovered)} active rules are not covered by any test case: "
                           + ", ".join(uncovered) + ".", flag=True))
    return blocks


def source(ruleset: Ruleset, place: Place) -> str:
    """``file:line`` inside the rule set folder (``rules/danger_signs.yaml:15``), whatever
    the working folder or install location: the same rules give the same document."""
    root = Path(ruleset.root).resolve()
    try:
        inside = Path(place.file).resolve().relative_to(root)
    except ValueError:
        return str(place)
    return f"{root.name}/{inside.as_posix()}:{place.line}"


def _categories(rules: tuple[Rule, ...]) -> dict[str, list[Rule]]:
    grouped: dict[str, list[Rule]] = {}
    for rule in rules:
        grouped.setdefault(rule.category, []).append(rule)
    return grouped


def _rules(ruleset: Ruleset, coverage: Coverage, mutation: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Rules, by category", "rules")]
    questions = ruleset.question_map
    for category, rules in _categories(ruleset.rules).items():
        blocks.append(Heading(3, f"Category: {category}"))
        for rule in rules:
            cases = coverage.cases_by_rule.get(rule.id, [])
            blocks.append(Heading(4, f"{rule.id}: {rule.title}", rule.id))
            condition = plain(rule.when, questions)
            blocks.append(Para(f"Always: {outcome_text(rule, ruleset.advice)}."
                               if condition == "always" else
                               f"If {condition}, then {outcome_text(rule, ruleset.advice)}."))
            details = [("Why", rule.rationale), ("Evidence", "; ".join(rule.evidence)),
                       ("Status", rule.status), ("Reviewed by", rule.reviewed_by),
                       ("Reviewed on", rule.reviewed_on),
                       ("Source", source(ruleset, rule.place))]
            blocks.append(Items(tuple(t for _, t in details), labels=tuple(k for k, _ in details)))
            if rule.id in mutation:
                status = mutation[rule.id]
                blocks.append(Para(status, label="Mutation status:",
                                   flag=status.startswith("SURVIVED")))
            if cases:
                blocks.append(Para(", ".join(cases), label=f"Tested by {len(cases)} cases:"))
            elif rule.status == "active":
                blocks.append(Para("no test case fires this rule.", label="NOT COVERED:",
                                   flag=True))
    return blocks


def _advice(ruleset: Ruleset) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Advice catalogue", "advice")]
    for item in ruleset.advice.values():
        blocks.append(Heading(3, f"{item.id}: {item.title}", item.id))
        blocks.append(Para(item.text, label=f"{item.kind}:"))
        points = tuple(point.text if point.when is None else
                       f"{point.text} [when {plain(point.when, ruleset.question_map)}: at "
                       f"least {point.urgency.value if point.urgency else '?'}]"
                       for point in item.points)
        lists = [("Steps", item.steps, True), ("Skip if", item.skip_if, False),
                 ("Cautions", item.cautions, False), ("Points", points, False)]
        for label, values, ordered in lists:
            if values:
                blocks += [Para("", label=f"{label}:"), Items(values, ordered=ordered)]
        fields = [("Hold", item.hold), ("Repetitions", item.repetitions),
                  ("How often", item.frequency),
                  ("Corrects the source article", item.corrects_source),
                  ("Evidence", "; ".join(item.evidence)),
                  ("Source", source(ruleset, item.place))]
        shown = [(k, v) for k, v in fields if v]
        blocks.append(Items(tuple(v for _, v in shown), labels=tuple(k for k, _ in shown)))
    return blocks


def _glossary(ruleset: Ruleset) -> list[Block]:
    """Each finding: what it means, which rules assert it and which build on it."""
    asserted: dict[str, list[str]] = {}
    used: dict[str, list[str]] = {}
    for rule in ruleset.active_rules:
        for name in rule.then.findings:
            asserted.setdefault(name, []).append(rule.id)
        for name, _negated in finding_polarity(rule.when):
            used.setdefault(name, []).append(rule.id)
    names = list(ruleset.findings) + sorted(set(asserted) - set(ruleset.findings))
    rows = tuple((name, ruleset.findings[name].meaning if name in ruleset.findings
                  else "NOT IN THE GLOSSARY", ", ".join(asserted.get(name, [])) or "none",
                  ", ".join(used.get(name, [])) or "none (labels the result)")
                 for name in names)
    return [Heading(2, "Findings glossary", "findings"),
            Para("Findings are the engine's intermediate conclusions: some are steps other "
                 "rules build on, others label the result (they appear in the JSON output)."),
            Table(("Finding", "Meaning", "Asserted by", "Used by"), rows)]


def _coverage(ruleset: Ruleset, coverage: Coverage) -> list[Block]:
    rows = []
    for rule in ruleset.active_rules:
        cases = coverage.cases_by_rule.get(rule.id, [])
        rows.append((rule.id, str(len(cases)), "yes" if cases else "NOT COVERED"))
    blocks: list[Block] = [
        Heading(2, "Test-case coverage", "coverage"),
        Para(f"{coverage.total} test cases were run through the rules; {coverage.passed} "
             "give what they expect. A rule counts as covered when at least one case fires it."),
        Table(("Rule", "Cases that fire it", "Covered"), tuple(rows)),
    ]
    for problem in coverage.problems:
        blocks.append(Para(problem, label="Case could not be run:", flag=True))
    return blocks


def _invariants(ruleset: Ruleset, report: VerifyReport | None) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Safety invariants", "invariants")]
    if report is None:
        blocks.append(Para("Not verified in this document: run triage rules verify.", flag=True))
    else:
        blocks.append(Para(coverage_text(report).replace("\n", " ")))
        if not report.pairwise:
            blocks.append(Para("This is the quick check; triage rules verify runs the full "
                               "design (every pair of answers, every threshold)."))
    results = {item.invariant.id: item for item in report.invariants} if report else {}
    questions = ruleset.question_map
    for invariant in ruleset.invariants:
        item = results.get(invariant.id)
        status = "not checked" if item is None else "HOLDS" if item.holds else "BROKEN"
        scope = ("every answer set the tool accepts (all danger signs and required "
                 "questions answered)" if invariant.scope == "every_answer_set"
                 else "every answer set with a danger sign or required question left "
                 "unanswered (--missing conservative)")
        when = f", when {plain(invariant.when, questions)}" if invariant.when else ""
        blocks.append(Heading(3, f"{invariant.id}: {invariant.title}", invariant.id))
        blocks.append(Para(invariant.statement))
        details = [("Checked as", f"for {scope}{when}: {expectation_text(invariant)}"),
                   ("Evidence", "; ".join(invariant.evidence)),
                   ("Source", source(ruleset, invariant.place))]
        if item is not None:
            details.append(("Answer sets checked", f"{item.designed + item.sampled:,}"))
        blocks.append(Items(tuple(t for _, t in details), labels=tuple(k for k, _ in details)))
        blocks.append(Para(status, label="Status:", flag=item is not None and not item.holds))
        if item is not None and item.failure is not None:
            blocks.append(Para(f"{'; '.join(item.failure.problems)} (answers that matter: "
                               f"{deciding(item.failure, ruleset)})",
                               label="Counterexample:", flag=True))
    return blocks


def _hazards(ruleset: Ruleset) -> list[Block]:
    """The hazard log: each hazard, its risk before and after, and its controls."""
    if not ruleset.hazards:
        return []
    blocks: list[Block] = [
        Heading(2, "Hazard log", "hazards"),
        Para("Each hazard: what could go wrong, the possible harm, its risk on DCB0129's "
             "scales (1 acceptable to 5 unacceptable) before and after the controls, and the "
             "questions, rules, invariants and cases that control it."),
        Table(("Hazard", "Severity", "Risk before", "Risk after"),
              tuple((f"{h.id}: {h.title}", h.severity, f"{h.initial_risk} ({h.likelihood})",
                     f"{h.residual_risk} ({h.residual_likelihood})")
                    for h in ruleset.hazards))]
    for hazard in ruleset.hazards:
        blocks.append(Heading(3, f"{hazard.id}: {hazard.title}", hazard.id))
        details = [("Cause", hazard.cause), ("Effect", hazard.effect),
                   ("Possible harm", hazard.harm)]
        details += [(f"Controls ({kind})", ", ".join(ids) or "none")
                    for kind, ids in hazard.controls.items()]
        details.append(("Source", source(ruleset, hazard.place)))
        blocks.append(Items(tuple(t for _, t in details), labels=tuple(k for k, _ in details)))
    return blocks


def _readability(ruleset: Ruleset) -> list[Block]:
    from .readability import measure

    found = measure(ruleset)
    blocks: list[Block] = [Heading(2, "Readability", "readability"), Para(
        found.summary() + ". Target: questions at a reading age of about 9 to 11; no "
        "sentence over 20 words in a danger-sign question.")]
    blocks += [Para(flag.message, label="Hard to read:", flag=True) for flag in found.flags]
    return blocks


def _sign_off(ruleset: Ruleset) -> list[Block]:
    blank = ("", "", "", "")
    return [
        Heading(2, "Sign-off", "sign-off"),
        Para(f"I have reviewed the rules, advice and safety invariants of {ruleset.name} "
             f"{ruleset.version} (sha256 {ruleset.sha256[:12]}) listed above."),
        Table(("Name", "Role", "Signature", "Date"), (blank, blank, blank)),
    ]


# ------------------------------------------------------------------ writing it


def review_document(blocks: list[Block]) -> Document:
    """The blocks as a document, titled by its first heading."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "Clinical review")
    return Document(title, tuple(blocks), REVIEW_CSS)


def render_markdown(blocks: list[Block]) -> str:
    """The document as GitHub-flavoured markdown; every text is escaped, so nothing from a
    rule file can become markup, HTML or a comment that hides what follows."""
    return markdown.render(review_document(blocks))


def render_html(blocks: list[Block]) -> str:
    """The document as one self-contained, printable HTML page (no scripts, no links out)."""
    return html.render(review_document(blocks))


REVIEW_RENDERERS: dict[str, Callable[[list[Block]], str]] = {
    ReviewFormat.MARKDOWN: render_markdown, ReviewFormat.HTML: render_html}
