"""Safe writes: an output file is replaced only once everything in it has been written.

Every command that writes a file goes through here (``run -o``, ``batch -o``, ``rules
review -o``, ``ask --save`` and ``ask --output``). The policy, in the README too:

* the text goes to a temporary file in the same folder, which is flushed to disk and then
  renamed over the target, so the target is never left half-written or truncated: a run
  that fails (bad input, Ctrl-C, a full disk) leaves it as it was;
* an output that *is* one of the command's inputs (the same file, by device and inode,
  whatever the name: a symlink, a hard link) is refused before anything is read;
* a read-only target is refused, not replaced;
* a symlink is written through: the file it points to is replaced and the link stays;
* the replaced file keeps its permission bits (and its owner, where allowed); a new file
  gets the usual ones (0666 less the umask), not a temporary file's 0600;
* a target that is not a regular file (``/dev/null``, ``/dev/full``, a FIFO) is written
  in place: there is nothing to replace.

Write errors become :class:`OutputError` (bad input, exit 2) naming the file; standard
output closed by the reader (``| head``) becomes :class:`OutputClosed`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from triage.records import record

from .errors import ExitStatus, TriageError
from .problems import printable


class OutputError(TriageError):
    """An output cannot be written (or must not be)."""


class OutputClosed(TriageError):
    """Standard output was closed by its reader (a broken pipe): stop, quietly."""

    exit_status = ExitStatus.OUTPUT_CLOSED


Input = Path | int  # a file the command reads: a path, or an open descriptor (0: stdin)


@record
class Target:
    """A checked output: where the bytes go and how."""

    name: str  # for messages: the option and the path (``--save answers.yaml``)
    shown: str  # the path as the user wrote it, made safe to show
    real: Path  # symlinks resolved
    replace: bool  # a regular or new file: temporary file + rename; else written in place
    mode: int | None  # permission bits to keep (None: a new file)
    owner: tuple[int, int] | None  # (uid, gid) to keep


def check_output(path: Path, *, inputs: Iterable[Input] = (), option: str = "") -> Target:
    """The output ``path``, checked before any work is done: refused (OutputError) when it
    is a folder, in a missing folder, read-only, one of the ``inputs``, or in a folder
    where no temporary file can be made."""
    shown = printable(str(path))
    name = f"{option} {shown}" if option else shown
    real = Path(os.path.realpath(path))
    if real.is_dir():
        raise OutputError("is a folder, not a file", name)
    if not real.parent.is_dir():
        raise OutputError(f"no such folder {printable(str(path.parent))!r}", name)
    try:
        status = os.stat(real)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", name) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        return Target(name, shown, real, replace=False, mode=None, owner=None)
    if status is not None:
        _refuse_an_input(status, inputs, name)
        if not status.st_mode & 0o222 or not os.access(real, os.W_OK):
            raise OutputError("the file is read-only, so it is not replaced (make it "
                              "writable, or write to another file)", name)
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise OutputError("cannot write there (permission denied)", name)
    return Target(name, shown, real, replace=True,
                  mode=stat.S_IMODE(status.st_mode) if status else None,
                  owner=(status.st_uid, status.st_gid) if status else None)


def _refuse_an_input(status: os.stat_result, inputs: Iterable[Input], name: str) -> None:
    for source in inputs:
        try:
            read = os.fstat(source) if isinstance(source, int) else os.stat(source)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(read.st_mode) and (read.st_dev, read.st_ino) == (status.st_dev,
                                                                       status.st_ino):
            shown = "standard input" if isinstance(source, int) else printable(str(source))
            raise OutputError(f"is the input ({shown}): writing there would replace what is "
                              "being read; write to another file", name)


class Output:
    """A text stream whose write errors name the file: OutputError, or OutputClosed for
    a reader that went away."""

    def __init__(self, stream: IO[str], name: str) -> None:
        self.stream, self.name = stream, name

    def write(self, text: str) -> None:
        self._do(self.stream.write, text)

    def flush(self) -> None:
        self._do(self.stream.flush)

    def _do(self, action: object, *args: str) -> None:
        try:
            action(*args)  # type: ignore[operator]
        except BrokenPipeError:
            raise OutputClosed("the reader closed it", self.name) from None
        except UnicodeEncodeError as exc:
            raise OutputError(f"cannot show {exc.object[exc.start:exc.end]!a} in its "
                              f"encoding ({exc.encoding}); set PYTHONIOENCODING=utf-8 or "
                              "write to a file with -o", self.name) from None
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", self.name) from None


@contextlib.contextmanager
def replacing(target: Target) -> Iterator[Output]:
    """A stream for the new content of ``target``; the target is replaced when the block
    ends normally, and left as it was if anything fails (the temporary file is removed)."""
    if not target.replace:
        try:
            handle = open(target.real, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror}", target.name) from None
        output = Output(handle, target.name)
        try:
            yield output
            output.flush()
        finally:
            with contextlib.suppress(OSError):
                handle.close()
        return
    import tempfile  # only here: printing to standard output starts without it

    try:
        handle_fd, temporary = tempfile.mkstemp(prefix=f".{target.real.name}.",
                                                suffix=".tmp", dir=target.real.parent)
    except OSError as exc:
        raise OutputError(f"cannot write there: {exc.strerror}", target.name) from None
    try:
        with os.fdopen(handle_fd, "w", encoding="utf-8", newline="") as handle:
            output = Output(handle, target.name)
            yield output
            output.flush()
            _written(target, _settle, handle.fileno(), target)
        _written(target, os.replace, temporary, target.real)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _written(target: Target, action: Callable[..., object], *args: object) -> None:
    try:
        action(*args)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", target.name) from None


def _settle(fd: int, target: Target) -> None:
    """On disk, with the permission bits (and owner) the target had or a new file gets."""
    os.fchmod(fd, target.mode if target.mode is not None else 0o666 & ~_umask())
    if target.owner is not None:
        with contextlib.suppress(OSError):  # only root may give a file away
            os.fchown(fd, *target.owner)
    os.fsync(fd)


def write_text(target: Target, text: str) -> None:
    """Replace ``target`` with ``text``, safely (see the module docstring)."""
    with replacing(target) as output:
        output.write(text)


_umask_lock = threading.Lock()


def _umask() -> int:
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask
