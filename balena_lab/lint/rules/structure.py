"""Order and shape: FROM first, CMD last, unknown instructions, broken continuations."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ...dockerfile.model import KNOWN_INSTRUCTIONS
from ..registry import Context, Hit, rule


@rule("BL001")
def from_first(context: Context) -> Iterator[Hit]:
    """The first instruction that is not ARG must be FROM."""
    for instruction in context.dockerfile.instructions:
        if instruction.name == "FROM":
            return
        if instruction.name != "ARG":
            yield Hit.at(
                instruction,
                f"{instruction.keyword} before any FROM: FROM has to be the first instruction "
                "(only ARG and parser directives may come before it)",
            )
            return
    if context.dockerfile.instructions:  # only ARGs: there is no FROM at all
        yield Hit.at(context.dockerfile.instructions[0], "no FROM: every Dockerfile needs one")


@rule("BL002")
def cmd_last(context: Context) -> Iterator[Hit]:
    """The CMD that takes effect (the final stage's last) should have nothing after it."""
    stages = list(context.stages())
    if not stages:
        return
    final = stages[-1]
    cmds = [i for i in final if i.name == "CMD"]
    if not cmds:
        return
    after = final[final.index(cmds[-1]) + 1 :]
    if after:
        names = ", ".join(f"{i.name} (line {i.start_line})" for i in after[:3])
        more = ", ..." if len(after) > 3 else ""
        verb = "comes" if len(after) == 1 else "come"
        yield Hit.at(
            cmds[-1], f"CMD should be the last instruction, but {names}{more} {verb} after it"
        )


@rule("BL003")
def cmd_overridden(context: Context) -> Iterator[Hit]:
    """Every CMD of a stage but the last is ignored."""
    for stage in context.stages():
        cmds = [i for i in stage if i.name == "CMD"]
        for cmd in cmds[:-1]:
            yield Hit.at(
                cmd,
                f"only the last CMD takes effect (line {cmds[-1].start_line}): this one is ignored",
            )


@rule("BL016")
def unknown_instruction(context: Context) -> Iterator[Hit]:
    for top in context.dockerfile.instructions:
        instruction = top.trigger or top  # ONBUILD's trigger must be an instruction too
        if instruction.known:
            continue
        if not instruction.keyword:
            yield Hit.at(instruction, "an instruction made only of continuation lines")
            continue
        guess = difflib.get_close_matches(instruction.name, KNOWN_INSTRUCTIONS, n=1)
        hint = f" (did you mean {guess[0]}?)" if guess else ""
        yield Hit.at(
            instruction,
            f"unknown instruction {instruction.keyword}{hint}: Docker stops the build here",
        )


@rule("BL017")
def continuation_at_eof(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        if instruction.continues_past_eof:
            yield Hit.at(
                instruction,
                f"the last line ends with the escape character {context.dockerfile.escape} and "
                "continues into the end of the file: a line is probably missing",
            )


@rule("BL018")
def empty_continuation_line(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        for line in instruction.empty_continuation_lines:
            yield Hit(
                line,
                line,
                f"empty line inside the {instruction.name} that starts on line "
                f"{instruction.start_line}: Docker warns, and will reject it in the future",
            )
