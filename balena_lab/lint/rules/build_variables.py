"""balena build variables (``%%BALENA_ARCH%%``): substituted in templates only."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ..._data import load
from ...resolution.templates import REFERENCE, references
from ..registry import Context, Hit, rule


@cache
def _known() -> frozenset[str]:
    data: dict[str, Any] = load("build-variables.yaml")
    return frozenset(data["variables"])


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
    for line, text in _instruction_lines(context):
        for match in REFERENCE.finditer(text):
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
    known = _known()
    # The builder's own scan (templates.references): line by line, lines starting
    # with # at column 0 left untouched, an indented "  # note" substituted.
    for ref in references(context.dockerfile.text):
        if ref.variable not in known:
            yield Hit(ref.line, ref.line,
                      f"{ref.text} is not a balena build variable (known: "
                      f"{', '.join(sorted(known))})")
