"""`triage run` starts without the modules it does not use, so start-up stays fast (issue
14: at most 150 ms of CPU; the figure is in the README's Speed table)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "self-care.yaml"

# Run `triage run` as the console script does, then list every module that was imported
# (one a line: not with json, which `triage run` itself must not import).
PROGRAM = """
import sys
sys.argv = ["triage", "run", sys.argv[1]]
from triage.cli import main
try:
    main()
except SystemExit:
    pass
with open(__import__("os").environ["MODULES_OUT"], "w") as out:
    out.write("\\n".join(sorted(sys.modules)))
"""

FORBIDDEN_PREFIXES = ("triage.clinician", "triage.batch", "pydantic")
FORBIDDEN = {
    "triage.cli.ask", "triage.cli.batch", "triage.cli.rules",  # built only when asked for
    "triage.intake.rows",  # batch rows
    "triage.language.loader",  # a warm rule-set cache is read without the loader
    "triage.questionnaire.keyboard", "triage.questionnaire.saved",  # `ask` only
    "triage.documents.markdown", "triage.documents.html",  # text is printed
    "multiprocessing", "concurrent.futures",  # batch workers
    "triage.cli.questions", "triage.questionnaire.dictionary",  # `triage questions` only
    # every question answered: no relevance test, and no question flow
    "triage.questionnaire", "triage.questionnaire.relevance", "triage.questionnaire.flow",
    "secrets", "tempfile",  # needed only to write files: a warm cache is read, the plan printed
    "json",  # a YAML answers file, a text plan
}


@pytest.fixture(scope="module")
def run_modules(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules `triage run examples/self-care.yaml` imports, with a warm rule-set cache
    (a first run fills it). Run from an empty folder, so the installed package is used."""
    folder = tmp_path_factory.mktemp("startup")
    env = {**os.environ, "BACKTRIAGE_CACHE_DIR": str(folder / "cache"),
           "MODULES_OUT": str(folder / "modules.txt")}
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", PROGRAM, str(EXAMPLE)], cwd=folder,
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "SELF-CARE" in done.stdout
    return set((folder / "modules.txt").read_text(encoding="utf-8").splitlines())


def test_run_imports_no_clinician_tool_and_no_batch_machinery(run_modules):
    """Nothing of `rules` or `batch` is loaded (nor pydantic). difflib is not checked:
    typer itself imports it."""
    assert {name for name in run_modules if name.startswith(FORBIDDEN_PREFIXES)} == set()


def test_run_imports_none_of_the_modules_only_other_commands_need(run_modules):
    """No other command's module, no rule loader (cache hit), no keyboard or saved-answers
    code, no markdown or HTML writer, no worker processes; with every question answered,
    no questionnaire code; nothing only writing files needs."""
    assert run_modules & FORBIDDEN == set()


def test_run_uses_the_engine_and_the_text_writer(run_modules):
    """The check above looks at a real run: the engine and the text writer were loaded."""
    assert {"triage.engine.network", "triage.documents.text", "experta"} <= run_modules


def test_triage_run_leaves_the_rule_sets_records_unmade(tmp_path: Path) -> None:
    """What makes start-up cheaper: a rule set read from the cache is unpickled, which
    calls no method of Rule, Question, Ruleset, Hazard or Invariant."""
    script = (
        "import triage\n"
        "from triage.records import _MADE, _StandIn\n"
        "import triage.language.model as m, triage.language.questions as q\n"
        "triage.engine()\n"
        "made = [c.__name__ for c in (m.Rule, m.Ruleset, m.Hazard, m.Invariant, q.Question)\n"
        "        if not any(isinstance(c.__dict__.get(n), _StandIn) for n in _MADE)]\n"
        "print(made)\n")
    env = {"BACKTRIAGE_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # the first run loads the YAML files (which constructs records) and fills the cache
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_the_collector_is_left_on_by_the_library_and_by_a_command() -> None:
    """Garbage collection is paused only while the package imports (triage._gc): importing
    the library, or running a command, leaves it on; the command froze what start-up
    built, so the collection at exit skips it."""
    program = ("import gc, sys\n"
               "import triage\n"
               "print(gc.isenabled())\n"
               "sys.argv = ['triage', 'run', sys.argv[1]]\n"
               "from triage.cli import main\n"
               "print(gc.isenabled())\n"
               "try:\n"
               "    main()\n"
               "except SystemExit:\n"
               "    pass\n"
               "print(gc.isenabled(), gc.get_freeze_count() > 1000, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", program, str(EXAMPLE)], capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.splitlines()[:2] == ["True", "True"]
    assert done.stderr.split() == ["True", "True"]
    assert gc.isenabled()  # and in this process, which imported both
