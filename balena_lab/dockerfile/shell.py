"""Just enough shell reading to spot commands that delete ``/tmp/balena``.

Not a shell parser: a command is split into words with :mod:`shlex` (POSIX
rules, so quotes group words and ``&&`` inside quotes stays text), then cut
into simple commands at the separator tokens (``;``, ``&&``, ``||``, ``|``,
``&``, parentheses); redirections and their targets are dropped.  A shell
started with ``-c`` (``sh -c``, ``bash -lc``, ``dash -ec``, behind ``env``,
``tini --`` or ``dumb-init``) has its script read the same way.

Exec form runs no shell, so nothing expands a glob there: ``["rm", "-rf",
"/tmp/*"]`` removes a file literally named ``*``.  Only a shell's words are
matched as globs.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Iterator, Sequence

from .model import Instruction

# Programs that, given -c, read their next operand as a shell script.
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox-sh"})
# Words that run the next word as the command.
_PREFIXES = frozenset({"sudo", "exec", "command", "nice", "nohup", "time", "busybox"})
# Init wrappers that run the rest of argv (after an optional ``--``).
_INITS = frozenset({"tini", "dumb-init", "catatonit"})
_SEPARATOR = re.compile(r"[;&|()]+")
_REDIRECT = re.compile(r"[0-9]*[<>]+&?-?")
_FALLBACK_SEPARATORS = re.compile(r"&&|\|\||[;|&\n]")
# Shell options that take the next word as their argument.
_OPTION_WITH_ARGUMENT = frozenset({"-o", "+o", "-O", "+O"})
# Paths whose removal takes /tmp/balena (or what is in it) along.
_VICTIMS = ("/tmp/balena", "/tmp/balena/updates.lock")


def _program(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def strip_wrappers(argv: Sequence[str]) -> list[str]:
    """``argv`` without what only runs the rest: env and VAR=value, tini/dumb-init, ``--``,
    sudo/exec/nohup and the like."""
    words = list(argv)
    while words:
        first = words[0]
        program = _program(first)
        if program in _INITS or program == "env":
            words.pop(0)
            while words and words[0].startswith("-") and words[0] != "--":
                words.pop(0)  # their options (-s, -i, ...)
        elif first == "--" or program in _PREFIXES:
            words.pop(0)
        elif "=" in first and not first.startswith(("-", "=")):
            words.pop(0)  # VAR=value
        else:
            break
    return words


def shell_script(argv: Sequence[str]) -> tuple[str, ...] | None:
    """If ``argv`` starts a shell with ``-c``: the script and its arguments, else None.

    ``-c`` may be combined with other short options (``-lc``, ``-ec``, ``-xc``).
    An empty tuple means ``-c`` with no script yet (``ENTRYPOINT ["sh", "-c"]``,
    whose script then comes from CMD).
    """
    words = strip_wrappers(argv)
    if not words or _program(words[0]) not in SHELLS:
        return None
    index, has_c = 1, False
    while index < len(words):
        word = words[index]
        if word == "--":
            index += 1
            break
        if word in _OPTION_WITH_ARGUMENT:
            index += 2
            continue
        if len(word) > 1 and word[0] in "-+" and word[1:].isalpha():
            has_c = has_c or (word[0] == "-" and "c" in word[1:])
            index += 1
            continue
        if word.startswith("--"):  # --login, --norc, ...
            index += 1
            continue
        break
    return tuple(words[index:]) if has_c else None


DEFAULT_SHELL = ("/bin/sh", "-c")


def argv_of(instruction: Instruction, shell: Sequence[str] = DEFAULT_SHELL) -> list[str] | None:
    """What RUN/CMD/ENTRYPOINT (or HEALTHCHECK CMD) runs: exec form's array, or the
    shell (default ``/bin/sh -c``, or the stage's SHELL) plus shell form's text."""
    args = instruction.args
    if instruction.name == "HEALTHCHECK":
        if not args or args[0].upper() != "CMD":
            return None
        args = args[1:]
    if instruction.form == "exec":
        return list(args)
    if instruction.form == "shell" and args:
        return [*shell, args[-1]]
    return None


def stage_commands(
    stage: Sequence[Instruction],
) -> Iterator[tuple[Instruction, list[str], Instruction | None]]:
    """Each runnable instruction of a stage with the argv it really runs.

    A CMD after (or before) an exec-form ENTRYPOINT in the same stage is that
    ENTRYPOINT's arguments, so its argv is the two joined; the ENTRYPOINT is
    returned third.  The SHELL in effect is applied to shell form.
    """
    shell: Sequence[str] = DEFAULT_SHELL
    entrypoints = [i for i in stage if i.name == "ENTRYPOINT" and i.form == "exec" and i.args]
    entrypoint = entrypoints[-1] if entrypoints else None
    for instruction in stage:
        if instruction.name == "SHELL" and instruction.form == "exec" and instruction.args:
            shell = instruction.args
        if instruction.name not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
            continue
        argv = argv_of(instruction, shell)
        if argv is None:
            continue
        if instruction.name == "CMD" and entrypoint is not None:
            yield instruction, [*entrypoint.args, *argv], entrypoint
        else:
            yield instruction, argv, None


def _words(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def simple_commands(command: str) -> list[list[str]]:
    """``command`` cut into simple commands (lists of words, redirections dropped)."""
    try:
        words = _words(command)
    except ValueError:  # an open quote: plain words, cut at separators
        return [part.split() for part in _FALLBACK_SEPARATORS.split(command)]
    commands: list[list[str]] = [[]]
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
        elif _SEPARATOR.fullmatch(word):
            commands.append([])
        elif _REDIRECT.fullmatch(word) and any(c in word for c in "<>"):
            skip_next = True
        else:
            commands[-1].append(word)
    return [c for c in commands if c]


def _hits_tmp_balena(path: str, *, glob: bool) -> bool:
    path = path.strip()
    if not path.startswith("/tmp"):
        return False
    trimmed = path.rstrip("/") or "/"
    if trimmed in ("/tmp", "/tmp/balena") or trimmed.startswith("/tmp/balena/"):
        return True
    return glob and any(fnmatch.fnmatchcase(victim, trimmed) for victim in _VICTIMS)


def removes_tmp_balena_argv(argv: Sequence[str], *, glob: bool = False) -> str | None:
    """The offending path if running ``argv`` removes /tmp/balena, else None.

    ``glob``: whether a shell expanded the words (True) or they are exec form's
    literal strings (False: ``/tmp/*`` is then a file named ``*``).
    """
    script = shell_script(argv)
    if script is not None:
        return removes_tmp_balena(script[0]) if script else None
    words = strip_wrappers(argv)
    if not words:
        return None
    program = _program(words[0])
    if program in ("rm", "rmdir", "unlink"):
        for word in words[1:]:
            if not word.startswith("-") and _hits_tmp_balena(word, glob=glob):
                return word
    if (
        program == "find"
        and ("-delete" in words or _find_runs_rm(words))
        and not _find_spares_balena(words)
    ):
        for word in words[1:]:
            if word.startswith("-") or word in ("(", "!"):
                break
            if _hits_tmp_balena(word, glob=glob):
                return word
    return None


def _find_spares_balena(words: list[str]) -> bool:
    """``find /tmp -mindepth 1 -maxdepth 1 ! -name balena ...``: the safe way to empty /tmp.

    All three are needed: without -mindepth 1 /tmp itself matches (and ``rm -rf /tmp``
    takes /tmp/balena's lock with it), without -maxdepth 1 the lock file inside
    /tmp/balena is visited, and without the negated name /tmp/balena is.
    """

    def value(flag: str) -> str | None:
        return words[words.index(flag) + 1] if flag in words[:-1] else None

    spared = any(
        words[i] in ("!", "-not")
        and words[i + 1] in ("-name", "-path")
        and words[i + 2].rstrip("/") in ("balena", "/tmp/balena")
        for i in range(len(words) - 2)
    )
    return spared and value("-mindepth") == "1" and value("-maxdepth") == "1"


def _find_runs_rm(words: list[str]) -> bool:
    for flag in ("-exec", "-execdir"):
        if flag in words:
            index = words.index(flag)
            if index + 1 < len(words) and _program(words[index + 1]) == "rm":
                return True
    return False


def removes_tmp_balena(command: str) -> str | None:
    """The offending path if the shell ``command`` removes /tmp/balena, else None."""
    if "/tmp" not in command:  # the fast path: most commands never mention it
        return None
    for argv in simple_commands(command):
        found = removes_tmp_balena_argv(argv, glob=True)
        if found:
            return found
    return None
