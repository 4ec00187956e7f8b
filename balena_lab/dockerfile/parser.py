"""A Dockerfile parser that reads text exactly as Docker's own parser does.

Why hand-written rather than a package from PyPI:

* ``dockerfile-parse`` is regex based: it mishandles heredocs, empty lines
  inside a continuation and a trailing escape character at end of file, so it
  disagrees with Docker on real Dockerfiles learners paste.
* ``dockerfile`` binds BuildKit's Go parser (so it is right, and it is our
  differential-test oracle), but it is deprecated upstream, ships a compiled
  extension per platform, and drops comments, parser directives and the exact
  source text of each line, which are what a teacher points at.

The semantics follow BuildKit's ``frontend/dockerfile/parser`` (the parser
that ships with ``dockerfile``, so the two agree line for line):

* Parser directives (``# syntax=``, ``# escape=``) count only on the lines
  before the first comment, empty line or instruction; each at most once.
* A line continues when its last non-blank character is the escape character
  (``\\`` or a backtick), unless that one is itself escaped.  Inside a
  continuation, comment lines and blank lines are skipped (blank ones draw a
  warning from Docker); a continuation may run into end of file.
* The instruction name is case-insensitive; leading ``--flags`` are split off.
* RUN/CMD/ENTRYPOINT/SHELL (and ADD/COPY/VOLUME) take a JSON array of strings
  as exec form; text that is not valid JSON silently becomes shell form, but a
  valid array holding a non-string is an error.
* RUN/COPY/ADD in shell form may open heredocs (``<<EOF``, ``<<-EOF``,
  ``<<'EOF'``) whose bodies are the following lines up to the terminator.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable
from typing import Any

from ..errors import DockerfileSyntaxError, UnreadableInputError
from . import source as _source
from ._lex import (
    GO_SPACE,
    WHITESPACE_RUN,
    as_go_bytes,
    from_go_bytes,
    go_trim,
    parse_words,
    shell_words,
    split_flags,
)
from .model import Comment, Directive, Dockerfile, Form, Heredoc, Instruction

# Go's regexp \s is [\t\n\f\r ]: not \v, not Unicode spaces.
_DIRECTIVE = re.compile(
    r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*"
)
_DIRECTIVES = frozenset({"syntax", "escape"})
_HEREDOC = re.compile(r"([0-9]*)<<(-?)([^<]*)")
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
# bufio.Scanner's default limit: Docker refuses longer lines.
MAX_LINE_BYTES = 65535
_NOT_STRINGS = "when using JSON array syntax, arrays must be comprised of strings only"

# (args, form, json_error) for one instruction's argument text.
_Parsed = tuple[tuple[str, ...], Form, str | None]


class _NotStringArray(Exception):
    pass


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Go's decoder has no NaN/Infinity


def _go_number(text: str) -> float:
    """A JSON number as Go's decoder reads it into ``interface{}``: a finite float64."""
    value = float(text)
    if math.isinf(value):  # Go: "cannot unmarshal number 1e999 into ... float64"
        raise ValueError(f"number {text[:20]} out of range")
    return value


_JSON = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_go_number, parse_int=_go_number
)
# Go decodes an unpaired UTF-16 surrogate escape (``"\ud800"``) as U+FFFD.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_array(rest: str) -> tuple[tuple[str, ...] | None, str | None]:
    """``(strings, None)`` for a JSON array of strings, ``(None, why)`` otherwise.

    ``why`` is None when the text does not even start with ``[``.  Like Go's
    json.Decoder, only the first JSON value is read; text after it is ignored
    (:func:`_json_tail` finds it).
    """
    text = rest.lstrip(GO_SPACE)
    if not text.startswith("["):
        return None, None
    try:
        value, _ = _JSON.raw_decode(text)
    except ValueError as error:
        return None, str(error).split(":")[0]
    except RecursionError:  # thousands of nested [: no JSON Docker would run (see tests)
        return None, "nested too deeply"
    if not all(isinstance(item, str) for item in value):
        raise _NotStringArray
    return tuple(_LONE_SURROGATE.sub("\ufffd", item) for item in value), None


def _json_tail(rest: str) -> str:
    """The text after the exec-form array in ``rest`` (Docker ignores it)."""
    text = rest[rest.index("[") :]
    _, end = _JSON.raw_decode(text)
    return text[end:].strip(GO_SPACE)


def _maybe_json(rest: str, escape: str) -> _Parsed:
    if not rest:
        return (), "other", None
    args, why = _json_array(rest)
    if args is not None:
        return args, "exec", None
    return (rest,), "shell", why


def _maybe_json_to_list(rest: str, escape: str) -> _Parsed:
    args, why = _json_array(rest)
    if args is not None:
        return args, "exec", None
    return _whitespace_list(rest, escape)[0], "other", why


def _whitespace_list(rest: str, escape: str) -> _Parsed:
    return (tuple(WHITESPACE_RUN.split(rest)) if rest else ()), "other", None


def _string(rest: str, escape: str) -> _Parsed:
    return ((rest,) if rest else ()), "other", None


def _words(rest: str, escape: str) -> _Parsed:
    return tuple(parse_words(rest, escape)), "other", None


def _name_values(keyword: str) -> Callable[[str, str], _Parsed]:
    def parse(rest: str, escape: str) -> _Parsed:
        words = parse_words(rest, escape)
        if not words:
            return (), "other", None
        if "=" not in words[0]:  # legacy form: KEY name value
            parts = WHITESPACE_RUN.split(rest, maxsplit=1)
            if len(parts) < 2:
                raise ValueError(f"{keyword} must have two arguments")
            return (parts[0], parts[1]), "other", None
        pairs: list[str] = []
        for word in words:
            if "=" not in word:
                raise ValueError(
                    f"Syntax error - can't find = in {json.dumps(word)}. "
                    "Must be of the form: name=value"
                )
            pairs.extend(word.split("=", 1))
        return tuple(pairs), "other", None

    return parse


def _healthcheck(rest: str, escape: str) -> _Parsed:
    if not rest:
        return (), "other", None
    # BuildKit finds the end of the first word byte by byte.
    raw = as_go_bytes(rest)
    parts = re.split(f"[{GO_SPACE}]", raw, maxsplit=1)
    kind = from_go_bytes(parts[0])
    command = from_go_bytes(parts[1].lstrip(GO_SPACE)) if len(parts) > 1 else ""
    args, form, why = _maybe_json(command, escape)
    return (kind, *args), form, why


def _ignore(rest: str, escape: str) -> _Parsed:
    return (), "other", None


_DISPATCH: dict[str, Callable[[str, str], _Parsed]] = {
    "ADD": _maybe_json_to_list,
    "ARG": _words,
    "CMD": _maybe_json,
    "COPY": _maybe_json_to_list,
    "ENTRYPOINT": _maybe_json,
    "ENV": _name_values("ENV"),
    "EXPOSE": _whitespace_list,
    "FROM": _whitespace_list,
    "HEALTHCHECK": _healthcheck,
    "LABEL": _name_values("LABEL"),
    "MAINTAINER": _string,
    "RUN": _maybe_json,
    "SHELL": _maybe_json,
    "STOPSIGNAL": _string,
    "USER": _string,
    "VOLUME": _maybe_json_to_list,
    "WORKDIR": _string,
}


def _split_continuation(line: str, escape: str) -> tuple[str, bool]:
    """``(line without the escape char, True)`` if ``line`` continues, else ``(line, False)``."""
    body = line.rstrip(" \t")
    if not body.endswith(escape):
        return line, False
    body = body[:-1]
    if body and body[-1] == escape:  # an escaped escape char does not continue
        return line, False
    return body, True


class _Lines:
    """The physical lines of a text, split on ``\\n`` only, as Go's scanner does."""

    def __init__(self, text: str, path: str | None) -> None:
        self.lines = text.split("\n")
        self.final_newline = text.endswith("\n")
        if self.final_newline:
            self.lines.pop()
        self.count = len(self.lines)
        self.next = 0  # index of the next line to read
        if len(text) > MAX_LINE_BYTES // 4:
            for index, line in enumerate(self.lines):
                if len(line) > MAX_LINE_BYTES // 4 and len(line.encode()) > MAX_LINE_BYTES:
                    raise DockerfileSyntaxError(
                        f"line longer than Docker's limit of {MAX_LINE_BYTES} bytes",
                        path=path,
                        line=index + 1,
                    )

    def read(self) -> str:
        """The next line without its ``\\n`` (a ``\\r`` stays); advances ``self.next``."""
        line = self.lines[self.next]
        self.next += 1
        return line

    def with_newline(self, line: str) -> str:
        return line + "\n" if self.next < self.count or self.final_newline else line


class _Parser:
    def __init__(self, text: str, path: str | None) -> None:
        self.path = path
        self.lines = _Lines(text, path)
        self.escape = "\\"
        self.directives: list[Directive] = []
        self.comments: list[Comment] = []
        self.instructions: list[Instruction] = []
        self.directives_done = False

    def error(self, message: str, line: int) -> DockerfileSyntaxError:
        return DockerfileSyntaxError(message, path=self.path, line=line)

    def parse(self) -> Dockerfile:
        lines = self.lines
        while lines.next < lines.count:
            raw = lines.read().rstrip("\r")
            number = lines.next
            stripped = raw.lstrip(GO_SPACE)
            if not self.directives_done and self._directive(stripped, number):
                continue
            if stripped.startswith("#"):
                self.comments.append(Comment(number, stripped[1:].strip(GO_SPACE)))
                continue
            line, continues = _split_continuation(stripped, self.escape)
            if not continues and not line:
                continue
            self.instructions.append(self._instruction(line, continues, number))
        if not self.instructions:
            raise self.error("file with no instructions (not even FROM)", lines.count)
        return Dockerfile(
            instructions=tuple(self.instructions),
            comments=tuple(self.comments),
            directives=tuple(self.directives),
            escape=self.escape,
            path=self.path,
            line_count=lines.count,
        )

    def _directive(self, line: str, number: int) -> bool:
        match = _DIRECTIVE.fullmatch(line)
        name = match[1].lower() if match else ""
        if name not in _DIRECTIVES:
            self.directives_done = True
            return False
        assert match is not None
        if any(d.name == name for d in self.directives):
            raise self.error(f"only one {name} parser directive can be used", number)
        if name == "escape":
            if match[2] not in ("\\", "`"):
                raise self.error(
                    f"invalid escape token '{match[2]}' does not match ` or \\", number
                )
            self.escape = match[2]
        self.directives.append(Directive(number, name, match[2]))
        return True

    def _instruction(self, first: str, continues: bool, start: int) -> Instruction:
        lines = self.lines
        pieces = [first]
        empty_lines: list[int] = []
        while continues and lines.next < lines.count:
            raw = lines.read().rstrip("\r")
            stripped = raw.lstrip(GO_SPACE)
            if stripped.startswith("#"):
                self.comments.append(Comment(lines.next, stripped[1:].strip(GO_SPACE)))
                continue
            if not stripped:
                empty_lines.append(lines.next)
                continue
            piece, continues = _split_continuation(raw, self.escape)
            pieces.append(piece)
        logical = "".join(pieces)
        try:
            fields = _build(logical, self.escape)
        except ValueError as error:
            raise self.error(str(error), start) from None
        heredocs = self._heredocs(fields, logical, start) if "<<" in logical else ()
        end = lines.next
        return _make(
            fields,
            start_line=start,
            end_line=end,
            source="\n".join(lines.lines[start - 1 : end]),
            heredocs=heredocs,
            empty_continuation_lines=tuple(empty_lines),
            continues_past_eof=continues,
        )

    def _heredocs(self, fields: _Fields, logical: str, start: int) -> tuple[Heredoc, ...]:
        target = fields["trigger"] if fields["name"] == "ONBUILD" else fields
        if not target or target["name"] not in _HEREDOC_INSTRUCTIONS or target["form"] == "exec":
            return ()
        found: list[Heredoc] = []
        for raw_word, _ in shell_words(logical) or ():
            match = _HEREDOC.fullmatch(raw_word)
            if not match or not match[3]:
                continue
            words = shell_words(match[3])
            if words is None:
                raise self.error(f"cannot read the heredoc word {match[3]!r}", start)
            if len(words) != 1 or not words[0][1]:
                continue  # BuildKit wants exactly one non-empty word
            raw, name = words[0]
            expand = _count_quotes(raw) == _count_quotes(name)
            found.append(self._heredoc_body(name, expand, match[2] == "-", match[1], start))
        return tuple(found)

    def _heredoc_body(self, name: str, expand: bool, chomp: bool, fd: str, start: int) -> Heredoc:
        lines = self.lines
        body: list[str] = []
        first = lines.next + 1
        while lines.next < lines.count:
            raw = lines.read()
            candidate = raw.rstrip("\r")
            if chomp:
                candidate = candidate.lstrip("\t")
            if candidate == name:
                return Heredoc(
                    name=name,
                    content="".join(body),
                    start_line=first,
                    end_line=lines.next,
                    expand=expand,
                    chomp=chomp,
                    file_descriptor=int(fd) if fd else 0,
                )
            body.append(lines.with_newline(raw))
        raise self.error(f"unterminated heredoc: no line {name!r} closes <<{name}", start)


def _count_quotes(word: str) -> int:
    return word.count("'") + word.count('"')


# An Instruction's fields before its span is known (see _make).
_Fields = dict[str, Any]


def _build(logical: str, escape: str, *, in_onbuild: bool = False) -> _Fields:
    """The fields of one logical line's Instruction; ValueError if Docker rejects it.

    An ONBUILD's trigger is read one level deep: ``ONBUILD ONBUILD ...`` (which Docker
    refuses, and lint reports) keeps the rest as text, so a thousand ONBUILDs in a row
    cannot exhaust the stack."""
    parts = WHITESPACE_RUN.split(go_trim(logical), maxsplit=1)
    keyword = parts[0]
    rest, flags = split_flags(parts[1]) if len(parts) > 1 else ("", ())
    rest = go_trim(rest)
    name = keyword.upper()
    trigger: _Fields | None = None
    parsed: _Parsed
    if name == "ONBUILD":
        trigger = _build(rest, escape, in_onbuild=True) if rest and not in_onbuild else None
        parsed = ((rest,) if rest else ()), "other", None
    else:
        try:
            parsed = _DISPATCH.get(name, _ignore)(rest, escape)
        except _NotStringArray:
            raise ValueError(_NOT_STRINGS) from None
    args, form, why = parsed
    tail = _json_tail(rest) if form == "exec" and name != "ONBUILD" else ""
    return {
        "name": name,
        "keyword": keyword,
        "args": args,
        "flags": flags,
        "form": form,
        "original": logical,
        "json_error": why,
        "json_tail": tail,
        "trigger": trigger,
    }


def _make(
    fields: _Fields, *, start_line: int, end_line: int, source: str, **more: Any
) -> Instruction:
    """The Instruction for ``fields``; an ONBUILD's trigger shares its span."""
    values = {**fields, **more, "start_line": start_line, "end_line": end_line, "source": source}
    if fields["trigger"] is not None:
        values["trigger"] = _make(
            fields["trigger"], start_line=start_line, end_line=end_line, source=source
        )
    return Instruction(**values)


def parse(text: str | bytes, *, path: str | None = None) -> Dockerfile:
    """Parse a Dockerfile's text (or bytes) the way Docker does.

    Raises :class:`UnreadableInputError` for empty or non-text input and
    :class:`DockerfileSyntaxError` for what Docker itself rejects; both name
    ``path`` and the line.
    """
    if isinstance(text, bytes):
        text = _source.decode(text, path=path)
    elif not text.strip():
        raise UnreadableInputError("empty file: a Dockerfile needs at least a FROM line", path=path)
    elif "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UnreadableInputError(
            "binary data (a NUL byte): not a Dockerfile", path=path, line=line
        )
    if text.startswith(_source.BOM):
        text = text[1:]
    result = _Parser(text, path).parse()
    return dataclasses.replace(result, text=text)


def parse_file(path: str) -> Dockerfile:
    """Read and parse ``path`` (``-`` for standard input)."""
    text, name = _source.read(path)
    return parse(text, path=name)
