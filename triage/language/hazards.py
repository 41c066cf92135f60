"""The hazard log (``hazards:`` in the manifest): read it and check its controls exist.

Each hazard names what could go wrong (cause, effect, possible harm), how bad and how
likely on DCB0129's scales, and the controls that mitigate it by id: questions, rules,
invariants and cases. A control that does not exist is an error with file:line (case ids
are checked by ``triage rules check``, which reads the case files); a hazard with no
invariant or no case, and a danger-sign rule no hazard names, are warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from triage.problems import Place, Problem

from . import yamlio
from .fields import FieldReader, add_unique, node_line, records
from .model import CONTROL_KINDS, LIKELIHOODS, SEVERITIES, Hazard, Invariant, Rule
from .questions import Question

HAZARD_KEYS = ("id", "title", "cause", "effect", "harm", "severity", "likelihood",
               "residual_likelihood", "controls")


def load_hazards(ctx: FieldReader, paths: list[Path], questions: Mapping[str, Question],
                 rules: Iterable[Rule], invariants: Iterable[Invariant],
                 unread: Mapping[str, list[str]] | None = None) -> list[Hazard]:
    """Every hazard of ``paths``; problems go to the loader's ``ctx`` with file:line.

    ``unread`` names, for a kind of control (``rules``, ``invariants``), the files of
    that kind that could not be read: controls of that kind are then not checked (each
    would only echo that error), and one note says so."""
    known = {"questions": set(questions), "rules": {rule.id for rule in rules},
             "invariants": {item.id for item in invariants}}
    skipped = {kind: names for kind, names in (unread or {}).items() if names}
    for kind in skipped:
        known.pop(kind, None)
    found: dict[str, Hazard] = {}
    for path in paths:
        where = ctx.rel(path)
        data = ctx.read(path)
        for kind, names in skipped.items() if data is not None else ():
            ctx.problems.append(Problem(Place(where), f"hazard-log {kind[:-1]} controls not "
                                        f"checked: {' and '.join(names)} could not be read",
                                        note=True))
        for record in records(ctx, data, "hazards", where):
            hazard = _hazard(ctx, record, where, known)
            if hazard is not None:
                add_unique(ctx, found, hazard, record, where, "hazard")
    return list(found.values())


def _hazard(ctx: FieldReader, record: Mapping[str, Any], where: str,
            known: Mapping[str, set[str]]) -> Hazard | None:
    ctx.keys(record, HAZARD_KEYS, where, "a hazard")
    hid = ctx.text(record, "id", where)
    what = f"hazard {hid}: " if hid else ""
    texts = {key: ctx.text(record, key, where, what=what)
             for key in ("title", "cause", "effect", "harm")}
    severity = ctx.choice(record, "severity", where, SEVERITIES, what=what)
    likelihood = ctx.choice(record, "likelihood", where, LIKELIHOODS, what=what)
    residual = ctx.choice(record, "residual_likelihood", where, LIKELIHOODS, what=what)
    if likelihood and residual and LIKELIHOODS.index(residual) < LIKELIHOODS.index(likelihood):
        ctx.problem(where, yamlio.line_of(record, "residual_likelihood"),
                    f"{what}residual likelihood {residual!r} is higher than before the "
                    f"controls ({likelihood!r})")
    controls, lines = _controls(ctx, record, where, what, known)
    if not (hid and severity and likelihood and residual):
        return None
    return Hazard(id=hid, severity=severity, likelihood=likelihood,
                  residual_likelihood=residual, controls=controls,
                  place=Place(where, node_line(record)), control_lines=lines,
                  **texts)


def _controls(ctx: FieldReader, record: Mapping[str, Any], where: str, what: str,
              known: Mapping[str, set[str]]) -> tuple[dict[str, tuple[str, ...]],
                                                      dict[str, int]]:
    raw = record.get("controls")
    line = yamlio.line_of(record, "controls")
    if not isinstance(raw, Mapping) or not raw:
        ctx.problem(where, line, f"{what}'controls' must name the "
                    + ", ".join(CONTROL_KINDS) + " that mitigate it")
        return {}, {}
    ctx.keys(raw, CONTROL_KINDS, where, "'controls'")
    controls: dict[str, tuple[str, ...]] = {}
    lines: dict[str, int] = {}
    for kind in CONTROL_KINDS:
        ids = ctx.texts(raw, kind, where, what=what)
        controls[kind] = ids
        lines[kind] = yamlio.line_of(raw, kind) or line
        for cid in ids if kind in known else ():
            if cid not in known[kind]:
                ctx.misspelt(where, lines[kind], f"{what}control {cid!r} is not one of the "
                             f"rule set's {kind}", cid, known[kind])
    return controls, lines
