"""``.dockerignore`` read and matched exactly as Docker does.

Docker's rules (the CLI's ``moby/patternmatcher`` and its ``ignorefile``
reader), reproduced here:

- a line whose first character is ``#`` is a comment; other lines are
  trimmed, empty ones skipped; ``!`` starts an exception;
- each pattern is cleaned like Go's ``filepath.Clean`` (``.`` and ``..``
  resolved, repeated ``/`` folded) and a leading ``/`` dropped: patterns are
  always relative to the context root, never "floating" as in ``.gitignore``;
- ``*`` and ``?`` never cross ``/``; ``**`` crosses any number of folders
  (``**/`` may match nothing); ``[...]`` classes and ``\\`` escapes work (see
  :func:`_compile` for the one place where newer Docker CLIs differ);
- matching is case-sensitive, and a pattern that matches a parent folder
  excludes everything inside it; the LAST matching pattern decides.

Matching runs on RE2 (``google-re2``), the engine behind Go's ``regexp`` that
Docker itself compiles these patterns for: linear time, where Python's
backtracking ``re`` takes minutes on ``*a*a*a...c`` against a long name.

Why by hand: docker-py ships a matcher, but it lower-cases both pattern and
path (case-insensitive, unlike Docker on Linux) and re-matches every parent
of every file; ``pathspec`` implements ``.gitignore``, whose anchoring
differs.  The tests compare this module with the real ``docker build``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._linear import LinearPatternError, compile_linear
from ..errors import InputError, UnreadableInputError

_BOM = "\ufeff"
# The characters moby's compile escapes (shouldEscape); the rest go to the regexp raw.
_DOCKER_ESCAPES = frozenset(".+()|{}$")


@dataclass(frozen=True)
class Pattern:
    """One cleaned ``.dockerignore`` pattern."""

    text: str  # as cleaned, without the "!"
    exclusion: bool  # True for a "!" exception (re-includes)
    line: int  # 1-based line in .dockerignore (0 for built-in patterns)
    regex: Any  # a compiled RE2 pattern; None without wildcards: plain equality

    def matches(self, path: str) -> bool:
        if self.regex is None:
            return path == self.text
        return self.regex.match(path) is not None

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.text


class PatternError(ValueError):
    """A pattern Docker itself rejects."""


def clean(pattern: str) -> str:
    """Go's ``filepath.Clean`` for a slash path, then a leading ``/`` dropped."""
    rooted = pattern.startswith("/")
    cleaned = posixpath.normpath(pattern)
    if cleaned.startswith("//"):  # normpath keeps a POSIX "//" prefix; Go does not
        cleaned = "/" + cleaned.lstrip("/")
    if rooted and cleaned.startswith("/.."):  # Clean("/..") == "/"
        cleaned = "/"
    if len(cleaned) > 1 and cleaned.startswith("/"):
        cleaned = cleaned[1:]
    return cleaned


def _compile(pattern: str) -> Any:
    """Docker's pattern compiler (Docker 20.10's fileutils), character by character.

    ``[`` and ``]`` reach the regular expression untouched (so ``[!a]`` is the
    class of ``!`` and ``a``, while ``[^a]`` negates), ``\\`` escapes the next
    character, ``*`` and ``?`` never cross ``/``, ``**`` crosses any number of
    folders.  Returns None for a pattern with no wildcard (plain equality).

    This is the engine's own version and what balena CLI's ``@balena/dockerignore``
    ports.  Docker CLIs from 23 on added a shortcut that makes a leading ``**``
    followed by text a suffix match (``**.log`` also matching ``src/b.log``); here
    ``**.log`` matches only a file named ``.log`` at any depth, as on balena.
    """
    out = ["(?s)^"]  # DOTALL: a name may hold a newline
    literal = True
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            literal = False
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i >= n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            literal = False
            out.append("[^/]")
        elif ch == "\\":
            literal = False
            out.append("\\" + pattern[i] if i < n else "\\\\")
            i += 1
        elif ch in "[]":
            literal = False
            out.append(ch)
        elif ch in _DOCKER_ESCAPES:
            out.append("\\" + ch)
        else:
            out.append(ch)  # as Docker: anything else reaches the regexp as it is
    if literal:
        return None
    out.append("$")
    try:
        return compile_linear("".join(out))
    except LinearPatternError as error:
        raise PatternError(f"syntax error in pattern {pattern!r}: {error}") from None


def compile_pattern(raw: str, line: int = 0) -> Pattern | None:
    """One pattern line (already known not to be a comment); None when it is empty.

    Raises :class:`PatternError` for what Docker refuses (a bare ``!``, a bad class).
    """
    text = raw.strip()
    if not text:
        return None
    exclusion = text.startswith("!")
    if exclusion:
        text = text[1:].strip()
        if not text:
            raise PatternError('illegal exclusion pattern: "!"')
    text = clean(text)
    if text == ".":
        # Docker: "For historical reasons, the pattern . is ignored."
        return None
    return Pattern(text, exclusion, line, _compile(text))


def parse(text: str, path: str | Path | None = None) -> list[Pattern]:
    """All patterns of a ``.dockerignore`` text, in order.

    A pattern Docker rejects is an :class:`~balena_lab.errors.InputError` naming
    ``path`` and the line, as the build would fail on it.
    """
    patterns = []
    for number, line in enumerate(text.split("\n"), start=1):
        if number == 1:
            line = line.removeprefix(_BOM)
        line = line.rstrip("\r")
        if line.startswith("#"):
            continue
        try:
            pattern = compile_pattern(line, number)
        except PatternError as error:
            raise InputError(str(error), path=path or ".dockerignore", line=number) from None
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def read(path: Path) -> list[Pattern]:
    """The patterns of the ``.dockerignore`` at ``path`` (none when it does not exist)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise UnreadableInputError(f"cannot read: {error.strerror}", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableInputError("not valid UTF-8", path=path, line=line) from None
    return parse(text, path)


class Matcher:
    """Decides, for a path relative to the context root, whether it is excluded."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self.has_exclusions = any(p.exclusion for p in patterns)

    def match(self, path: str) -> Pattern | None:
        """The pattern that decides ``path``'s fate, if any.

        ``path`` is excluded when the result is a non-exception pattern.
        """
        parts = path.split("/")
        parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
        decided: Pattern | None = None
        for pattern in self.patterns:
            # As moby's MatchesOrParentMatches: the path itself, or any of its parent folders.
            if pattern.matches(path) or any(pattern.matches(p) for p in parents):
                decided = pattern
        return decided

    def excluded(self, path: str) -> bool:
        decided = self.match(path)
        return decided is not None and not decided.exclusion

    def may_reinclude_below(self, folder: str) -> bool:
        """Does Docker look inside excluded ``folder`` for re-included files?

        Exactly the CLI's rule (moby's archive walk): only when the text of some
        ``!`` pattern starts with ``folder/``.  Otherwise the folder is skipped
        whole, even if a pattern such as ``!**/keep.txt`` would match inside it;
        that is also what keeps a huge ignored ``node_modules`` fast.
        """
        if not self.has_exclusions:
            return False
        prefix = folder + "/"
        return any(p.exclusion and (p.text + "/").startswith(prefix) for p in self.patterns)
