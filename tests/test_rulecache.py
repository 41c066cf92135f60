"""The cache of loaded rule sets: used when current and trusted, ignored and rebuilt when
stale, corrupt, unreadable or writable by someone else, written atomically."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import RULES

import triage
from triage import rulecache


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the shipped rule set."""
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test, chosen through the environment."""
    chosen = tmp_path / "cache"
    monkeypatch.setenv("BACKTRIAGE_CACHE_DIR", str(chosen))
    monkeypatch.delenv("BACKTRIAGE_CACHE", raising=False)
    return chosen


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time the rule set is loaded the slow way (a cache miss)."""
    calls: list[Path] = []
    real = rulecache.load_ruleset

    def counted(root: Path) -> triage.Ruleset:
        calls.append(root)
        return real(root)
    monkeypatch.setattr(rulecache, "load_ruleset", counted)
    return calls


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def only_file(folder: Path) -> Path:
    (path,) = cache_files(folder)
    return path


def plant(folder: Path, rules: Path, ruleset: triage.Ruleset) -> Path:
    """Write ``ruleset`` as the cache file of ``rules`` (as the cache itself would)."""
    folder.mkdir(mode=0o700, exist_ok=True)
    key = rulecache.cache_key(rules.resolve())
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        rulecache._write(fd, f"ruleset-{key}.pickle", key, ruleset)
    finally:
        os.close(fd)
    return folder / f"ruleset-{key}.pickle"


def impostor(rules: Path) -> triage.Ruleset:
    """A rule set that must never come out of the cache: renamed."""
    real = triage.load_ruleset(rules.resolve())
    return dataclasses.replace(real, name="planted by someone else")


def test_a_second_load_comes_from_the_cache(rules, folder, loads):
    """The first load reads the files and writes the cache; the second reads the cache."""
    first = rulecache.load_cached(rules)
    second = rulecache.load_cached(rules)
    assert loads == [rules.resolve()]
    assert second == first == triage.load_ruleset(rules.resolve())


def test_the_cache_file_is_private_and_complete(rules, folder):
    """A private folder, one 0600 file, no temporary file left behind."""
    rulecache.load_cached(rules)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    path = only_file(folder)
    assert path.name.startswith("ruleset-") and path.name.endswith(".pickle")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_changed_rule_file_makes_the_cache_stale(rules, folder, loads):
    """Editing a rule file gives another key: the rule set is loaded again, as edited."""
    rulecache.load_cached(rules)
    manifest = rules / "ruleset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "\nversion:", "\n# edited\nversion:", 1), encoding="utf-8")
    assert rulecache.load_cached(rules) == triage.load_ruleset(rules.resolve())
    assert len(loads) == 2
    assert len(cache_files(folder)) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped byte", "empty"])
def test_a_corrupt_cache_file_is_rebuilt(rules, folder, loads, damage):
    """A damaged file is ignored, the rule set loaded again and the file rewritten."""
    rulecache.load_cached(rules)
    path = only_file(folder)
    data = path.read_bytes()
    damaged = {"garbage": b"\x80\x04not a pickle", "truncated": data[: len(data) // 2],
               "flipped byte": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
               "empty": b""}[damage]
    path.write_bytes(damaged)
    assert rulecache.load_cached(rules) == triage.load_ruleset(rules.resolve())
    assert len(loads) == 2
    assert path.read_bytes() == data


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_an_unreadable_cache_file_is_ignored(rules, folder, loads, kind):
    """Where the cache file should be, a folder or a named pipe: loaded the usual way
    (and a pipe is not waited on)."""
    rulecache.load_cached(rules)
    path = only_file(folder)
    path.unlink()
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path, 0o600)
    assert rulecache.load_cached(rules) == triage.load_ruleset(rules.resolve())
    assert len(loads) == 2


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_another_users_cache_file_is_never_unpickled(rules, folder):
    """A file owned by someone else is not read, whatever it holds."""
    path = plant(folder, rules, impostor(rules))
    os.chown(path, 12345, 12345)
    assert rulecache.load_cached(rules).name != "planted by someone else"


@pytest.mark.parametrize("mode", [0o620, 0o602])
def test_a_cache_file_others_can_write_is_never_unpickled(rules, folder, mode):
    """A file writable by the group or by others is not read."""
    path = plant(folder, rules, impostor(rules))
    os.chmod(path, mode)
    assert rulecache.load_cached(rules).name != "planted by someone else"


def test_a_cache_folder_others_can_write_is_not_used(rules, folder, loads):
    """In a folder writable by others nothing is read and nothing written."""
    plant(folder, rules, impostor(rules))
    os.chmod(folder, 0o777)
    assert rulecache.load_cached(rules).name != "planted by someone else"
    assert rulecache.load_cached(rules).name != "planted by someone else"
    assert len(loads) == 2
    assert len(cache_files(folder)) == 1


def test_a_symlinked_cache_folder_is_not_used(rules, tmp_path, monkeypatch, loads):
    """The cache folder must be a real folder, not a link to one."""
    real = tmp_path / "real"
    plant(real, rules, impostor(rules))
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("BACKTRIAGE_CACHE_DIR", str(link))
    assert rulecache.load_cached(rules).name != "planted by someone else"
    assert len(loads) == 1


def test_the_cache_can_be_switched_off(rules, folder, loads, monkeypatch):
    """BACKTRIAGE_CACHE=off: every load reads the files, nothing is written."""
    monkeypatch.setenv("BACKTRIAGE_CACHE", "off")
    rulecache.load_cached(rules)
    rulecache.load_cached(rules)
    assert len(loads) == 2
    assert not folder.exists()


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    """Without BACKTRIAGE_CACHE_DIR: $XDG_CACHE_HOME/backtriage, else ~/.cache/backtriage."""
    monkeypatch.delenv("BACKTRIAGE_CACHE_DIR", raising=False)
    monkeypatch.delenv("BACKTRIAGE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert rulecache.cache_dir() == tmp_path / "backtriage"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert rulecache.cache_dir() == tmp_path / "home" / ".cache" / "backtriage"


def test_an_uncreatable_cache_folder_only_costs_time(rules, tmp_path, monkeypatch, loads):
    """A cache folder that cannot be made (a file is in the way): loaded the usual way."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("BACKTRIAGE_CACHE_DIR", str(blocker / "cache"))
    assert rulecache.load_cached(rules) == triage.load_ruleset(rules.resolve())
    assert len(loads) == 1
