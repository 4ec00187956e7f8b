"""Adapters between our parser and the official one (the ``dockerfile`` package).

Both sides are reduced to the same plain shape so a test can compare them
with ``==`` and pytest shows a readable diff.
"""

from __future__ import annotations

from dataclasses import dataclass

import dockerfile

from balena_lab.dockerfile import Instruction, parse
from balena_lab.dockerfile.model import KNOWN_INSTRUCTIONS
from balena_lab.errors import BalenaLabError


class OracleCannotSay(Exception):
    """The binding itself failed on this text, so there is nothing to compare with."""


@dataclass(frozen=True)
class Seen:
    """What both parsers can tell about one instruction."""

    name: str
    args: tuple[str, ...]
    flags: tuple[str, ...]
    exec_form: bool
    start_line: int
    end_line: int
    heredocs: tuple[tuple[str, str], ...]
    # The logical line; None where the binding glues heredoc bodies into it
    # (see test_heredoc_bodies_are_not_in_original) and for ONBUILD.
    original: str | None


def from_oracle(text: str) -> list[Seen] | str:
    """The official parser's reading, or its error message."""
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as error:
        return f"error: {error}"
    except UnicodeDecodeError as error:
        # Go cut a character in two (see _lex.split_flags) and the binding cannot decode it.
        raise OracleCannotSay(text) from error
    seen = []
    for c in commands:
        name = (c.cmd or "").upper()
        args = tuple(c.value)
        if (c.sub_cmd or name).upper() not in KNOWN_INSTRUCTIONS and args == ("",):
            args = ()  # see test_unknown_instruction_has_no_args
        if c.sub_cmd:
            name = f"ONBUILD {c.sub_cmd.upper()}"
        heredocs = tuple((h.name, h.content) for h in c.heredocs)
        original = None if c.heredocs or c.sub_cmd else (c.original or "")
        seen.append(
            Seen(name, args, tuple(c.flags), c.json, c.start_line, c.end_line, heredocs, original)
        )
    return seen


def from_ours(text: str) -> list[Seen] | str:
    """Our parser's reading, or "error: ..." when it raises."""
    try:
        result = parse(text)
    except BalenaLabError:
        return "error"
    return [_seen(i) for i in result.instructions]


def _seen(i: Instruction) -> Seen:
    name, args, flags, exec_form = i.name, i.args, i.flags, i.form == "exec"
    if i.trigger is not None:
        # The oracle reports ONBUILD's trigger name and args, and ONBUILD's own flags.
        name = f"ONBUILD {i.trigger.name}"
        args, exec_form = i.trigger.args, i.trigger.form == "exec"
    heredocs = tuple((h.name, h.content) for h in i.heredocs)
    if i.trigger is not None:
        heredocs = ()  # see test_onbuild_keeps_its_heredocs
    original = None if i.heredocs or i.trigger else i.original
    return Seen(name, args, flags, exec_form, i.start_line, i.end_line, heredocs, original)


def same_reading(text: str) -> tuple[list[Seen] | str, list[Seen] | str]:
    """Both readings, errors reduced to "error" so only the fact of rejecting is compared."""
    theirs = from_oracle(text)
    if isinstance(theirs, str):
        theirs = "error"
    return from_ours(text), theirs
