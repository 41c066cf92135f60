"""The report of ``triage rules verify``: PASS/FAIL per invariant, each counterexample as a
case ready to paste, and what was exhaustive and what was sampled."""

from __future__ import annotations

import fnmatch
import textwrap
from typing import Any

import yaml

from triage.language.model import Invariant, Ruleset, Urgency

from .answer_space import default_baseline
from .verify import Counterexample, VerifyReport, shown_answer


def deciding(example: Counterexample, ruleset: Ruleset) -> str:
    """The counterexample's answers that differ from the baseline, in questionnaire order."""
    baseline = default_baseline(ruleset)
    shown = [f"{q.id}: {shown_answer(example.answers.get(q.id))}" for q in ruleset.questions
             if example.answers.get(q.id) != baseline[q.id]]
    return ", ".join(shown) or "the baseline answers themselves"


def case_yaml(example: Counterexample, ruleset: Ruleset) -> str:
    """The counterexample as a ``cases:`` entry, answers in questionnaire order."""
    invariant = example.invariant
    answers = {q.id: _plain(example.answers.get(q.id)) for q in ruleset.questions}
    observed = example.urgency
    if example.blank:  # the case is the blank one; it must get the answered urgency
        answers[example.blank] = None
    elif invariant.expect.safety_net:
        met = [point.urgency for advice in ruleset.advice.values() for point in advice.points
               if point.when is not None and point.urgency is not None
               and point.when.holds(example.answers, frozenset())]
        observed = Urgency.highest([Urgency(observed), *met]).value
    case: dict[str, Any] = {
        "id": f"CASE-{invariant.id}-COUNTEREXAMPLE",
        "title": f"{invariant.title} (counterexample found by triage rules verify)"}
    if ruleset.missing_required({k: v for k, v in answers.items() if v is not None}):
        case["missing"] = "conservative"
    case["answers"] = answers
    case["expect"] = _expect(invariant, ruleset, observed)
    text: str = yaml.safe_dump({"cases": [case]}, sort_keys=False, default_flow_style=False,
                               allow_unicode=True, width=1000)
    return text


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _expect(invariant: Invariant, ruleset: Ruleset, observed: str) -> dict[str, Any]:
    """What a case can state for this invariant (cases expect one exact urgency)."""
    expect = invariant.expect
    allowed = [level for level in Urgency if level not in expect.not_urgency]
    if expect.urgency is not None:
        urgency = expect.urgency.value
    elif expect.urgency_at_least is not None:
        urgency = expect.urgency_at_least.value
    elif expect.not_urgency and Urgency(observed) in expect.not_urgency and allowed:
        urgency = allowed[0].value
    else:
        urgency = observed
    result: dict[str, Any] = {"urgency": urgency}
    if expect.excludes:
        result["excludes"] = sorted({aid for pattern in expect.excludes
                                     for aid in fnmatch.filter(ruleset.advice, pattern)})
    includes = list(expect.includes)
    for level, inner in expect.by_urgency:  # the case expects the urgency it names
        if level.value == urgency:
            includes += [aid for aid in inner.includes if aid not in includes]
            result["excludes"] = sorted(set(result.get("excludes", [])) | {
                aid for pattern in inner.excludes for aid in fnmatch.filter(ruleset.advice,
                                                                          pattern)})
    if includes:
        result["includes"] = includes
    return result


def coverage_text(report: VerifyReport) -> str:
    """What was exhaustive and what was sampled, in one paragraph."""
    numbers = "; ".join(f"{qid} {', '.join(map(str, values))}"
                        for qid, values in report.thresholds.items())
    if report.pairwise:
        background = (f"crossed with {report.background:,} background rows in which every "
                      "pair of values of any two other answers appears, numbers taking the "
                      f"values on both sides of every threshold ({numbers})")
    else:
        background = "over the baseline answers only (quick mode: no all-pairs background)"
    pairs = (', and each danger sign answered "not sure" beside every answer of each other '
             "danger sign that raises the urgency, over the baseline answers"
             if any(item.not_sure_pairs for item in report.invariants) else "")
    return textwrap.fill(
        f"Checked {report.total:,} answer sets: {report.designed:,} from the design (every "
        f"combination of the answers each invariant names, {background}{pairs}) and "
        f"{report.sampled:,} random answer sets (seed {report.seed}).", width=88)


def render_report(report: VerifyReport, ruleset: Ruleset) -> str:
    """The verify report as text: PASS/FAIL per invariant, counterexamples, the coverage."""
    lines = [f"Safety invariants of {ruleset.name} {ruleset.version}: "
             f"{len(report.invariants)} declared", ""]
    for item in report.invariants:
        invariant = item.invariant
        mark = "PASS" if item.holds else "FAIL"
        how = "x every background row" if item.crossed else "paired round-robin with it"
        if not item.exhaustive:
            how = "all pairs of them, " + how
        plural = "s" if item.core != 1 else ""
        if item.not_sure_pairs:
            how += f'; {item.not_sure_pairs:,} "not sure" pairs over the baseline answers'
        lines.append(f"{mark}  {invariant.id}: {invariant.title}")
        lines.append(f"      {item.designed:,} designed + {item.sampled:,} sampled answer sets "
                     f"in scope ({item.core:,} combination{plural} of its answers {how})")
        if item.failure is not None:
            lines.append(f"      {invariant.place}: broken: "
                         + "; ".join(item.failure.problems))
            lines.append("      the answers that matter: " + deciding(item.failure, ruleset))
            lines.extend("      " + line for line in item.failure.rules)
            lines.append("      minimal counterexample (paste into a case file):")
            lines.extend("        " + line
                         for line in case_yaml(item.failure, ruleset).splitlines())
    held = sum(item.holds for item in report.invariants)
    lines += ["", coverage_text(report),
              f"{held} of {len(report.invariants)} invariants hold."]
    return "\n".join(lines) + "\n"
