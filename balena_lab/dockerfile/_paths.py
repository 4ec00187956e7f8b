"""COPY/ADD sources as Docker 20.10's classic builder reads them.

* A source is downloaded only when it starts with ``http://`` or ``https://``
  (moby's ``urlutil.IsURL``); anything else, ``git@host:repo.git`` included,
  is a path in the build context.
* A source with ``*``, ``?`` or ``[`` is a pattern: the builder walks the
  context and keeps each path that Go's ``filepath.Match`` accepts, one path
  component against one pattern component (``*`` never crosses ``/``, so
  ``**`` is just two ``*``).  A malformed pattern matches nothing; it never
  raises.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache

_REMOTE_PREFIXES = ("http://", "https://")


def is_remote(source: str) -> bool:
    """Whether ADD downloads ``source`` (only http(s) URLs, as the classic builder)."""
    return source.startswith(_REMOTE_PREFIXES)


def has_wildcards(source: str) -> bool:
    """moby's containsWildcards: ``*``, ``?`` or ``[`` not escaped by a backslash."""
    escaped = False
    for ch in source:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "*?[":
            return True
    return False


def context_parts(source: str) -> list[str] | None:
    """``source`` as components relative to the context root (``[]`` for the root).

    Cleaned as Go's ``filepath.Clean`` with a leading ``/`` dropped; None when it
    climbs out of the context (``../x``), which the builder refuses
    ("Forbidden path outside the build context").
    """
    cleaned = posixpath.normpath(source.lstrip("/") or ".")
    if cleaned == ".." or cleaned.startswith("../"):
        return None
    return [part for part in cleaned.split("/") if part and part != "."]


@cache
def _component(pattern: str) -> re.Pattern[str] | None:
    """One pattern component as a regular expression; None when Go calls it malformed."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i >= n:
                return None
            out.append(re.escape(pattern[i]))
            i += 1
        elif ch == "[":
            cls, i = _char_class(pattern, i)
            if cls is None:
                return None
            out.append(cls)
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL)


def _char_class(pattern: str, i: int) -> tuple[str | None, int]:
    """Go's ``[...]`` starting after ``[``: ``^`` negates, ``a-z`` ranges, ``\\`` escapes."""
    n = len(pattern)
    negate = i < n and pattern[i] == "^"
    if negate:
        i += 1
    ranges: list[str] = []
    while True:
        if i < n and pattern[i] == "]" and ranges:
            return ("[^" if negate else "[") + "".join(ranges) + "]", i + 1
        lo, i = _class_char(pattern, i)
        if lo is None:
            return None, i
        hi: str | None = lo
        if i < n and pattern[i] == "-":
            hi, i = _class_char(pattern, i + 1)
            if hi is None or hi < lo:
                return None, i
        ranges.append(re.escape(lo) + ("-" + re.escape(hi) if hi and hi != lo else ""))


def _class_char(pattern: str, i: int) -> tuple[str | None, int]:
    n = len(pattern)
    if i >= n or pattern[i] in "-]":
        return None, i
    if pattern[i] == "\\":
        i += 1
        if i >= n:
            return None, i
    return pattern[i], i + 1


def go_match(pattern: str, name: str) -> bool:
    """Go's ``filepath.Match`` for one path component (no ``/`` in either)."""
    regex = _component(pattern)
    return regex is not None and regex.fullmatch(name) is not None
