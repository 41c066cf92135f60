"""Case files are confined like rule files: inside the rule set folder, regular files,
and the read itself capped; answers files are capped by what is read too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import RULES

pytestmark = pytest.mark.processes
TIMEOUT = 120


def working_copy(tmp_path):
    folder = tmp_path / "rs"
    shutil.copytree(RULES, folder)
    return folder


def triage(*args: str) -> subprocess.CompletedProcess:
    """`triage ...` in a process with a memory limit and a timeout: a read that never ends
    fails the test instead of the machine."""
    command = "ulimit -v 1500000; exec " + " ".join(
        [sys.executable, "-m", "triage", *(f"'{arg}'" for arg in args)])
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                          timeout=TIMEOUT)


def test_a_case_file_outside_the_rule_set_is_refused(tmp_path):
    """`cases: [/etc/passwd]` is an error naming the entry, not a file read (it was read,
    and its content reported)."""
    folder = working_copy(tmp_path)
    manifest = folder / "ruleset.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("cases:\n  - cases\n",
                                                              "cases:\n  - /etc/passwd\n"))
    result = triage("rules", "check", str(folder))
    assert result.returncode == 1
    assert "ruleset.yaml: error: cases: '/etc/passwd' is outside the rule set directory" \
        in result.stdout
    assert "root:" not in result.stdout + result.stderr


def test_a_case_file_linked_to_dev_zero_is_refused_without_reading_it(tmp_path):
    """cases/zero.yaml -> /dev/zero is outside the folder: refused at once (it was read
    until memory ran out)."""
    folder = working_copy(tmp_path)
    os.symlink("/dev/zero", folder / "cases" / "zero.yaml")
    result = triage("rules", "check", str(folder))
    assert result.returncode == 1
    assert "cases: 'cases/zero.yaml' is outside the rule set directory" in result.stdout


def test_a_fifo_among_the_case_files_is_refused_without_waiting(tmp_path):
    """A named pipe in cases/ is 'not a regular file' (check waited on it for ever)."""
    folder = working_copy(tmp_path)
    os.mkfifo(folder / "cases" / "fifo.yaml")
    result = triage("rules", "check", str(folder))
    assert result.returncode == 1
    assert "cases/fifo.yaml: error: not a regular file (a device, pipe or socket)" \
        in result.stdout


@pytest.mark.parametrize("source", ["/dev/zero", "<(yes)"])
def test_an_answers_stream_that_never_ends_is_refused_after_2_mb(source):
    """`triage run /dev/zero` or `<(yes)`: at most 2 MB is read, then refused by size (the
    device was 'no such answers file'; a cap that trusts the size a device reports would
    read for ever)."""
    command = f"ulimit -v 1500000; exec {sys.executable} -m triage run {source} --rules {RULES}"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                            timeout=TIMEOUT)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("file is larger than 2 MB")
