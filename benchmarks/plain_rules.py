"""A plain-Python evaluator of the same rules, for the speed benchmark only: a fixed point
stratum by stratum over the condition trees, no experta (as ``reference()`` in
tests/test_properties.py, the oracle the engine is tested against)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.engine.plan import Firing
from triage.language.model import Ruleset
from triage.language.stratify import strata


class PlainRules:
    """The rule set's strata, worked out once; ``run`` triages one answer set."""

    def __init__(self, ruleset: Ruleset) -> None:
        rules = ruleset.active_rules
        level = strata(rules)
        self.layers = [[rule for rule in rules if level[rule.id] == stratum]
                       for stratum in sorted(set(level.values()))]
        self.rules = rules

    def run(self, answers: Mapping[str, Any]) -> Firing:
        findings: set[str] = set()
        fired: set[str] = set()
        for layer in self.layers:
            changed = True
            while changed:
                changed = False
                for rule in layer:
                    if rule.id not in fired and rule.when.holds(answers, findings):
                        fired.add(rule.id)
                        findings.update(rule.then.findings)
                        changed = True
        return Firing(tuple(rule for rule in self.rules if rule.id in fired),
                      frozenset(findings))
