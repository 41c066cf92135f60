"""``triage rules test``: run every clinical case and say, for each failure, what differed."""

from __future__ import annotations

from triage.engine import Engine
from triage.records import record

from .cases import CaseOutcome, load_cases, run_case


@record
class CaseReport:
    """The outcome of every case of a rule set, in file order."""

    outcomes: list[CaseOutcome]

    @property
    def failed(self) -> list[CaseOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.passed]

    def summary(self) -> str:
        total, failed = len(self.outcomes), len(self.failed)
        return (f"{total} case{'s' if total != 1 else ''}: {total - failed} passed, "
                f"{failed} failed")

    def render(self, verbose: bool = False) -> str:
        """One block per failure (one line per pass with ``verbose``), then the summary."""
        lines: list[str] = []
        for outcome in self.outcomes:
            if outcome.passed:
                if verbose:
                    lines.append(f"PASS {outcome.case.id}  {outcome.case.place}")
                continue
            lines.extend(failure_block(outcome))
        lines.append(self.summary())
        return "\n".join(lines) + "\n"


def failure_block(outcome: CaseOutcome) -> list[str]:
    """Case id and place, each difference (expected vs actual), and what actually happened."""
    case, result = outcome.case, outcome.result
    title = f" ({case.title})" if case.title else ""
    lines = [f"FAIL {case.id}{title}  {case.place}"]
    lines.extend(f"  {problem}" for problem in outcome.problems)
    if result is not None:
        lines.append(f"  actual urgency: {result.urgency.value}")
        lines.append("  actual advice: " + (", ".join(a.id for a in result.advice) or "(none)"))
        lines.append("  rules fired: " + (", ".join(r.id for r in result.fired_rules)
                                          or "(none)"))
    lines.append("")
    return lines


def run_all(engine: Engine) -> CaseReport:
    """Load (raising RulesetError for a broken case file) and run every case."""
    return CaseReport([run_case(engine, case) for case in load_cases(engine.ruleset)])
