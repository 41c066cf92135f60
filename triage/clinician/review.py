"""The clinician's review document: a cover with the sign-off table, the contents, the
questionnaire in full, every rule in plain language, the advice catalogue, the findings,
the hazard log, the safety invariants, what the test cases cover (as counts, with what
no case reaches listed) and the readability figures.

The document is built once as a list of blocks (:mod:`triage.documents.blocks`), then
written by the documents' renderers as markdown or as self-contained, printable HTML
(inline CSS, no scripts, no external resources). Same rule
set in, byte-identical document out: there is no timestamp unless a date is passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from triage.documents import html, markdown
from triage.documents.blocks import Block, Document, Heading, Items, Para
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
from .review_front import contents, cover, open_items, open_sign_off_items, questionnaire
from .verify import VerifyReport
from .verify_report import coverage_text, deciding


@dataclass
class Coverage:
    """Which test cases fire each rule, and how the cases fared."""

    cases_by_rule: dict[str, list[str]] = field(default_factory=dict)
    cases_by_advice: dict[str, int] = field(default_factory=dict)
    varied: set[str] = field(default_factory=set)  # questions some case answers non-benignly
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
        parts.append("recommend " + ", ".join(then.recommend))
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
    if expect.not_sure_not_below_blank:
        parts.append("a danger sign answered \"not sure\" never gives a lower urgency than "
                     "leaving it blank (under --missing conservative)")
    return "; ".join(parts)


# ------------------------------------------------------------------ coverage


def case_coverage(engine: Engine) -> Coverage:
    """Run every test case of the rule set and record which rules each one fires."""
    coverage = Coverage()
    benign = engine.ruleset.benign
    for case in load_cases(engine.ruleset):
        outcome = run_case(engine, case)
        coverage.total += 1
        coverage.passed += outcome.passed
        coverage.varied |= {qid for qid, value in case.answers.items()
                            if value is not None and value != benign.get(qid)}
        if outcome.result is None:
            if outcome.problems:
                coverage.problems.append(f"{case.id}: {'; '.join(outcome.problems)}")
            continue
        for fired in outcome.result.fired_rules:
            coverage.cases_by_rule.setdefault(fired.id, []).append(case.id)
        for item in outcome.result.advice:
            coverage.cases_by_advice[item.id] = coverage.cases_by_advice.get(item.id, 0) + 1
    return coverage


def _cases(count: int) -> str:
    return "1 case" if count == 1 else f"{count} cases"


# ------------------------------------------------------------------ the document


SECTIONS = ("Questionnaire", "Rules, by category", "Advice catalogue", "Findings glossary",
            "Hazard log", "Safety invariants", "Test-case coverage", "Readability")


def document(ruleset: Ruleset, coverage: Coverage, report: VerifyReport | None,
             date: str | None = None,
             mutation: Mapping[str, str] | None = None,
             urgencies: Mapping[str, list[tuple[str, str]]] | None = None) -> list[Block]:
    """The whole review document as blocks. ``mutation``: rule id -> its mutation status
    ("guarded by: INV-..., CASE-...", from ``rules verify --mutants``), if it was run;
    ``urgencies``: for each danger sign, the urgency each answer gives on its own
    (:func:`~triage.clinician.review_front.danger_urgencies`), if computed."""
    items = open_sign_off_items(Path(ruleset.root))
    blocks: list[Block] = cover(ruleset, date, _summary(ruleset, coverage, report), items)
    blocks += contents(list(zip(SECTIONS, SECTIONS, strict=True)))
    blocks += open_items(items)
    parts = [questionnaire(ruleset, urgencies or {}, 1),
             _rules(ruleset, coverage, mutation or {}), _advice(ruleset), _glossary(ruleset),
             _hazards(ruleset), _invariants(ruleset, report), _coverage(ruleset, coverage),
             _readability(ruleset)]
    for part in parts:
        blocks += part
    return blocks


def _summary(ruleset: Ruleset, coverage: Coverage, report: VerifyReport | None) -> Items:
    active = ruleset.active_rules
    uncovered = [r.id for r in active if r.id not in coverage.cases_by_rule]
    held = sum(item.holds for item in report.invariants) if report else 0
    facts = [
        ("Questions", f"{len(ruleset.questions)}, of which "
                      f"{sum(q.danger_sign for q in ruleset.questions)} danger signs"),
        ("Rules", f"{len(active)} active, {len(ruleset.rules) - len(active)} draft or retired"),
        ("Advice catalogue", f"{len(ruleset.advice)} items"),
        ("Hazards", f"{len(ruleset.hazards)} in the hazard log"),
        ("Test cases", f"{_cases(coverage.total)}, {coverage.passed} passing; "
                       f"{len(uncovered)} active rules fired by no case"),
        ("Safety invariants", f"{held} of {len(ruleset.invariants)} hold (checked when this "
                              "document was made)" if report
         else f"{len(ruleset.invariants)} declared, not verified in this document"),
    ]
    return Items(tuple(text for _, text in facts), labels=tuple(label for label, _ in facts))


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


def _common_review(rules: tuple[Rule, ...]) -> tuple[str, str] | None:
    """(reviewed by, on) when every rule shares them, so they are said once."""
    pairs = {(rule.reviewed_by, rule.reviewed_on) for rule in rules}
    return next(iter(pairs)) if len(pairs) == 1 else None


def _rules(ruleset: Ruleset, coverage: Coverage, mutation: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "2. Rules, by category", "rules")]
    common = _common_review(ruleset.rules)
    statuses = sorted({rule.status for rule in ruleset.rules})
    intro = (f"{len(ruleset.rules)} rules, each read aloud as \u201cIf ..., then ...\u201d, "
             "with why, the evidence, where it is written and how many test cases fire it.")
    if common:
        intro += f" Every rule was last reviewed by {common[0]} on {common[1]}."
    if statuses == ["active"]:
        intro += " Every rule is active."
    if not mutation:
        intro += (" Mutation status (which invariants and cases notice a weakened rule) was "
                  "not run for this document: give --mutants, or run triage rules verify "
                  "--mutants.")
    blocks.append(Para(intro))
    questions = ruleset.question_map
    for category, rules in _categories(ruleset.rules).items():
        blocks.append(Heading(3, f"Category: {category}"))
        for rule in rules:
            blocks += _rule(ruleset, rule, coverage, mutation, questions, common, statuses)
    return blocks


def _rule(ruleset: Ruleset, rule: Rule, coverage: Coverage, mutation: Mapping[str, str],
          questions: Mapping[str, Question], common: tuple[str, str] | None,
          statuses: list[str]) -> list[Block]:
    cases = coverage.cases_by_rule.get(rule.id, [])
    condition = plain(rule.when, questions)
    blocks: list[Block] = [
        Heading(4, f"{rule.id}: {rule.title}", rule.id),
        Para(f"Always: {outcome_text(rule, ruleset.advice)}." if condition == "always" else
             f"If {condition}, then {outcome_text(rule, ruleset.advice)}."),
        Para(rule.rationale, label="Why:")]
    details = [("Evidence", "; ".join(rule.evidence))]
    if statuses != ["active"]:
        details.append(("Status", rule.status))
    if common is None:
        details.append(("Reviewed", f"by {rule.reviewed_by} on {rule.reviewed_on}"))
    details.append(("Source", source(ruleset, rule.place)))
    if cases:
        details.append(("Tested by", _cases(len(cases))))
    if rule.id in mutation:
        details.append(("Mutation status", mutation[rule.id]))
    blocks.append(Items(tuple(t for _, t in details), labels=tuple(k for k, _ in details)))
    if rule.id in mutation and mutation[rule.id].startswith("SURVIVED"):
        blocks.append(Para(mutation[rule.id], label="Mutation status:", flag=True))
    if not cases and rule.status == "active":
        blocks.append(Para("no test case fires this rule.", label="NOT COVERED:", flag=True))
    return blocks


def _advice(ruleset: Ruleset) -> list[Block]:
    blocks: list[Block] = [Heading(2, "3. Advice catalogue", "advice")]
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
                  ("Evidence", "; ".join(item.evidence))]
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
    blocks: list[Block] = [
        Heading(2, "4. Findings glossary", "findings"),
        Para("Findings are the engine's intermediate conclusions: some are steps other "
             "rules build on, others label the result (they appear in the JSON output).")]
    for name in names:
        known = name in ruleset.findings
        meaning = ruleset.findings[name].meaning if known else "NOT IN THE GLOSSARY."
        if name not in used:
            meaning += " (Labels the result; no rule builds on it.)"
        blocks.append(Para(meaning, label=f"{name}:", flag=not known))
    return blocks


def _uncovered(label: str, ids: list[str], total: int, what: str) -> list[Block]:
    if not ids:
        return [Para(f"every one of the {total} {what}.", label=f"{label}:")]
    return [Para(f"{total - len(ids)} of {total} {what}; not reached by any case "
                 f"({len(ids)}): " + ", ".join(ids) + ".", label=f"{label}:", flag=True)]


def _coverage(ruleset: Ruleset, coverage: Coverage) -> list[Block]:
    active = [rule.id for rule in ruleset.active_rules]
    counts = sorted(len(coverage.cases_by_rule.get(rid, [])) for rid in active)
    blocks: list[Block] = [
        Heading(2, "7. Test-case coverage", "coverage"),
        Para(f"Test cases run through the rules: {coverage.total}; {coverage.passed} "
             "give what they expect. A rule counts as covered when at least one case fires "
             "it, an advice item when at least one case is given it, a question when at "
             "least one case answers it with something other than its benign baseline "
             "answer.")]
    if counts:
        blocks.append(Para(f"fewest {counts[0]}, median {counts[len(counts) // 2]}, most "
                           f"{counts[-1]} (each rule's count is in section 2).",
                           label="Cases per rule:"))
    blocks += _uncovered("Rules", [rid for rid in active if rid not in coverage.cases_by_rule],
                         len(active), "active rules are fired by a case")
    blocks += _uncovered("Advice", [aid for aid in ruleset.advice
                                    if aid not in coverage.cases_by_advice],
                         len(ruleset.advice), "advice items are given in a case")
    blocks += _uncovered("Questions", [q.id for q in ruleset.questions
                                       if q.id not in coverage.varied],
                         len(ruleset.questions), "questions are answered non-benignly in a case")
    for problem in coverage.problems:
        blocks.append(Para(problem, label="Case could not be run:", flag=True))
    return blocks


_SCOPES = {
    "every_answer_set": "every answer set the tool accepts (all danger signs and required "
                        "questions answered)",
    "unscreened": "every answer set with a danger sign or required question left unanswered "
                  "(--missing conservative)"}


def _invariants(ruleset: Ruleset, report: VerifyReport | None) -> list[Block]:
    blocks: list[Block] = [Heading(2, "6. Safety invariants", "invariants")]
    if report is None:
        blocks.append(Para("Not verified in this document: run triage rules verify.", flag=True))
    else:
        blocks.append(Para(coverage_text(report).replace("\n", " ")))
        if not report.pairwise:
            blocks.append(Para("This is the quick check; triage rules verify runs the full "
                               "design (every pair of answers, every threshold)."))
    blocks.append(Para("Their evidence is that of the rules they guard (section 2). "
                       "Each invariant holds for " + _SCOPES["every_answer_set"]
                       + " unless it says \u201cfor unscreened answers\u201d: then for "
                       + _SCOPES["unscreened"] + "."))
    results = {item.invariant.id: item for item in report.invariants} if report else {}
    for invariant in ruleset.invariants:
        blocks += _invariant(ruleset, invariant, results.get(invariant.id))
    return blocks


def _invariant(ruleset: Ruleset, invariant: Invariant, item: Any) -> list[Block]:
    status = ("not checked here: run triage rules verify" if item is None
              else "HOLDS" if item.holds else "BROKEN")
    scope = "for unscreened answers, " if invariant.scope == "unscreened" else ""
    when = f"when {plain(invariant.when, ruleset.question_map)}: " if invariant.when else ""
    details = [("Checked as", f"{scope}{when}{expectation_text(invariant)}")]
    if item is not None:
        details.append(("Answer sets checked", f"{item.designed + item.sampled:,}"))
    details.append(("Status", status))
    blocks: list[Block] = [
        Heading(4, f"{invariant.id}: {invariant.title}", invariant.id),
        Para(invariant.statement),
        Items(tuple(t for _, t in details), labels=tuple(k for k, _ in details))]
    if item is not None and not item.holds:
        blocks.append(Para("BROKEN", label="Status:", flag=True))
    if item is not None and item.failure is not None:
        blocks.append(Para(f"{'; '.join(item.failure.problems)} (answers that matter: "
                           f"{deciding(item.failure, ruleset)}); "
                           + "; ".join(item.failure.rules),
                           label="Counterexample:", flag=True))
    return blocks


def _hazards(ruleset: Ruleset) -> list[Block]:
    """The hazard log: each hazard, its risk before and after, and its controls."""
    if not ruleset.hazards:
        return []
    blocks: list[Block] = [
        Heading(2, "5. Hazard log", "hazards"),
        Para("Each hazard: what could go wrong, the possible harm, its risk on DCB0129's "
             "scales (1 acceptable to 5 unacceptable) before and after the controls "
             "(likelihood in brackets), and the questions, rules and invariants that control "
             "it, with the number of test cases that pin it.")]
    for hazard in ruleset.hazards:
        blocks.append(Heading(4, f"{hazard.id}: {hazard.title}", hazard.id))
        blocks.append(Para(f"{hazard.cause} Effect: {hazard.effect} Possible harm: "
                           f"{hazard.harm}"))
        details = [("Severity", hazard.severity),
                   ("Risk", f"{hazard.initial_risk} ({_value(hazard.likelihood)}) \u2192 "
                            f"{hazard.residual_risk} ({_value(hazard.residual_likelihood)})")]
        for kind, ids in hazard.controls.items():
            shown = _cases(len(ids)) if kind == "cases" else ", ".join(ids) or "none"
            details.append((f"Controls ({kind})", shown))
        blocks.append(Items(tuple(t for _, t in details), labels=tuple(k for k, _ in details)))
    return blocks


def _readability(ruleset: Ruleset) -> list[Block]:
    from .readability import measure

    found = measure(ruleset)
    blocks: list[Block] = [Heading(2, "8. Readability", "readability"), Para(
        found.summary() + ". Target: questions at a reading age of about 9 to 11; no "
        "sentence over 20 words in a danger-sign question.")]
    blocks += [Para(flag.message, label="Hard to read:", flag=True) for flag in found.flags]
    return blocks


# ------------------------------------------------------------------ writing it


def review_document(blocks: list[Block]) -> Document:
    """The blocks as a document, titled by its first heading."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "Clinical review")
    footer = re.sub(r"[^A-Za-z0-9 .:_-]", "",  # nothing that could end a CSS string
                    title.replace("\u2192", "to"))
    return Document(title, tuple(blocks), REVIEW_CSS.replace("FOOTER", footer + " \\00b7 "))


def render_markdown(blocks: list[Block]) -> str:
    """The document as GitHub-flavoured markdown; every text is escaped, so nothing from a
    rule file can become markup, HTML or a comment that hides what follows."""
    return markdown.render(review_document(blocks))


def render_html(blocks: list[Block]) -> str:
    """The document as one self-contained, printable HTML page (no scripts, no links out)."""
    return html.render(review_document(blocks))


REVIEW_RENDERERS: dict[str, Callable[[list[Block]], str]] = {
    ReviewFormat.MARKDOWN: render_markdown, ReviewFormat.HTML: render_html}
