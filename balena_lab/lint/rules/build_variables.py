"""balena build variables (``%%BALENA_ARCH%%``): substituted in templates only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from ..._data import load
from ..registry import Context, Hit, rule


@cache
def _variables() -> tuple[re.Pattern[str], frozenset[str]]:
    data: dict[str, Any] = load("build-variables.yaml")
    return re.compile(data["reference_pattern"]), frozenset(data["variables"])


def _instruction_lines(context: Context) -> Iterator[tuple[int, str]]:
    """Physical lines that belong to instructions (comments inside continuations left out)."""
    for instruction in context.dockerfile.instructions:
        for offset, text in enumerate(instruction.source.split("\n")):
            if not text.lstrip().startswith("#"):
                yield instruction.start_line + offset, text


@rule("BL012")
def not_substituted(context: Context) -> Iterator[Hit]:
    if context.template:
        return
    pattern, _ = _variables()
    for line, text in _instruction_lines(context):
        for match in pattern.finditer(text):
            yield Hit(
                line,
                line,
                f"{match[0]} stays as it is in a plain Dockerfile: build variables are only "
                "substituted in Dockerfile.template (or Dockerfile.<arch|device type>)",
            )


@rule("BL013")
def unknown_variable(context: Context) -> Iterator[Hit]:
    if not context.template:
        return
    pattern, known = _variables()
    # The builder substitutes line by line and fails on an unknown name, but leaves lines
    # starting with # at column 0 untouched (as balena_lab.resolution.resolver.templates does); an indented
    # "  # note" is substituted like any other line.
    for number, text in enumerate(context.dockerfile.text.split("\n"), start=1):
        if text.startswith("#"):
            continue
        for match in pattern.finditer(text):
            if match[1] not in known:
                yield Hit(
                    number,
                    number,
                    f"{match[0]} is not a balena build variable (known: "
                    f"{', '.join(sorted(known))})",
                )
