"""What a parsed Dockerfile is: small frozen values, printable and JSON-ready.

A :class:`Dockerfile` keeps everything a teacher needs to point at a line:
every instruction with its span, its source text, its arguments, its flags
and its form, plus the comments and the parser directives that Docker's own
parser throws away after reading them.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass, field
from typing import Any, Literal

from .._values import JsonValue

# exec:  a JSON array of strings; for RUN/CMD/ENTRYPOINT/SHELL it is run
#        without a shell, for ADD/COPY/VOLUME it is the JSON list of paths.
# shell: RUN/CMD/ENTRYPOINT (and HEALTHCHECK CMD) written as plain text,
#        which Docker runs as `/bin/sh -c '<text>'`.
# other: every instruction that has no notion of form (FROM, ENV, ...).
Form = Literal["exec", "shell", "other"]

# The instructions Docker's parser dispatches on; anything else is an
# "unknown instruction" that the build rejects.
KNOWN_INSTRUCTIONS: frozenset[str] = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
        "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
        "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)  # fmt: skip


def _as_json(value: Any) -> Any:
    """A dataclass tree as plain dicts/lists/str/int, ready for ``json.dumps``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _as_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_as_json(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class Comment:
    """A ``#`` line: its 1-based line number and its text without the ``#``."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive at the very top, e.g. ``# escape=`` or ``# syntax=``."""

    line: int
    name: str  # lower case, as Docker compares it
    value: str


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A here-document (``<<EOF`` ... ``EOF``): needs BuildKit to mean anything."""

    name: str  # the terminator word, quotes removed
    content: str  # the body lines, each with its newline, tabs not yet removed
    start_line: int  # first line of the body
    end_line: int  # the terminator line
    expand: bool  # False when the word was quoted: no variable expansion
    chomp: bool  # ``<<-``: leading tabs are stripped
    file_descriptor: int = 0


@dataclass(frozen=True, slots=True)
class Instruction(JsonValue):
    """One instruction, as Docker's parser reads it.

    ``keyword`` is the name as written (``from``), ``name`` in upper case.
    ``source`` is the exact text of lines ``start_line``..``end_line``
    (comment and empty lines inside a continuation, heredoc bodies included);
    ``original`` is the single logical line Docker builds from them.
    ``args`` are the arguments the way Docker's parser splits them; ``flags``
    the ``--name=value`` options before them.  ``json_error`` says why text
    that starts with ``[`` was not a JSON array (Docker then silently uses
    shell form); ``json_tail`` is text after an exec-form array, which Docker
    ignores (``RUN ["echo", "a"] && echo b`` runs only ``echo a``).  ``trigger`` is the instruction an ``ONBUILD`` wraps.
    """

    name: str
    keyword: str
    args: tuple[str, ...]
    flags: tuple[str, ...]
    form: Form
    start_line: int
    end_line: int
    original: str
    source: str
    heredocs: tuple[Heredoc, ...] = ()
    json_error: str | None = None
    json_tail: str = ""
    trigger: Instruction | None = None
    empty_continuation_lines: tuple[int, ...] = ()
    continues_past_eof: bool = False

    @property
    def known(self) -> bool:
        """Whether Docker knows this instruction (else the build rejects it)."""
        return self.name in KNOWN_INSTRUCTIONS

    @property
    def command(self) -> str:
        """The command as one string: for shell form the text the shell gets, else args joined.

        (For ``HEALTHCHECK CMD ...`` the args start with ``CMD``; the command is the last.)
        """
        if self.form == "shell":
            return self.args[-1]
        return " ".join(self.args)

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` (``""`` for a bare ``--name``), or None."""
        prefix = f"--{name}"
        for flag in self.flags:
            if flag == prefix:
                return ""
            if flag.startswith(prefix + "="):
                return flag[len(prefix) + 1 :]
        return None

    def to_dict(self) -> dict[str, Any]:
        return _as_json(self)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Dockerfile(JsonValue):
    """A whole Dockerfile: instructions in order, comments, directives, escape char."""

    instructions: tuple[Instruction, ...]
    comments: tuple[Comment, ...] = ()
    directives: tuple[Directive, ...] = ()
    escape: str = "\\"
    path: str | None = None
    line_count: int = 0
    text: str = field(default="", repr=False)

    def directive(self, name: str) -> str | None:
        for directive in self.directives:
            if directive.name == name:
                return directive.value
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _as_json(self)
        data.pop("text")
        return data

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{i.start_line}–{i.end_line}</td><td><code>{html.escape(i.name)}</code></td>"
            f"<td>{i.form}</td><td><code>{html.escape(' '.join(i.flags))}</code></td>"
            f"<td><code>{html.escape(repr(list(i.args)))}</code></td></tr>"
            for i in self.instructions
        )
        return (
            f"<table><caption>{html.escape(self.path or 'Dockerfile')}: "
            f"{len(self.instructions)} instructions</caption>"
            "<tr><th>lines</th><th>instruction</th><th>form</th><th>flags</th><th>args</th></tr>"
            f"{rows}</table>"
        )
