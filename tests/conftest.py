"""Shared fixtures: the rule set in this checkout, a complete "no danger signs" answer set.

Tests read the rules in this checkout's ``rules/`` (where clinicians edit them), not the
copy inside the installed package, so an edit is tested even after a plain
``pip install .``; test_installed.py checks that the installed copy is the same.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

import triage
from triage.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

# The rule-set cache of the tests is theirs, not the user's (shared by the xdist workers).
os.environ.setdefault("BACKTRIAGE_CACHE_DIR", tempfile.mkdtemp(prefix="backtriage-cache-"))


@pytest.fixture(scope="session")
def shipped() -> Engine:
    """The compiled rule set of this checkout."""
    return triage.engine(RULES)


@pytest.fixture(scope="session")
def ruleset(shipped: Engine) -> triage.Ruleset:
    return shipped.ruleset


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the shipped rule set, as ``rs`` in the test's folder, to break on purpose."""
    shutil.copytree(RULES, tmp_path / "rs")
    return tmp_path / "rs"


def healthy_adult() -> dict[str, Any]:
    """A complete answer set with no danger sign: a 38-year-old, 2 weeks of lifting strain."""
    return {
        "age": 38, "sex": "male",
        "saddle_numbness": False, "bladder_or_bowel_change": False,
        "sexual_function_change": False, "leg_weakness": "none", "both_legs_affected": False,
        "fever": False, "unexplained_weight_loss": False, "cancer_history": False,
        "night_pain": False, "recent_trauma": "none", "osteoporosis": False,
        "long_term_steroids": False, "immunosuppressed": False, "iv_drug_use": False,
        "recent_infection_or_spinal_procedure": False, "chest_pain_or_breathless": False,
        "abdominal_pulsing_or_faint": False, "generally_unwell": False,
        "known_aortic_aneurysm": False, "spine_lump_or_shape_change": False,
        "worse_coughing_sneezing_or_pooing": False,
        "duration_days": 14, "pain_severity": 5, "location": "lower", "onset": "sudden",
        "triggers": ["lifting_or_bending"], "morning_stiffness_minutes": 10,
        "better_with_movement": True, "leg_pain_below_knee": False,
        "leg_numbness_or_tingling": False, "muscle_spasms": True, "daily_life_impact": "some",
        "trend": "improving", "previous_episodes": False,
        "stomach_ulcer_or_bleed": False, "kidney_disease": False,
        "heart_disease_or_stroke": False, "high_blood_pressure": False,
        "takes_anticoagulant": False, "takes_bleeding_risk_medicine": False,
        "asthma_worse_with_nsaids": False, "nsaid_allergy": False,
        "liver_disease": False,
    }


@pytest.fixture
def adult() -> dict[str, Any]:
    return healthy_adult()
