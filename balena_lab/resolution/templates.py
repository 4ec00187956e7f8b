"""Dockerfile template substitution (``%%NAME%%``) with balena's builder's exact rules.

balena's builder (``@balena/compose`` 8.0.5, ``lib/dockerfile/index.ts``) does::

    template.split('\\n').map(line => !line.startsWith('#')
        ? lodash.template(line, {interpolate: /%%([A-Z][A-Z_]+)%%/})(variables)
        : line).join('\\n')

So: lines split on ``\\n`` only (CRLF keeps its ``\\r``, a CR-only file is one
line, a UTF-8 BOM is part of the first line), lines starting with ``#`` at
column 0 are untouched, a name with no value is an error (a JavaScript
ReferenceError, ``NAME is not defined``), and lodash's two other delimiters
stay active: ``<%- x %>`` (escaped interpolation) and ``<% code %>`` (run as
JavaScript; ``<%= x %>`` lands there and is a syntax error). This module never
runs code: it raises :class:`TemplateSyntaxError` for those instead, and for
names that JavaScript itself defines (``%%JSON%%``, ``%%URL%%``), which the
builder would silently replace with a JavaScript object's text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .. import _data
from .._linear import compile_linear
from .._text import snippet
from .._values import JsonValue
from ..errors import TemplateSyntaxError, TemplateVariableError

# lodash builds one alternation in this order (escape, interpolate, ES template
# -- disabled by a custom interpolate --, evaluate) and scans left to right.
# RE2 has the same leftmost, first-alternative-wins semantics, in linear time:
# Python's backtracking re takes quadratic time on a line of many "<%" with no "%>".
_REFERENCE = _data.load("build-variables.yaml")["reference_pattern"]
_SCANNER = compile_linear(r"<%-([\s\S]+?)%>|" + _REFERENCE + r"|<%([\s\S]+?)%>")
#: One ``%%NAME%%`` reference, NAME in group 1 (the builder's interpolate option).
REFERENCE: re.Pattern[str] = re.compile(_REFERENCE)

# Global names of Node.js 20 matching [A-Z][A-Z_]+: lodash's `with (obj)` scope
# falls through to them, so the builder substitutes their text, not an error.
JAVASCRIPT_GLOBALS: frozenset[str] = frozenset({"JSON", "URL"})

def builtin_variables(device_type: str, arch: str) -> dict[str, str]:
    """The variables balena's arch and template resolvers always define."""
    return {
        "RESIN_ARCH": arch,
        "RESIN_MACHINE_NAME": device_type,
        "BALENA_ARCH": arch,
        "BALENA_MACHINE_NAME": device_type,
    }


@dataclass(frozen=True)
class Substitution(JsonValue):
    """One ``%%NAME%%`` replaced: where (1-based line and columns) and by what."""

    line: int
    column: int  # column of the first '%' in the template line
    variable: str
    value: str
    output_column: int  # column of the value in the resolved line

    def to_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "variable": self.variable,
            "value": self.value,
            "output_column": self.output_column,
        }


def _undefined(name: str, variables: Mapping[str, str], path: str | None, line: int,
               column: int) -> TemplateVariableError:
    """The error for ``%%name%%`` with no value: "did you mean" for a near miss (a typo
    of a variable that has one), else how to give it a value."""
    close = difflib.get_close_matches(name, list(variables), n=1, cutoff=0.7)
    message = (f"{name} is not defined (template variable %%{name}%% at column {column} "
               "has no value)")
    if close:
        return TemplateVariableError(f"{message}; did you mean %%{close[0]}%%?", variable=name,
                                     path=path, line=line, column=column,
                                     fix=f"write %%{close[0]}%%")
    known = ", ".join(f"%%{v}%%" for v in sorted(variables))
    return TemplateVariableError(
        message, variable=name, path=path, line=line, column=column,
        fix=f"pass it: --var {name}=VALUE",
    ).with_notebook_fix(f"use a build variable balena defines ({known}), or write the text "
                        "itself")


@dataclass(frozen=True)
class Reference:
    """One ``%%NAME%%`` the builder substitutes: its 1-based line and column, and its text."""

    line: int
    column: int
    variable: str
    text: str


def references(template: str) -> Iterator[Reference]:
    """Every ``%%NAME%%`` of ``template`` that :func:`render` substitutes, in order.

    The same scan as :func:`render`: lines starting with ``#`` are left out, and
    a name inside lodash's ``<%- %>`` or ``<% %>`` is code, not a reference.
    """
    for number, line in enumerate(template.split("\n"), start=1):
        if "%%" not in line or line.startswith("#"):
            continue
        for match in _SCANNER.finditer(line):
            if match.group(2) is not None:
                yield Reference(number, match.start() + 1, match.group(2), match.group(0))


def has_template_syntax(text: str) -> bool:
    """True when ``text`` holds anything the builder's template engine would act on."""
    return _SCANNER.search(text) is not None


@dataclass(frozen=True)
class TemplateResult:
    """The resolved text, every substitution, and notes on what was left alone."""

    text: str
    substitutions: tuple[Substitution, ...]
    notes: tuple[str, ...] = ()


def render(
    template: str,
    variables: Mapping[str, str],
    *,
    path: str | None = None,
) -> TemplateResult:
    """Substitute ``%%NAME%%`` references in ``template`` exactly as balena's builder does.

    Raises :class:`TemplateVariableError` for the first name without a value and
    :class:`TemplateSyntaxError` for lodash delimiters or JavaScript globals.
    """
    lines = template.split("\n")
    out: list[str] = []
    subs: list[Substitution] = []
    notes: list[str] = []
    if template.startswith("\ufeff"):
        notes.append("a UTF-8 BOM starts line 1, so line 1 never counts as a # comment")
    if "\r" in template:
        notes.append("CRLF line endings: each line keeps its \\r" if "\n" in template else
                     "CR-only line endings: balena splits on \\n only, so the file is one line")
    for number, line in enumerate(lines, start=1):
        # Fast path: nothing that could be a delimiter on this line.
        if "%%" not in line and "<%" not in line:
            out.append(line)
            continue
        if line.startswith("#"):
            if _SCANNER.search(line):
                notes.append(f"line {number} starts with '#': left untouched, references and all")
            out.append(line)
            continue
        out.append(_render_line(line, number, variables, path, subs))
    return TemplateResult("\n".join(out), tuple(subs), tuple(notes))


def _render_line(
    line: str,
    number: int,
    variables: Mapping[str, str],
    path: str | None,
    subs: list[Substitution],
) -> str:
    matches = list(_SCANNER.finditer(line))
    # The builder compiles the whole line before running it, so code
    # delimiters anywhere on the line are reported before any missing name.
    for match in matches:
        if match.group(2) is None:
            raise TemplateSyntaxError(
                f"{snippet(match.group(0))!r} at column {match.start() + 1} is lodash template "
                "code: balena's builder would run it as JavaScript "
                + ("(HTML-escaped output)" if match.group(1) is not None else
                   "(<%= %> is a syntax error there)" if match.group(3).startswith("=") else
                   "(evaluated)")
                + "; balena_lab does not run code",
                path=path,
                line=number,
                column=match.start() + 1,
                fix="remove '<%' ... '%>' from the template, or split the delimiter",
            )
    pieces: list[str] = []
    last = 0
    length = 0
    for match in matches:
        name = match.group(2)
        literal = line[last : match.start()]
        pieces.append(literal)
        length += len(literal)
        if name in variables:
            value = str(variables[name])
        elif name in JAVASCRIPT_GLOBALS:
            raise TemplateSyntaxError(
                f"%%{name}%% at column {match.start() + 1} names a JavaScript global: balena's "
                f"builder would insert the text of JavaScript's {name} object, not an error",
                path=path,
                line=number,
                column=match.start() + 1,
                fix=f"pass a value for {name}, or do not use %%{name}%%",
            )
        else:
            raise _undefined(name, variables, path, number, match.start() + 1)
        subs.append(Substitution(number, match.start() + 1, name, value, length + 1))
        pieces.append(value)
        length += len(value)
        last = match.end()
    pieces.append(line[last:])
    return "".join(pieces)
