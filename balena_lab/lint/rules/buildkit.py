"""What needs BuildKit: this engine (Docker 20.10 through the SDK) has only the classic builder."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ..._data import load
from ...dockerfile.model import KNOWN_INSTRUCTIONS, Heredoc, Instruction
from ..registry import Context, Hit, rule


@cache
def _flag_tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], frozenset[str]]:
    data: dict[str, Any] = load("lint-rules.yaml")
    known = {name: frozenset(flags) for name, flags in data["classic_builder_flags"].items()}
    buildkit = {name: frozenset(flags) for name, flags in data["buildkit_only"].items()}
    return known, buildkit, frozenset(data["ignores_flags"])


# Flags of later Dockerfile syntax that Docker 20.10's classic builder does not know at all.
_NEWER_BUILDKIT_FLAGS = frozenset(
    {"link", "checksum", "keep-git-dir", "parents", "exclude", "network", "security"}
    | {"start-interval"}
)


def _with_triggers(context: Context) -> Iterator[Instruction]:
    for instruction in context.dockerfile.instructions:
        yield instruction
        if instruction.trigger is not None:
            yield instruction.trigger


def flag_problem(instruction: Instruction) -> str | None:
    """Docker 20.10's parse error for ``instruction``'s flags (as BFlags.Parse words it)."""
    known, _, ignores = _flag_tables()
    if instruction.name in ignores or not instruction.known:
        return None
    allowed = known.get(instruction.name, frozenset())
    used: set[str] = set()
    for flag in instruction.flags:
        name, has_value, _ = flag[2:].partition("=") if flag.startswith("--") else (flag, "", "")
        if name not in allowed:
            later = " (a BuildKit flag)" if name in _NEWER_BUILDKIT_FLAGS else ""
            return f"Unknown flag: {name}{later}"
        if name in used:
            return f"Duplicate flag specified: {name}"
        if not has_value:
            return f"Missing a value on flag: {name}"
        used.add(name)
    return None


def _classic_parse_error(lines: list[str], heredoc: Heredoc) -> str:
    """What the classic builder says about a heredoc's lines: the first that is no instruction."""
    for number in range(heredoc.start_line, heredoc.end_line + 1):
        words = lines[number - 1].split() if number <= len(lines) else []
        if words and not words[0].startswith("#") and words[0].upper() not in KNOWN_INSTRUCTIONS:
            return f"dockerfile parse error line {number}: unknown instruction: {words[0].upper()}"
    return "it reads them as instructions"


@rule("BL014")
def heredoc_needs_buildkit(context: Context) -> Iterator[Hit]:
    lines = context.dockerfile.text.split("\n")  # once: a file may hold thousands of heredocs
    for instruction in context.dockerfile.instructions:
        for heredoc in instruction.heredocs:
            yield Hit(
                instruction.start_line,
                heredoc.end_line,
                f"heredoc <<{heredoc.name} needs BuildKit: the classic builder reads lines "
                f"{heredoc.start_line}-{heredoc.end_line} as instructions and rejects the whole "
                f"file before any step runs ('{_classic_parse_error(lines, heredoc)}')",
            )


@rule("BL015")
def flag_needs_buildkit(context: Context) -> Iterator[Hit]:
    _, buildkit, _ = _flag_tables()
    for instruction in _with_triggers(context):
        for flag in instruction.flags:
            name = flag[2:].split("=", 1)[0]
            if name in buildkit.get(instruction.name, ()):
                yield Hit.at(
                    instruction,
                    f"{instruction.name} --{name}: the classic builder of this engine stops "
                    f"at this step with 'the --{name} option requires BuildKit'",
                )
