"""Load a rule set directory and check it whole: every problem at once, each with file:line."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from triage.errors import AnswersError, RulesetError
from triage.problems import Place, Problem

from . import MANIFEST, yamlio
from .fields import FieldReader, check_placeholders
from .hazards import load_hazards
from .invariants import check_baseline, load_invariants
from .model import PLACEHOLDERS, Ruleset, Urgency
from .rulefiles import load_rules
from .vocabulary import load_advice, load_findings, load_questions

MANIFEST_KEYS = ("name", "version", "description", "questionnaire", "advice", "rules",
                 "cases", "invariants", "findings", "hazards", "headlines", "disclaimer",
                 "locales", "default_locale")
OPTIONAL_FILES = ("invariants", "findings", "hazards")
MANIFEST_REQUIRED = ("name", "version", "questionnaire", "advice", "rules", "headlines",
                     "disclaimer", "locales", "default_locale")


def load_ruleset(directory: str | Path) -> Ruleset:
    """Load and check the rule set in ``directory``; raise RulesetError listing every problem."""
    root = Path(directory)
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise RulesetError([Problem(Place(str(root)), f"not a rule set directory (no {MANIFEST})")])
    ctx = FieldReader(root)
    manifest = ctx.read(manifest_path)
    if not isinstance(manifest, Mapping):
        if not ctx.problems:
            ctx.problem(ctx.rel(manifest_path), 1, "expected a mapping")
        raise RulesetError(ctx.problems)
    where = ctx.rel(manifest_path)
    ctx.keys(manifest, MANIFEST_KEYS, where, MANIFEST)
    files = _manifest_files(ctx, manifest, root, where)
    questions = load_questions(ctx, files["questionnaire"])
    readable = not any(ctx.rel(path) in ctx.unreadable for path in files["questionnaire"])
    advice = load_advice(ctx, files["advice"], questions if readable else None)
    glossary = load_findings(ctx, files["findings"])
    vocabulary = [*files["questionnaire"], *files["advice"], *files["findings"]]
    if any(ctx.rel(path) in ctx.unreadable for path in vocabulary):
        # Every rule refers to these ids: checking rules now would only echo this error.
        raise RulesetError(ctx.problems)
    rules = load_rules(ctx, files["rules"], questions, advice,
                        glossary if files["findings"] else None)
    invariants, baseline = load_invariants(ctx, files["invariants"], questions, advice)
    unread = {kind: [ctx.rel(path) for path in files[kind] if ctx.rel(path) in ctx.unreadable]
              for kind in ("rules", "invariants")}
    hazards = load_hazards(ctx, files["hazards"], questions, rules, invariants, unread)
    headlines, locales, locale = _load_wording(ctx, manifest, where)
    if ctx.problems:
        raise RulesetError(ctx.problems)
    ruleset = Ruleset(
        name=ctx.text(manifest, "name", where), version=ctx.text(manifest, "version", where),
        sha256=_digest(root, [manifest_path, *files["questionnaire"], *files["advice"],
                              *files["rules"], *files["invariants"], *files["findings"],
                              *files["hazards"]]),
        root=str(root), questions=tuple(questions.values()), advice=advice,
        rules=tuple(rules), headlines=headlines,
        disclaimer=ctx.text(manifest, "disclaimer", where),
        locales=locales, default_locale=locale,
        cases=ctx.texts(manifest, "cases", where), invariants=tuple(invariants),
        findings=glossary, hazards=tuple(hazards),
    )
    try:
        checked = replace(ruleset, baseline=check_baseline(ruleset, baseline))
    except AnswersError as exc:
        raise RulesetError(exc.problems) from None
    return checked


def _manifest_files(ctx: FieldReader, manifest: Mapping[str, Any], root: Path,
                    where: str) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {}
    for key in ("questionnaire", "advice", "rules", "invariants", "findings", "hazards"):
        names = ctx.texts(manifest, key, where, required=key not in OPTIONAL_FILES)
        paths = []
        for name in names:
            path = (root / name).resolve()
            if root.resolve() not in path.parents:
                ctx.problem(where, yamlio.line_of(manifest, key),
                            f"{key}: {name!r} is outside the rule set directory")
            elif not path.is_file():
                ctx.problem(where, yamlio.line_of(manifest, key), f"{key}: no file {name!r}")
            else:
                paths.append(root / name)
        files[key] = paths
    return files


def _digest(root: Path, paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_wording(ctx: FieldReader, manifest: Mapping[str, Any],
                  where: str) -> tuple[dict[Urgency, str], dict[str, dict[str, str]], str]:
    headlines: dict[Urgency, str] = {}
    raw = manifest.get("headlines")
    if not isinstance(raw, Mapping):
        ctx.problem(where, yamlio.line_of(manifest, "headlines"), "missing 'headlines' mapping")
        raw = {}
    for level in Urgency:
        headlines[level] = ctx.text(raw, level.value, where, what="headlines: ")
        check_placeholders(ctx, headlines[level], where, yamlio.line_of(raw, level.value), "")
    for key in raw:
        if key not in {level.value for level in Urgency}:
            ctx.problem(where, yamlio.line_of(raw, key), f"headlines: unknown urgency {key!r}")
    check_placeholders(ctx, manifest.get("disclaimer"), where,
                        yamlio.line_of(manifest, "disclaimer"), "")
    locales = _locales(ctx, manifest.get("locales"), where,
                       yamlio.line_of(manifest, "locales"))
    locale = ctx.text(manifest, "default_locale", where)
    if locales and locale and locale not in locales:
        ctx.misspelt(where, yamlio.line_of(manifest, "default_locale"),
                     f"default_locale {locale!r} is not one of the locales: "
                     f"{', '.join(locales)}", locale, locales)
    return headlines, locales, locale


def _locales(ctx: FieldReader, raw: Any, where: str, line: int) -> dict[str, dict[str, str]]:
    """The locale table: every locale names every service the wording refers to."""
    if not isinstance(raw, Mapping) or not raw:
        ctx.problem(where, line, "missing 'locales' mapping (locale: its service names: "
                    + ", ".join(PLACEHOLDERS) + ")")
        return {}
    locales: dict[str, dict[str, str]] = {}
    for name, services in raw.items():
        at = yamlio.line_of(raw, name)
        if not isinstance(services, Mapping):
            ctx.problem(where, at, f"locale {name}: give its service names as a mapping")
            continue
        ctx.keys(services, PLACEHOLDERS, where, f"locale {name}")
        locales[str(name)] = {key: ctx.text(services, key, where, what=f"locale {name}: ")
                              for key in PLACEHOLDERS}
    return locales


