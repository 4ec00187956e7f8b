"""Arguments Docker's own instruction parser rejects, so the build stops at that line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...dockerfile.model import Instruction
from ..registry import Context, Hit, rule
from .buildkit import flag_problem

_AT_LEAST_ONE = frozenset({"ENV", "LABEL", "EXPOSE", "VOLUME", "ONBUILD", "HEALTHCHECK"})
_EXACTLY_ONE = frozenset({"WORKDIR", "USER", "MAINTAINER", "STOPSIGNAL"})
_STAGE_NAME = re.compile(r"[a-z][a-z0-9-_.]*")
_NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


def _parse_error(instruction: Instruction) -> str | None:
    flags = flag_problem(instruction)
    if flags:
        return f"dockerfile parse error line {instruction.start_line}: {flags}"
    if instruction.name == "ARG" and not instruction.args:
        return f"dockerfile parse error line {instruction.start_line}: ARG requires at least one argument"
    return None


def _problem(instruction: Instruction) -> str | None:
    """Docker's complaint about ``instruction``'s arguments, or None."""
    name, args = instruction.name, instruction.args
    if name in _AT_LEAST_ONE and not args:
        return f"{name} requires at least one argument"
    if name in _EXACTLY_ONE and not args:
        return f"{name} requires exactly one argument"
    if name in ("COPY", "ADD") and len(args) < 2:
        return f"{name} requires at least two arguments: a source and a destination"
    if name == "FROM":
        return _from_problem(args)
    if name == "SHELL" and instruction.form != "exec":
        why = f" ({instruction.json_error})" if instruction.json_error else ""
        return f"SHELL requires the arguments to be in JSON form{why}"
    if name == "HEALTHCHECK" and args:
        kind = args[0].upper()
        if kind == "NONE" and len(args) > 1:
            return "HEALTHCHECK NONE takes no arguments"
        if kind == "CMD" and len(args) == 1:
            return "Missing command after HEALTHCHECK CMD"
        if kind not in ("NONE", "CMD"):
            return f"Unknown type {args[0]!r} in HEALTHCHECK (try CMD)"
    if name == "ONBUILD" and instruction.trigger is not None:
        trigger = instruction.trigger.name
        if trigger == "ONBUILD":
            return "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
        if trigger in _NOT_TRIGGERS:
            return f"{trigger} isn't allowed as an ONBUILD trigger"
    return None


def _from_problem(args: tuple[str, ...]) -> str | None:
    if len(args) == 3 and args[1].lower() == "as":
        if not _STAGE_NAME.fullmatch(args[2].lower()):
            return f"invalid name for build stage: {args[2]!r}"
        return None
    if len(args) != 1:
        return "FROM requires either one or three arguments (FROM image [AS name])"
    return None


@rule("BL019")
def docker_rejects(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        parse_error = _parse_error(instruction)
        if parse_error:
            yield Hit.at(
                instruction, f"'{parse_error}': Docker rejects the whole file before any step runs"
            )
            continue
        problem = _problem(instruction)
        if problem:
            yield Hit.at(instruction, f"{problem}: Docker stops the build here")
