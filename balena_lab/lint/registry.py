"""The rule registry: each rule is one small function registered under its id.

A rule gets a :class:`Context` and yields :class:`Hit` values (lines and a
message); id, severity and link come from ``balena_lab/data/lint-rules.yaml``,
so a rule's code holds only its logic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._data import load
from ..dockerfile.model import Dockerfile, Instruction
from ..dockerfile.stages import stages
from .report import Severity


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule may look at; ``build_context`` is read, never written."""

    dockerfile: Dockerfile
    template: bool
    build_context: Path | None = None

    def stages(self) -> Iterator[list[Instruction]]:
        """The instructions of each build stage (what precedes the first FROM is dropped)."""
        for stage in stages(self.dockerfile):
            yield list(stage.instructions)


@dataclass(frozen=True, slots=True)
class Hit:
    start_line: int
    end_line: int
    message: str

    @classmethod
    def at(cls, instruction: Instruction, message: str) -> Hit:
        return cls(instruction.start_line, instruction.end_line, message)


Check = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    link: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``rule_id``, with the metadata from lint-rules.yaml."""

    def register(check: Check) -> Check:
        meta: dict[str, Any] = load("lint-rules.yaml")["rules"][rule_id]
        RULES[rule_id] = Rule(
            id=rule_id,
            name=meta["name"],
            severity=meta["severity"],
            summary=meta["summary"],
            link=meta["link"],
            check=check,
        )
        return check

    return register
