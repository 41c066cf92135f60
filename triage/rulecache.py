"""A cache of loaded and checked rule sets, so that a command starts without re-reading them.

Keyed by the sha256 of every file in the rule set directory (and of the code that reads
them, the Python version and the directory's path), in ``$BACKTRIAGE_CACHE_DIR``, else
``$XDG_CACHE_HOME/backtriage``, else ``~/.cache/backtriage``; ``BACKTRIAGE_CACHE=off``
switches it off. Safety:

* a cache file is read only from a folder that is a real folder (not a symlink) owned by
  the current user and writable by no one else, and only if the file is a regular file
  owned by the current user and writable by no one else (checked on the open file and
  folder, so neither can be swapped between check and read): another user's data is
  never unpickled, whatever the folder is shared with;
* the file carries its key and the sha256 of its content: a stale, truncated or
  corrupt file, or one that cannot be read or unpickled, is ignored and rebuilt;
* it is written to a private temporary file (mode 0600) in the same folder, then renamed
  over the old one: a reader sees the old file or the new one, never half of one.

Any failure of the cache only costs the time of loading the rule set the usual way.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path

from .language.model import Ruleset

MAGIC = b"backtriage-ruleset-cache 1\n"
CODE = ("language", "problems.py", "errors.py", "rulecache.py")  # what a cached set depends on


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is switched off."""
    if os.environ.get("BACKTRIAGE_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    chosen = os.environ.get("BACKTRIAGE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backtriage"


def _files(root: Path) -> list[Path]:
    """Every file under ``root`` (links followed, as the loader reads them), sorted."""
    found: list[Path] = []
    for folder, _, names in os.walk(root, followlinks=True):
        found.extend(Path(folder, name) for name in names)
    return sorted(path for path in found if path.is_file())


def cache_key(root: Path) -> str:
    """sha256 of every file under ``root`` (names and content), of the code that loads
    them, of the Python version and of the folder's path."""
    digest = hashlib.sha256(MAGIC + sys.version.encode() + b"\0" + str(root).encode() + b"\0")
    package = Path(__file__).resolve().parent
    for name in CODE:
        path = package / name
        for source in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(source.relative_to(package).as_posix().encode() + b"\0")
            digest.update(source.read_bytes() + b"\0")
    for path in _files(root):
        digest.update(b"rules/" + path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _trusted(info: os.stat_result, kind: int) -> bool:
    """Owned by this user, of the right kind, writable by no one else."""
    return (stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _open_folder(folder: Path) -> int | None:
    """A descriptor of the cache folder if it can be trusted, else None."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    if _trusted(os.fstat(fd), stat.S_IFDIR):
        return fd
    os.close(fd)
    return None


def _read(folder_fd: int, name: str, key: str) -> Ruleset | None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        if not _trusted(os.fstat(fd), stat.S_IFREG):
            return None
        with open(fd, "rb", closefd=False) as file:
            data = file.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    header = MAGIC + key.encode() + b"\n"
    if not data.startswith(header) or len(data) < len(header) + 32:
        return None
    checksum, payload = data[len(header):len(header) + 32], data[len(header) + 32:]
    if hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        ruleset = pickle.loads(payload)
    except Exception:  # a corrupt file: rebuilt
        return None
    return ruleset if isinstance(ruleset, Ruleset) else None


def _write(folder_fd: int, name: str, key: str, ruleset: Ruleset) -> None:
    payload = pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL)
    data = MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
    import secrets  # only here: a warm cache is read without it (start-up, issue 14)

    temporary = f".tmp-{secrets.token_hex(8)}-{name}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600,
                 dir_fd=folder_fd)
    try:
        with open(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder_fd)
        raise


def load_ruleset(root: Path) -> Ruleset:
    """The rule set loaded the usual way (the loader is imported only on a cache miss)."""
    from .language.loader import load_ruleset as load

    return load(root)


def load_cached(directory: str | Path) -> Ruleset:
    """The loaded and checked rule set in ``directory``: from the cache when a trusted,
    current copy is there, else loaded (and cached for next time)."""
    root = Path(directory).resolve()
    folder = cache_dir()
    if folder is None:
        return load_ruleset(root)
    try:
        key = cache_key(root)
    except OSError:
        return load_ruleset(root)
    name = f"ruleset-{key}.pickle"
    folder_fd = _open_folder(folder)
    if folder_fd is None:
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, parents=True)
        folder_fd = _open_folder(folder)
    try:
        if folder_fd is not None:
            cached = _read(folder_fd, name, key)
            if cached is not None and cached.root == str(root):
                return cached
        ruleset = load_ruleset(root)
        if folder_fd is not None:
            with contextlib.suppress(OSError):
                _write(folder_fd, name, key, ruleset)
        return ruleset
    finally:
        if folder_fd is not None:
            os.close(folder_fd)
