"""What needs BuildKit: this engine (Docker 20.10 through the SDK) has only the classic builder."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Instruction
from ..registry import Context, Hit, rule

# Flags the classic builder rejects, per instruction.
BUILDKIT_FLAGS: dict[str, frozenset[str]] = {
    "RUN": frozenset({"mount", "network", "security"}),
    "COPY": frozenset({"link", "chmod", "parents", "exclude"}),
    "ADD": frozenset({"link", "chmod", "checksum", "keep-git-dir", "exclude"}),
}


def _with_triggers(context: Context) -> Iterator[Instruction]:
    for instruction in context.dockerfile.instructions:
        yield instruction
        if instruction.trigger is not None:
            yield instruction.trigger


@rule("BL014")
def heredoc_needs_buildkit(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        for heredoc in instruction.heredocs:
            yield Hit(
                instruction.start_line,
                heredoc.end_line,
                f"heredoc <<{heredoc.name} needs BuildKit: the classic builder runs "
                f"'<<{heredoc.name}' literally and reads lines {heredoc.start_line}-"
                f"{heredoc.end_line} as instructions",
            )


@rule("BL015")
def flag_needs_buildkit(context: Context) -> Iterator[Hit]:
    for instruction in _with_triggers(context):
        for flag in instruction.flags:
            name = flag[2:].split("=", 1)[0]
            if name in BUILDKIT_FLAGS.get(instruction.name, ()):
                yield Hit.at(
                    instruction,
                    f"{instruction.name} --{name}: the classic builder of this engine stops "
                    f"with 'the --{name} option requires BuildKit'",
                )
