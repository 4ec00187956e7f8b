"""Character-level helpers that reproduce the Go parser's notion of words.

Go's ``unicode.IsSpace`` and ``strings.TrimSpace`` differ from Python's
``str.isspace``/``str.strip`` (Python also strips ``\\x1c``-``\\x1f``), and the
flag and word splitters below walk text the way BuildKit's splitters do, so
that arguments come out byte-for-byte equal to the official parser's.
"""

from __future__ import annotations

import re

# unicode.IsSpace in Go: ASCII space/tab/newlines, NEL, NBSP and the White_Space property.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# BuildKit's reWhitespace / tokenWhitespace: only these, not every Unicode space.
WHITESPACE_RUN = re.compile(r"[\t\v\f\r ]+")


def go_trim(text: str) -> str:
    return text.strip(GO_SPACE)


def split_flags(line: str) -> tuple[str, tuple[str, ...]]:
    """Leading ``--flag[=value]`` words of ``line`` and the rest after them.

    Like BuildKit's extractBuilderFlags: quotes group (and are dropped), a
    backslash always escapes the next character (whatever ``# escape=`` says),
    and a lone ``--`` ends the flags.  That Go code walks bytes, not
    characters, so a non-ASCII flag comes out byte by byte as Latin-1 (and
    the bytes 0x85 and 0xA0 count as spaces); we do the same.
    """
    rest, flags = _split_flags(as_go_bytes(line))
    return from_go_bytes(rest), flags


def as_go_bytes(text: str) -> str:
    """``text`` as Go code that indexes bytes sees it: one Latin-1 char per UTF-8 byte."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def from_go_bytes(text: str) -> str:
    """Undo :func:`as_go_bytes` (a cut inside a character becomes U+FFFD)."""
    return text if text.isascii() else text.encode("latin-1").decode("utf-8", errors="replace")


def _split_flags(line: str) -> tuple[str, tuple[str, ...]]:
    flags: list[str] = []
    pos, end = 0, len(line)
    while True:
        while pos < end and line[pos] in GO_SPACE:
            pos += 1
        if pos >= end or not line.startswith("--", pos):
            return line[pos:], tuple(flags)
        word: list[str] = []
        quoted = False
        quote = ""
        while pos < end:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\":
                    if pos + 1 == end:
                        quote = ""
                        pos += 1
                        continue
                    pos += 1
                    word.append(line[pos])
                else:
                    word.append(ch)
                pos += 1
                continue
            if ch in GO_SPACE:
                break
            if ch in "'\"":
                quote, quoted = ch, True
            elif ch == "\\":
                if pos + 1 < end:
                    pos += 1
                    word.append(line[pos])
            else:
                word.append(ch)
            pos += 1
        text = "".join(word)
        if text == "--":
            return line[pos:], tuple(flags)
        if quoted or text:
            flags.append(text)


def parse_words(rest: str, escape: str) -> list[str]:
    """Split ``rest`` into words, keeping quotes and escapes (BuildKit's parseWords).

    Used for ENV, LABEL and ARG; quotes are removed later, when Docker
    expands the words, so they stay here.
    """
    words: list[str] = []
    word: list[str] = []
    in_word = False  # False: between words
    quote = ""  # the open quote character, "" outside quotes
    blank_ok = False  # a quoted empty string is still a word
    pos, end = 0, len(rest)
    while pos < end:
        ch = rest[pos]
        if not in_word:
            if ch in GO_SPACE:
                pos += 1
                continue
            in_word = True
        if quote:
            if ch == quote:
                quote_closed = True
            else:
                quote_closed = False
            if ch == escape and quote != "'":
                if pos + 1 == end:
                    quote = ""
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = rest[pos]
            if quote_closed:
                quote = ""
            word.append(ch)
            pos += 1
            continue
        if ch in GO_SPACE:
            if blank_ok or word:
                words.append("".join(word))
            word, blank_ok, in_word = [], False, False
            pos += 1
            continue
        if ch in "'\"":
            quote, blank_ok = ch, True
        elif ch == escape:
            if pos + 1 == end:
                pos += 1
                continue
            word.append(ch)
            pos += 1
            ch = rest[pos]
        word.append(ch)
        pos += 1
    if in_word and (blank_ok or word):
        words.append("".join(word))
    return words


def shell_words(line: str) -> list[tuple[str, str]] | None:
    """Split a line into shell words as ``(raw, unquoted)`` pairs, or None if a quote is open.

    Enough of a POSIX lexer to find heredoc words the way BuildKit does: quotes
    and backslashes group characters; ``$`` and everything else is literal.
    """
    words: list[tuple[str, str]] = []
    raw: list[str] = []
    plain: list[str] = []
    started = False
    pos, end = 0, len(line)
    while pos < end:
        ch = line[pos]
        if ch in " \t\r\n":
            if started:
                words.append(("".join(raw), "".join(plain)))
                raw, plain, started = [], [], False
            pos += 1
            continue
        started = True
        if ch == "\\":
            raw.append(line[pos : pos + 2])
            plain.append(line[pos + 1 : pos + 2])
            pos += 2
        elif ch == "'":
            close = line.find("'", pos + 1)
            if close < 0:
                return None
            raw.append(line[pos : close + 1])
            plain.append(line[pos + 1 : close])
            pos = close + 1
        elif ch == '"':
            pos += 1
            raw.append('"')
            while pos < end and line[pos] != '"':
                if line[pos] == "\\" and pos + 1 < end and line[pos + 1] in '"\\$`':
                    raw.append(line[pos : pos + 2])
                    plain.append(line[pos + 1])
                    pos += 2
                else:
                    raw.append(line[pos])
                    plain.append(line[pos])
                    pos += 1
            if pos >= end:
                return None
            raw.append('"')
            pos += 1
        elif ch == "$" and line.startswith("{", pos + 1):
            close = line.find("}", pos + 2)
            if close < 0:
                return None  # BuildKit's lexer fails on an open ${, and then finds no heredoc
            raw.append(line[pos : close + 1])
            plain.append(line[pos : close + 1])
            pos = close + 1
        else:
            raw.append(ch)
            plain.append(ch)
            pos += 1
    if started:
        words.append(("".join(raw), "".join(plain)))
    return words
