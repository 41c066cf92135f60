"""The review of a change as a document (``rules diff --format markdown|html``, ``rules
review --since OLD``): a cover with both rule sets and a sign-off table, the
safety-relevant changes first, then only what changed, old -> new per field, the cases
whose outcome changes, and the sampled answer sets, with shrunk examples."""

from __future__ import annotations

from triage.documents.blocks import Block, Heading, Items, Para, Table
from triage.language.model import Ruleset

from .diff import DiffReport

KINDS = (("rule", "Rules"), ("question", "Questions"), ("advice", "Advice"),
         ("invariant", "Invariants"), ("hazard", "Hazards"))


def change_document(report: DiffReport, old: Ruleset, new: Ruleset,
                    date: str | None = None) -> list[Block]:
    """The change from ``old`` to ``new`` as blocks, for the review renderers."""
    blank = ("", "", "", "", "")
    facts = [("Before", f"{old.name} {old.version} (sha256 {old.sha256})"),
             ("After", f"{new.name} {new.version} (sha256 {new.sha256})"),
             ("Date", date or "not dated (give --date)"),
             ("For", "clinical reviewers of the rule set"),
             ("What it is", "a review of a change to the rules, for sign-off: not advice "
              "for a patient")]
    blocks: list[Block] = [
        Heading(1, f"Review of a change: {new.name} {old.version} \u2192 {new.version}",
                "cover"),
        Items(tuple(v for _, v in facts), labels=tuple(k for k, _ in facts)),
        Heading(2, "Sign-off", "sign-off"),
        Table(("Name", "Role", "Decision", "Date", "Signature"), (blank, blank)),
        Heading(2, "1. Safety-relevant changes (read these first)", "safety")]
    safety = report.safety()
    blocks += ([Para(line, flag=True) for line in safety] if safety
               else [Para("None: no urgency is lowered and no danger-sign rule, exclusion, "
                          "invariant, hazard control, question choice or danger sign is "
                          "removed or weakened.")])
    blocks += _definitions(report)
    blocks += _answer_sets(report)
    return blocks


def _definitions(report: DiffReport) -> list[Block]:
    blocks: list[Block] = [Heading(2, "2. What changed, old \u2192 new", "changed")]
    if not report.definitions:
        blocks.append(Para("No rule, question, advice item, invariant or hazard changed."))
    for kind, title in KINDS:
        changes = [c for c in report.definitions if c.kind == kind]
        if not changes:
            continue
        blocks.append(Heading(3, f"{title}: {len(changes)} change(s)"))
        rows = tuple((c.id, c.field, c.old or "(none)" if c.field not in ("added", "removed")
                      else "", c.new or "(none)" if c.field not in ("added", "removed")
                      else "", c.safety or "") for c in changes)
        blocks.append(Table(("Id", "Field", "Old", "New", "Safety"), rows))
    return blocks


def _answer_sets(report: DiffReport) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "3. Cases whose outcome changes", "cases"),
        Para(f"{report.cases_compared} cases compared, {len(report.case_changes)} changed.")]
    if report.case_changes:
        blocks.append(Table(("Case", "Urgency", "Advice added", "Advice removed"), tuple(
            (c.label, c.kind, ", ".join(c.added), ", ".join(c.removed))
            for c in report.case_changes)))
    blocks += [Para(item, label="Skipped:") for item in report.cases_skipped]
    blocks += [Heading(2, "4. Sampled answer sets", "samples"),
               Para(f"{report.samples} random complete answer sets (seed {report.seed}), "
                    f"{report.samples_skipped} refused by the old questionnaire, "
                    f"{len(report.sample_changes)} changed.")]
    kinds: dict[str, int] = {}
    for change in report.sample_changes:
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    if kinds:
        blocks.append(Items(tuple(f"{kind}: {count}" for kind, count in sorted(kinds.items()))))
    if report.examples:
        blocks.append(Para("Each shrunk towards the baseline answers of the invariants (every "
                           "answer that can be reset while the change persists is reset); "
                           "the answers that differ from the baseline:",
                           label="Examples."))
        blocks.append(Items(tuple(f"DIFF-{n}: {c.kind}: {c.deciding}"
                                  for n, c in enumerate(report.examples, 1))))
    return blocks
