"""The streams a command reads and writes, as one object passed down (httpie's
``Environment``): tests substitute their own, and no command touches ``sys`` directly."""

from __future__ import annotations

import os
import sys
from typing import IO, TextIO

import typer

from triage.records import record
from triage.safewrite import Output


@record
class Streams:
    """Standard input, output and error, and whether standard error is a terminal (for
    the progress bar). The result goes to ``stdout``; prompts, notes and errors to
    ``stderr``."""

    stdin: TextIO | None
    stdout: TextIO
    stderr: TextIO
    isatty: bool

    @classmethod
    def system(cls) -> Streams:
        """The process's own streams, as they are now (a test runner's, under one)."""
        return cls(sys.stdin, sys.stdout, sys.stderr, _isatty(sys.stderr))

    def out(self, text: str) -> None:
        """Text on standard output; a write error is one line and exit 2 (OutputError),
        a closed pipe (``| head``) a quiet stop (OutputClosed)."""
        stdout = self.output()
        stdout.write(text)
        stdout.flush()

    def output(self) -> Output:
        """Standard output, naming itself in write errors."""
        return Output(self.stdout, "standard output")

    def note(self, text: str, nl: bool = True) -> None:
        """A line for the person on standard error (a note, a warning, an error)."""
        typer.echo(text, file=self.stderr, nl=nl)

    def quiet_stdout(self) -> None:
        """After standard output's reader has gone: send what is left to /dev/null, so
        that Python's own flush at exit does not complain about the broken pipe."""
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, AttributeError):
        return False
