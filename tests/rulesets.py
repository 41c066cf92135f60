"""Build small rule sets in a temporary folder, reusing the shipped questionnaire and advice."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from conftest import RULES

REVIEW = """
    rationale: test rule
    evidence: ["TEST 1"]
    status: active
    reviewed_by: tester
    reviewed_on: 2026-11-24
"""


def rule(rid: str, when: str, then: str, status: str = "active") -> str:
    """One rule as YAML text (when/then given as YAML flow or block text)."""
    body = f"""
  - id: {rid}
    title: {rid} title
    when: {when}
    then: {then}
""" + textwrap.indent(textwrap.dedent(REVIEW).replace("active", status), "    ")
    return body


def make_ruleset(folder: Path, rules_text: str, *, files: dict[str, str] | None = None) -> Path:
    """A rule set folder with the shipped questionnaire/advice and the given rules."""
    shipped = RULES
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("questionnaire.yaml", "advice.yaml"):
        shutil.copy(shipped / name, folder / name)
    manifest = (shipped / "ruleset.yaml").read_text(encoding="utf-8")
    head, _, tail = manifest.partition("rules:\n")
    tail = tail[tail.index("cases:"):].replace("cases:\n  - cases\n", "cases: []\n")
    for optional in ("invariants: invariants.yaml\n", "findings: findings.yaml\n",
                     "hazards: hazards.yaml\n"):
        tail = tail.replace(optional, "")  # tiny rule sets: no invariants, glossary, hazards
    (folder / "ruleset.yaml").write_text(head + "rules:\n  - rules.yaml\n" + tail,
                                         encoding="utf-8")
    (folder / "rules.yaml").write_text("rules:\n" + rules_text, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
