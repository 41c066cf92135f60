"""What a change to a rule set changes in its definitions, field by field, old -> new:
rules, questions, advice, invariants and hazards. Each change that could make the tool
less safe is marked safety-relevant, with the reason, so a reviewer reads those first:

- a rule's urgency lowered (or dropped), an exclusion removed, a danger-sign rule
  (category ``red_flag.*``) removed, no longer active or its condition changed;
- an invariant removed, or its scope or expectation changed;
- a hazard removed or one of its controls removed;
- a question's choice removed, a danger sign removed or no longer a danger sign;
- an advice item's "skip if" or caution removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from triage.language.model import Advice, Hazard, Invariant, Rule, Ruleset, Urgency
from triage.language.questions import Question
from triage.records import record

from .review import expectation_text, plain


@record
class FieldChange:
    """One field of one item, old -> new ('' when the item is added or removed)."""

    kind: str  # rule, question, advice, invariant, hazard
    id: str
    field: str  # the field, or "added" / "removed" for the whole item
    old: str
    new: str
    safety: str = ""  # why it is safety-relevant, '' when it is not

    def line(self) -> str:
        if self.field in ("added", "removed"):
            return f"{self.kind} {self.id} {self.field}"
        return f"{self.kind} {self.id}: {self.field}: {self.old or '(none)'} -> " \
               f"{self.new or '(none)'}"


def _joined(values: Iterable[str]) -> str:
    return ", ".join(values)


def _lost(old: Iterable[str], new: Iterable[str]) -> list[str]:
    kept = set(new)
    return [value for value in old if value not in kept]


def _level(urgency: Urgency | None) -> str:
    return urgency.value if urgency is not None else ""


def _rank(urgency: Urgency | None) -> int:
    return -1 if urgency is None else urgency.rank


# ------------------------------------------------------------------ rules


def _rule_fields(rule: Rule, questions: Mapping[str, Question]) -> dict[str, str]:
    return {"condition": plain(rule.when, questions), "urgency": _level(rule.then.urgency),
            "recommends": _joined(rule.then.recommend), "exclusions": _joined(rule.then.exclude),
            "findings": _joined(rule.then.findings), "title": rule.title,
            "category": rule.category, "status": rule.status, "rationale": rule.rationale,
            "evidence": "; ".join(rule.evidence),
            "reviewed": f"by {rule.reviewed_by} on {rule.reviewed_on}"}


def _rule_safety(field: str, old: Rule, new: Rule) -> str:
    danger = old.category.startswith("red_flag")
    if field == "urgency" and _rank(new.then.urgency) < _rank(old.then.urgency):
        return "urgency lowered"
    if field == "exclusions" and _lost(old.then.exclude, new.then.exclude):
        return "exclusion removed: " + _joined(_lost(old.then.exclude, new.then.exclude))
    if field == "status" and danger and old.status == "active":
        return "a danger-sign rule is no longer active"
    if field == "condition" and danger:
        return "a danger-sign rule's condition changed: check it is not narrower"
    if field == "category" and danger and not new.category.startswith("red_flag"):
        return "no longer a danger-sign rule"
    return ""


def _removed_rule_safety(rule: Rule) -> str:
    if rule.category.startswith("red_flag"):
        return f"danger-sign rule removed ({rule.category})"
    if rule.then.exclude:
        return "rule with exclusions removed: " + _joined(rule.then.exclude)
    return ""


# ------------------------------------------------------------------ the other items


def _question_fields(question: Question) -> dict[str, str]:
    return {"wording": question.text, "help": question.help,
            "choices": _joined(f"{c.label} ({c.value})" for c in question.choices),
            "danger sign": "yes" if question.danger_sign else "no",
            "asked when": question.ask_when.describe() if question.ask_when else "always",
            "required": "yes" if question.required else "no",
            "range": "" if question.type != "integer"
            else f"{question.minimum} to {question.maximum}"}


def _question_safety(field: str, old: Question, new: Question) -> str:
    if field == "choices":
        lost = _lost((c.value for c in old.choices), (c.value for c in new.choices))
        return "choice removed: " + _joined(lost) if lost else ""
    if field == "danger sign" and old.danger_sign:
        return "no longer a danger sign"
    return ""


def _advice_fields(item: Advice) -> dict[str, str]:
    return {"title": item.title, "text": item.text, "kind": item.kind,
            "steps": " | ".join(item.steps), "skip if": " | ".join(item.skip_if),
            "cautions": " | ".join(item.cautions),
            "points": " | ".join(p.text for p in item.points), "hold": item.hold,
            "repetitions": item.repetitions, "how often": item.frequency,
            "evidence": "; ".join(item.evidence)}


def _advice_safety(field: str, old: Advice, new: Advice) -> str:
    pairs = {"skip if": (old.skip_if, new.skip_if), "cautions": (old.cautions, new.cautions),
             "points": ([p.text for p in old.points], [p.text for p in new.points])}
    if field in pairs and _lost(*pairs[field]):
        return f"{field} line removed or reworded"
    return ""


def _invariant_fields(invariant: Invariant, questions: Mapping[str, Question]) -> dict[str, str]:
    return {"title": invariant.title, "statement": invariant.statement,
            "scope": invariant.scope,
            "when": plain(invariant.when, questions) if invariant.when else "always",
            "expects": expectation_text(invariant), "evidence": "; ".join(invariant.evidence)}


def _invariant_safety(field: str, old: Invariant, new: Invariant) -> str:
    if field in ("scope", "when", "expects"):
        return f"invariant {field} changed: check it is not weaker"
    return ""


def _hazard_fields(hazard: Hazard) -> dict[str, str]:
    fields = {"title": hazard.title, "cause": hazard.cause, "effect": hazard.effect,
              "harm": hazard.harm, "severity": hazard.severity,
              "likelihood": hazard.likelihood, "residual likelihood": hazard.residual_likelihood}
    kinds = sorted(hazard.controls)
    fields.update({f"controls ({kind})": _joined(hazard.controls[kind]) for kind in kinds})
    return fields


def _hazard_safety(field: str, old: Hazard, new: Hazard) -> str:
    if field.startswith("controls ("):
        kind = field[len("controls ("):-1]
        lost = _lost(old.controls.get(kind, ()), new.controls.get(kind, ()))
        return f"control removed: {_joined(lost)}" if lost else ""
    return ""


# ------------------------------------------------------------------ all of them


def _compare(kind: str, old: Mapping[str, Any], new: Mapping[str, Any],
             fields: Callable[[Any], dict[str, str]], safety: Callable[[str, Any, Any], str],
             removed: Callable[[Any], str]) -> list[FieldChange]:
    changes = [FieldChange(kind, item_id, "removed", "", "", removed(old[item_id]))
               for item_id in old if item_id not in new]
    changes += [FieldChange(kind, item_id, "added", "", "") for item_id in new
                if item_id not in old]
    for item_id in (i for i in new if i in old):
        before, after = fields(old[item_id]), fields(new[item_id])
        for name in before.keys() | after.keys():
            if before.get(name, "") != after.get(name, ""):
                changes.append(FieldChange(kind, item_id, name, before.get(name, ""),
                                           after.get(name, ""),
                                           safety(name, old[item_id], new[item_id])))
    order = {name: index for index, name in enumerate(
        [*fields(next(iter(new.values()))).keys()] if new else [])}
    return sorted(changes, key=lambda c: (c.id, order.get(c.field, len(order)), c.field))


def definition_changes(old: Ruleset, new: Ruleset) -> list[FieldChange]:
    """Every changed field of every rule, question, advice item, invariant and hazard."""
    oq, nq = old.question_map, new.question_map
    changes = _compare("rule", {r.id: r for r in old.rules}, {r.id: r for r in new.rules},
                       lambda r: _rule_fields(r, nq), _rule_safety, _removed_rule_safety)
    changes += _compare("question", oq, nq, _question_fields, _question_safety,
                        lambda q: "danger sign removed" if q.danger_sign else "")
    changes += _compare("advice", old.advice, new.advice, _advice_fields, _advice_safety,
                        lambda a: "")
    changes += _compare("invariant", {i.id: i for i in old.invariants},
                        {i.id: i for i in new.invariants},
                        lambda i: _invariant_fields(i, nq), _invariant_safety,
                        lambda i: "invariant removed")
    changes += _compare("hazard", {h.id: h for h in old.hazards},
                        {h.id: h for h in new.hazards}, _hazard_fields, _hazard_safety,
                        lambda h: "hazard removed")
    return changes
