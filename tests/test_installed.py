"""The installed package: entry points, shipped rules inside the wheel, byte-identical output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import triage

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "self-care.yaml"
ENTRY = shutil.which("triage")
INSTALLED = os.environ.get("BACKTRIAGE_EXPECT_INSTALLED") == "1"  # set by .ci/run
needs_entry = pytest.mark.skipif(ENTRY is None and not INSTALLED,
                                 reason="the triage command is not installed")


def command(*args: str, seed: str = "0", stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([ENTRY or "triage", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=60)


@pytest.mark.skipif(not INSTALLED, reason="only meaningful when CI installed the wheel")
def test_tests_run_against_the_installed_wheel():
    """CI imports triage from site-packages and finds the rules inside the package."""
    package = Path(triage.__file__).resolve().parent
    assert "site-packages" in package.parts
    assert triage.default_rules_dir() == package / "rules"


@pytest.mark.skipif(not INSTALLED, reason="only meaningful when CI installed the wheel")
def test_the_wheel_ships_exactly_the_rules_of_this_checkout():
    """Every rule file made it into the wheel unchanged: same rule set digest, same cases."""
    from conftest import RULES

    from triage.clinician.cases import case_files

    installed, checkout = triage.ruleset(), triage.ruleset(RULES)
    assert installed.sha256 == checkout.sha256
    assert [p.name for p in case_files(installed)] == [p.name for p in case_files(checkout)]


@needs_entry
def test_installed_entry_point_runs_the_example():
    """`triage run examples/self-care.yaml` works from the installed command."""
    result = command("run", str(EXAMPLE))
    assert result.returncode == 0 and "SELF-CARE" in result.stdout


@needs_entry
@pytest.mark.parametrize(("args", "code"), [
    (["run", "does-not-exist.yaml"], 2),
    (["run", "-", "--urgency-exit-code"], 5),
    (["run", "--no-such-option", "x"], 2),
    (["questions"], 0),
])
def test_installed_entry_point_exit_codes(args, code):
    """Exit codes of the real command: 0 ok, 2 bad input/usage, urgency codes on request."""
    stdin = EXAMPLE.read_text(encoding="utf-8").replace("saddle_numbness: no",
                                                        "saddle_numbness: yes")
    result = command(*args, stdin=stdin)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_triage_works():
    """`python -m triage` is the same command line."""
    result = subprocess.run([sys.executable, "-m", "triage", "questions"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "saddle_numbness" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_same_input_gives_byte_identical_output_across_processes(fmt):
    """Different hash seeds, same answers and rules: identical bytes."""
    outputs = set()
    for seed in ("1", "2", "3"):
        result = subprocess.run([sys.executable, "-m", "triage", "run", str(EXAMPLE), "-f", fmt],
                                capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed},
                                timeout=60)
        assert result.returncode == 0
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_the_library_imports_without_the_cli():
    """`import triage` does not pull in typer or rich."""
    code = "import sys, triage; triage.triage; assert 'typer' not in sys.modules and " \
           "'rich' not in sys.modules, sorted(m for m in sys.modules if 'typer' in m)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_command_line_loads_rich_only_when_it_draws():
    """Loading the CLI (as every `triage run` does) leaves rich unimported: start-up stays
    fast; `triage ask` and the progress bar import it when they draw."""
    code = "import sys, triage.cli; assert 'rich' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
