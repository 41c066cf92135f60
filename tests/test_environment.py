"""User and environment conditions are one line and exit 2, never 'a bug' (exit 70): bytes
that are not UTF-8, a closed standard input, a full disk, an ASCII-only terminal; a
reader that goes away (`| head`) is a quiet stop. Real processes, real file descriptors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import RULES, healthy_adult

from triage.errors import ExitStatus

pytestmark = pytest.mark.processes
TIMEOUT = 120  # seconds: generous, for a busy 2-core machine
TRIAGE = f"{sys.executable} -m triage"


def shell(command: str, input: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    """A bash command line with `triage` standing for this Python's triage."""
    return subprocess.run(["bash", "-c", "set -o pipefail; " + command.replace(
        "triage ", f"{TRIAGE} ", 1)], input=input, capture_output=True, timeout=TIMEOUT,
        env={**os.environ, **env})


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1, lines
    assert "internal error" not in lines[0]
    return lines[0]


def answers_bytes() -> bytes:
    return json.dumps(healthy_adult()).encode()


def test_bytes_that_are_not_utf8_on_standard_input_are_bad_input():
    """`triage run -` given Latin-1 bytes: one line saying so, exit 2 (it was exit 70)."""
    latin = json.dumps({**healthy_adult(), "sex": "m\xe4le"}, ensure_ascii=False)
    result = shell(f"triage run - --rules {RULES}", input=latin.encode("latin-1"),
                   PYTHONIOENCODING="utf-8")
    assert result.returncode == ExitStatus.BAD_INPUT
    assert "<stdin>: answers are not UTF-8 text (byte" in one_line(result)


def test_a_line_typed_at_the_prompt_that_is_not_utf8_is_asked_again():
    """At `triage ask`, a Latin-1 'nä' is not understood and the question comes again;
    the next answer goes on (it was exit 70)."""
    result = shell(f"triage ask --plain --rules {RULES}", input=b"n\xe4\ny n n n\n",
                   PYTHONIOENCODING="utf-8")
    assert result.returncode == 0
    assert b"it is not utf-8 text" in result.stderr.lower()
    assert b"EMERGENCY" in result.stdout


@pytest.mark.parametrize("command", [
    "triage run - --rules {rules} <&-",
    "triage batch - --input-format jsonl --rules {rules} <&-",
])
def test_a_closed_standard_input_is_bad_input(command):
    """Standard input closed (`<&-`): one line, exit 2 (it was exit 70)."""
    result = shell(command.format(rules=RULES))
    assert result.returncode == ExitStatus.BAD_INPUT
    assert "standard input is closed" in one_line(result)


def test_a_closed_standard_input_at_the_prompt_ends_the_questionnaire():
    """`triage ask <&-` stops as at the end of input: exit 2, nothing crashes."""
    result = shell(f"triage ask --plain --rules {RULES} <&-")
    assert result.returncode == ExitStatus.BAD_INPUT
    assert b"stopped before the end" in result.stderr and b"internal error" not in result.stderr


def test_a_full_disk_is_one_line_and_exit_2(tmp_path):
    """`batch -o /dev/full`: the file and the reason, exit 2 (it was exit 70)."""
    source = tmp_path / "in.jsonl"
    source.write_bytes((answers_bytes() + b"\n") * 20)
    result = shell(f"triage batch {source} -o /dev/full --rules {RULES}")
    assert result.returncode == ExitStatus.BAD_INPUT
    assert one_line(result).endswith("/dev/full: cannot write: No space left on device")


def test_a_full_disk_on_standard_output_is_one_line_and_exit_2(tmp_path):
    """`triage run ... > /dev/full`: said once, exit 2 (Python's own complaint, exit 120)."""
    source = tmp_path / "a.json"
    source.write_bytes(answers_bytes())
    result = shell(f"triage run {source} --rules {RULES} > /dev/full")
    assert result.returncode == ExitStatus.BAD_INPUT
    assert "standard output: cannot write: No space left on device" in one_line(result)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_goes_away_stops_the_batch_quietly(tmp_path, jobs):
    """`triage batch ... | head -1`: one line out, nothing on standard error, exit 141 (it
    was exit 70 and 'a bug')."""
    source = tmp_path / "in.jsonl"
    source.write_bytes((answers_bytes() + b"\n") * 400)
    result = shell(f"triage batch {source} -j {jobs} --rules {RULES} | head -1; "
                   "exit ${PIPESTATUS[0]}")
    assert result.returncode == ExitStatus.OUTPUT_CLOSED
    assert result.stderr == b""
    assert json.loads(result.stdout)["row"] == 1


@pytest.mark.parametrize("command", [
    "triage questions -f json --rules {rules}",
    "triage rules review {rules}",
])
def test_an_ascii_only_terminal_is_told_how_to_get_the_text(command):
    """When standard output cannot show the text, say so and how to fix it, exit 2 (it was
    exit 70)."""
    result = shell(command.format(rules=RULES), PYTHONIOENCODING="ascii")
    assert result.returncode == ExitStatus.BAD_INPUT
    line = one_line(result)
    assert "standard output: cannot show" in line and "PYTHONIOENCODING=utf-8" in line
