"""Just enough shell reading to spot commands that delete ``/tmp/balena``.

Not a shell parser: commands are cut at ``;``, ``&&``, ``||``, ``|``, ``&``
and newlines, and words are split with :mod:`shlex`.  That is enough for
``rm -rf /tmp/*`` and ``find /tmp -delete`` in one-line RUN/CMD and in start
scripts, which is what the page warns about.
"""

from __future__ import annotations

import fnmatch
import re
import shlex

_SEPARATORS = re.compile(r"&&|\|\||[;|&\n]")
# Words that run the next word as the command.
_PREFIXES = frozenset({"sudo", "exec", "command", "nice", "nohup", "time", "busybox"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
# Paths whose removal takes /tmp/balena (or what is in it) along.
_VICTIMS = ("/tmp/balena", "/tmp/balena/updates.lock")


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:  # an open quote: fall back to plain words
        return command.split()


def _hits_tmp_balena(path: str) -> bool:
    path = path.strip()
    if not path.startswith("/tmp"):
        return False
    trimmed = path.rstrip("/") or "/"
    if trimmed in ("/tmp", "/tmp/balena") or trimmed.startswith("/tmp/balena/"):
        return True
    return any(fnmatch.fnmatchcase(victim, trimmed) for victim in _VICTIMS)


def _strip_prefixes(words: list[str]) -> list[str]:
    while words and (
        words[0] in _PREFIXES or words[0] == "env" or ("=" in words[0] and words[0][0] != "-")
    ):
        words = words[1:]
        if words and words[0] == "env":
            continue
    return words


def removes_tmp_balena_argv(argv: list[str]) -> str | None:
    """The offending path if running ``argv`` removes /tmp/balena, else None."""
    words = _strip_prefixes(list(argv))
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    if program in _SHELLS and "-c" in words[1:]:
        index = words.index("-c")
        return removes_tmp_balena(words[index + 1]) if index + 1 < len(words) else None
    if program in ("rm", "rmdir", "unlink"):
        for word in words[1:]:
            if not word.startswith("-") and _hits_tmp_balena(word):
                return word
    if program == "find" and ("-delete" in words or _find_runs_rm(words)):
        for word in words[1:]:
            if word.startswith("-") or word in ("(", "!"):
                break
            if _hits_tmp_balena(word):
                return word
    return None


def _find_runs_rm(words: list[str]) -> bool:
    for flag in ("-exec", "-execdir"):
        if flag in words:
            index = words.index(flag)
            if index + 1 < len(words) and words[index + 1].rsplit("/", 1)[-1] == "rm":
                return True
    return False


def removes_tmp_balena(command: str) -> str | None:
    """The offending path if the shell ``command`` removes /tmp/balena, else None."""
    if "/tmp" not in command:  # the fast path: most commands never mention it
        return None
    for part in _SEPARATORS.split(command):
        found = removes_tmp_balena_argv(_words(part))
        if found:
            return found
    return None
