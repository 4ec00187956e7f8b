"""``.dockerignore`` read and matched exactly as Docker does.

Docker's rules (the CLI's ``moby/patternmatcher`` and its ``ignorefile``
reader), reproduced here:

- a line whose first character is ``#`` is a comment; other lines are
  trimmed, empty ones skipped; ``!`` starts an exception;
- each pattern is cleaned like Go's ``filepath.Clean`` (``.`` and ``..``
  resolved, repeated ``/`` folded) and a leading ``/`` dropped: patterns are
  always relative to the context root, never "floating" as in ``.gitignore``;
- ``*`` and ``?`` never cross ``/``; ``**`` crosses any number of folders
  (``**/`` may match nothing); ``[...]`` classes and ``\\`` escapes work;
- matching is case-sensitive, and a pattern that matches a parent folder
  excludes everything inside it; the LAST matching pattern decides.

Why by hand: docker-py ships a matcher, but it lower-cases both pattern and
path (case-insensitive, unlike Docker on Linux) and re-matches every parent
of every file; ``pathspec`` implements ``.gitignore``, whose anchoring
differs.  The tests compare this module with the real ``docker build``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import UnreadableInputError

_BOM = "\ufeff"


@dataclass(frozen=True)
class Pattern:
    """One cleaned ``.dockerignore`` pattern."""

    text: str  # as cleaned, without the "!"
    exclusion: bool  # True for a "!" exception (re-includes)
    line: int  # 1-based line in .dockerignore (0 for built-in patterns)
    regex: re.Pattern[str]

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.text


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


def _translate(pattern: str) -> str:
    """Docker's glob to a Python regular expression (anchored at both ends)."""
    out = ["^"]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i >= n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i < n:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                out.append(r"\\")
        elif ch == "[":
            end = pattern.find("]", i)
            if end == -1:
                out.append(r"\[")
            else:
                body = pattern[i:end]
                if body.startswith(("^", "!")):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end + 1
        else:
            out.append(re.escape(ch))
    out.append("$")
    return "".join(out)


def compile_pattern(raw: str, line: int = 0) -> Pattern | None:
    """One pattern line (already known not to be a comment); None when it is empty."""
    text = raw.strip()
    if not text:
        return None
    exclusion = text.startswith("!")
    if exclusion:
        text = text[1:].strip()
    if text:
        text = clean(text)
    if text == ".":
        # Docker: "For historical reasons, the pattern . is ignored."
        return None
    return Pattern(text, exclusion, line, re.compile(_translate(text), re.DOTALL))


def parse(text: str) -> list[Pattern]:
    """All patterns of a ``.dockerignore`` text, in order."""
    patterns = []
    for number, line in enumerate(text.split("\n"), start=1):
        if number == 1:
            line = line.removeprefix(_BOM)
        line = line.rstrip("\r")
        if line.startswith("#"):
            continue
        pattern = compile_pattern(line, number)
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
        return parse(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableInputError("not valid UTF-8", path=path, line=line) from None


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
            if pattern.regex.match(path) or any(pattern.regex.match(p) for p in parents):
                decided = pattern
        return decided

    def excluded(self, path: str) -> bool:
        decided = self.match(path)
        return decided is not None and not decided.exclusion

    def may_reinclude_below(self, folder: str, decided: Pattern | None = None) -> bool:
        """Could an exception pattern re-include something inside excluded ``folder``?

        ``decided`` is the pattern that excluded the folder: it matches every path
        inside too, so only exceptions listed after it can win there.  When none
        can, the whole folder is skipped without being listed: this is what keeps
        a context with a huge ignored ``node_modules`` fast.
        """
        if not self.has_exclusions:
            return False
        start = self.patterns.index(decided) + 1 if decided in self.patterns else 0
        prefix = folder + "/"
        for pattern in self.patterns[start:]:
            if not pattern.exclusion:
                continue
            literal = re.split(r"[*?\[\\]", pattern.text, maxsplit=1)[0]
            # The exception's fixed leading part must be compatible with the folder.
            if literal.startswith(prefix) or prefix.startswith(literal) or "**" in pattern.text:
                return True
        return False
