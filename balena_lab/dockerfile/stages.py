"""The one reader of ``FROM`` and the ``ARG``s before it, as Docker 20.10 expands them.

Every part of balena_lab that asks "which image does this Dockerfile build
from?" asks :func:`from_lines` or :func:`base_images`: the build (stand-ins
and the base-image check), the lint rules, the fleet checks and the
exercise checks.  The rules are the classic builder's
(``builder/dockerfile`` in moby 20.10):

- only the ``ARG``s before the first ``FROM`` (the meta ARGs) can be used in
  a ``FROM``;
- a meta ARG's default is expanded with the meta ARGs declared above it (all
  the names of one ``ARG`` instruction see only those above the
  instruction), and a build argument given for a declared ARG replaces its
  value as it is, unexpanded;
- a ``FROM`` word is expanded as ``shell.Lex.ProcessWord`` does: ``$NAME``,
  ``${NAME}``, ``${NAME:-word}`` and ``${NAME:+word}`` (the word itself
  expanded), an unset name is the empty string, single quotes keep text as
  it is, double quotes are removed, and the escape character (``\\`` or the
  ``# escape=`` directive's) keeps the next character literal;
- ``FROM <earlier stage name>`` and ``FROM scratch`` name no image.

Written by hand because no library implements Docker's word expansion;
Python's ``string.Template`` and ``os.path.expandvars`` know neither the
modifiers nor Docker's quoting.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .model import Dockerfile, Instruction
from .parser import parse


@dataclass(frozen=True)
class FromLine:
    """One ``FROM`` instruction and the image it names after expansion."""

    line: int
    end_line: int
    written: str  # the image as the line writes it, maybe with $ARG references
    image: str  # after the meta ARGs are expanded, as Docker does
    stage: str | None  # the ``AS`` name, lower case, if any
    instruction: Instruction = field(repr=False)
    kind: str = "image"  # "image", "scratch" or "stage" (an earlier stage's name)

    @property
    def names_image(self) -> bool:
        """False for ``scratch`` and for an earlier stage: neither is an image to find."""
        return self.kind == "image"


@dataclass(frozen=True)
class Stage:
    """A build stage: its ``FROM`` and every instruction up to the next one."""

    base: FromLine | None  # None for a FROM without an image (which Docker rejects)
    instructions: tuple[Instruction, ...]  # the FROM first


def expand(text: str, values: Mapping[str, str | None], escape: str = "\\") -> str:
    """``text`` expanded as Docker's ``ProcessWord`` expands a word with ``values``."""
    return _Word(text, values, escape).process()


def meta_args(
    dockerfile: Dockerfile, build_args: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """The ARGs before the first FROM, with their values (None: declared, no value)."""
    given = build_args or {}
    values: dict[str, str | None] = {}
    for instruction in dockerfile.instructions:
        if instruction.name == "FROM":
            break
        if instruction.name != "ARG":
            continue
        above = dict(values)  # every name of one ARG sees only the ARGs above it
        for word in instruction.args:
            name, sep, default = word.partition("=")
            if name in given:
                values[name] = given[name]
            else:
                values[name] = expand(default, above, dockerfile.escape) if sep else None
    return values


def from_lines(
    dockerfile: Dockerfile | str, build_args: Mapping[str, str] | None = None
) -> list[FromLine]:
    """Every ``FROM`` of ``dockerfile`` (text or parsed), expanded, in order."""
    parsed = parse(dockerfile) if isinstance(dockerfile, str) else dockerfile
    values = meta_args(parsed, build_args)
    stages: set[str] = set()
    found = []
    for instruction in parsed.instructions:
        if instruction.name != "FROM" or not instruction.args:
            continue
        written = instruction.args[0]
        image = expand(written, values, parsed.escape)
        kind = ("stage" if image.lower() in stages else
                "scratch" if image == "scratch" else "image")
        name = None
        if len(instruction.args) >= 3 and instruction.args[1].lower() == "as":
            name = instruction.args[2].lower()
            stages.add(name)
        found.append(FromLine(instruction.start_line, instruction.end_line, written, image,
                              name, instruction, kind))
    return found


def base_images(
    dockerfile: Dockerfile | str, build_args: Mapping[str, str] | None = None
) -> list[FromLine]:
    """The ``FROM`` lines that name an image (not ``scratch``, not an earlier stage)."""
    return [item for item in from_lines(dockerfile, build_args) if item.names_image and item.image]


def stages(dockerfile: Dockerfile) -> Iterator[Stage]:
    """Each build stage, in order (the meta ARGs before the first FROM belong to none)."""
    bases = {item.line: item for item in from_lines(dockerfile)}
    current: list[Instruction] | None = None
    base: FromLine | None = None
    for instruction in dockerfile.instructions:
        if instruction.name == "FROM":
            if current is not None:
                yield Stage(base, tuple(current))
            base, current = bases.get(instruction.start_line), []
        if current is not None:
            current.append(instruction)
    if current is not None:
        yield Stage(base, tuple(current))


class _Word:
    """A tiny scanner with the states of moby's ``shell.Lex.processStopOn``."""

    def __init__(self, text: str, values: Mapping[str, str | None], escape: str) -> None:
        self.text, self.values, self.escape, self.pos = text, values, escape, 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        self.pos += 1
        return char

    def process(self, stop: str = "") -> str:
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.peek()
            if stop and char == stop:
                self.pos += 1
                return "".join(out)
            if char == "'":
                self.pos += 1
                end = self.text.find("'", self.pos)
                end = len(self.text) if end == -1 else end
                out.append(self.text[self.pos:end])
                self.pos = end + 1
            elif char == '"':
                self.pos += 1
                out.append(self._double_quoted())
            elif char == self.escape:
                self.pos += 1
                out.append(self.take())
            elif char == "$":
                out.append(self._dollar())
            else:
                out.append(self.take())
        return "".join(out)

    def _double_quoted(self) -> str:
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.take()
            if char == '"':
                break
            if char == self.escape and self.peek() in ('"', "$", self.escape):
                out.append(self.take())
            elif char == "$":
                self.pos -= 1
                out.append(self._dollar())
            else:
                out.append(char)
        return "".join(out)

    def _name(self) -> str:
        start = self.pos
        while self.peek() and (self.peek().isalnum() or self.peek() == "_"):
            self.pos += 1
        return self.text[start:self.pos]

    def _value(self, name: str) -> str:
        return self.values.get(name) or ""

    def _dollar(self) -> str:
        self.pos += 1  # the $
        if self.peek() != "{":
            name = self._name()
            return self._value(name) if name else "$"
        self.pos += 1  # the {
        name = self._name()
        if self.peek() == "}":
            self.pos += 1
            return self._value(name)
        if self.peek() == ":" and self.pos + 1 < len(self.text) and self.text[self.pos + 1] in "-+":
            modifier = self.text[self.pos + 1]
            self.pos += 2
            word = self.process(stop="}")
            value = self._value(name)
            if modifier == "-":
                return value or word
            return word if value else ""
        # Not a form Docker 20.10 expands: keep the text as written.
        start = self.pos
        end = self.text.find("}", start)
        end = len(self.text) if end == -1 else end
        self.pos = end + 1
        return "${" + name + self.text[start:end] + "}"
