"""JSON text read as JavaScript's ``JSON.parse`` reads it, at any depth.

balena's builder reads ``package.json`` with V8's ``JSON.parse``, which is not
recursive: a document nested a million levels deep parses.  Python's
``json.loads`` recurses and raises :class:`RecursionError` at about a
thousand levels, which would turn a file the builder accepts into a
traceback.  :func:`parse` uses ``json.loads`` (fast, in C) and, only when it
runs out of stack, reads the same grammar again with an explicit stack.

The grammar is ECMA-404 exactly, as both readers agree on it: no ``NaN`` or
``Infinity``, no trailing commas, no comments, only ``[ \\t\\n\\r]`` as
whitespace.  An integer too long for Python's ``int()`` limit becomes a float,
as it does in JavaScript.  Errors are :class:`json.JSONDecodeError` with line
and column, from either reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json import decoder, scanner
from typing import Any, cast

# Both are public in CPython's json package, though not in its type stubs.
scanstring = cast(Callable[[str, int, bool], tuple[str, int]],
                  getattr(decoder, "scanstring"))  # noqa: B009
NUMBER_RE = cast(re.Pattern[str], getattr(scanner, "NUMBER_RE"))  # noqa: B009

_WS = re.compile(r"[ \t\n\r]*")
# Python refuses int() of more than 4300 digits; JavaScript reads any number as a double.
_INT_DIGITS = 4000


def _number(integer: str) -> int | float:
    return int(integer) if len(integer) < _INT_DIGITS else float(integer)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


_DECODER = json.JSONDecoder(parse_int=_number, parse_constant=_no_constant)


def parse(text: str) -> Any:
    """The JSON value of ``text``; :class:`json.JSONDecodeError` when it is not JSON."""
    try:
        return _DECODER.decode(text)
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise
        # NaN / Infinity / -Infinity: not JSON (JSON.parse: "Unexpected token").
        at = text.find(str(error))
        raise json.JSONDecodeError(f"Expecting value ({error} is not JSON)", text,
                                   max(at, 0)) from None
    except RecursionError:
        return _parse_deep(text)


def _key(text: str, at: int) -> tuple[str, int]:
    if text[at : at + 1] != '"':
        raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, at)
    key, at = scanstring(text, at + 1, True)
    at = _WS.match(text, at).end()  # type: ignore[union-attr]
    if text[at : at + 1] != ":":
        raise json.JSONDecodeError("Expecting ':' delimiter", text, at)
    return key, _WS.match(text, at + 1).end()  # type: ignore[union-attr]


def _parse_deep(text: str) -> Any:
    """The same grammar as ``json.loads``, with an explicit stack instead of recursion."""
    end = len(text)
    stack: list[list[Any] | dict[str, Any]] = []
    keys: list[str] = []  # the pending key of each open object, in stack order
    at = _WS.match(text, 0).end()  # type: ignore[union-attr]
    while True:
        char = text[at : at + 1]
        value: Any
        if char == "{":
            at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
            if text[at : at + 1] == "}":
                value, at = {}, at + 1
            else:
                key, at = _key(text, at)
                stack.append({})
                keys.append(key)
                continue
        elif char == "[":
            at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
            if text[at : at + 1] == "]":
                value, at = [], at + 1
            else:
                stack.append([])
                continue
        elif char == '"':
            value, at = scanstring(text, at + 1, True)
        elif text.startswith("true", at):
            value, at = True, at + 4
        elif text.startswith("false", at):
            value, at = False, at + 5
        elif text.startswith("null", at):
            value, at = None, at + 4
        else:
            match = NUMBER_RE.match(text, at)
            if match is None:
                raise json.JSONDecodeError("Expecting value", text, at)
            integer, fraction, exponent = match.groups()
            value = float(match.group()) if fraction or exponent else _number(integer)
            at = match.end()
        # A value is complete: put it in its container, closing every container it ends.
        while True:
            at = _WS.match(text, at).end()  # type: ignore[union-attr]
            if not stack:
                if at != end:
                    raise json.JSONDecodeError("Extra data", text, at)
                return value
            top = stack[-1]
            if isinstance(top, list):
                top.append(value)
            else:
                top[keys[-1]] = value
            char = text[at : at + 1]
            if char == ",":
                at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
                if isinstance(top, dict):
                    keys[-1], at = _key(text, at)
                break
            if char != ("]" if isinstance(top, list) else "}"):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, at)
            at += 1
            value = stack.pop()
            if isinstance(value, dict):
                keys.pop()
