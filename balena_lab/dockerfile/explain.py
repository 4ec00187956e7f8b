"""Explain a Dockerfile line by line, in the words of balena's page.

``explain(dockerfile)`` returns an :class:`Explanation`: a table in a
notebook (``_repr_html_``), plain text in a terminal (``str``), a list of
dicts for JSON.  All wording comes from ``balena_lab/data/instructions.yaml``.
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._data import load
from .._markup import prose_html
from .._values import JsonValue
from ._paths import is_remote
from .model import Dockerfile, Instruction
from .parser import parse
from .shell import shell_script
from .stages import FromLine, from_lines, stages

_DEFAULT_SHELL = ("/bin/sh", "-c")
_BUILD_TIME = frozenset({"RUN"})


def _texts() -> dict[str, Any]:
    return load("instructions.yaml")  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class ExplainedInstruction:
    """One instruction with what it does in general and what this line does."""

    start_line: int
    end_line: int
    name: str
    source: str
    this_line: str
    about: str
    reference: str

    @property
    def lines(self) -> str:
        if self.start_line == self.end_line:
            return str(self.start_line)
        return f"{self.start_line}-{self.end_line}"


@dataclass(frozen=True, slots=True)
class Explanation(JsonValue):
    """Every instruction of a Dockerfile, explained."""

    path: str | None
    rows: tuple[ExplainedInstruction, ...]

    def __str__(self) -> str:
        out = [f"{self.path or 'Dockerfile'}: {len(self.rows)} instructions", ""]
        seen: set[str] = set()
        for row in self.rows:
            source = row.source.splitlines()
            out.append(f"{row.lines:>7}  {source[0]}")
            out.extend(f"{'':>7}  {line}" for line in source[1:])
            out.extend(
                textwrap.wrap(
                    row.this_line, 96, initial_indent=" " * 9 + "-> ", subsequent_indent=" " * 11
                )
            )
            if row.name not in seen:  # the general text once per instruction name
                seen.add(row.name)
                out.extend(
                    textwrap.wrap(
                        f"{row.name}: {row.about} ({row.reference})",
                        96,
                        initial_indent=" " * 9,
                        subsequent_indent=" " * 9,
                    )
                )
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            f"<td style='text-align:right'>{row.lines}</td>"
            f"<td style='text-align:left'><pre style='margin:0'>{html.escape(row.source)}</pre></td>"
            f"<td style='text-align:left'>{prose_html(row.this_line)}</td>"
            f"<td style='text-align:left'>{prose_html(row.about)} "
            f"<a href='{html.escape(row.reference)}' target='_blank'>{row.name}</a></td>"
            "</tr>"
            for row in self.rows
        )
        return (
            f"<table><caption>{html.escape(self.path or 'Dockerfile')}</caption>"
            "<tr><th>line</th><th>instruction</th><th>what this line does</th>"
            f"<th>what the instruction does</th></tr>{rows}</table>"
        )

    def to_dict(self) -> dict[str, Any]:
        """``balena-lab explain --json``: the file and one object per instruction."""
        return {"path": self.path, "instructions": [
            {
                "start_line": r.start_line,
                "end_line": r.end_line,
                "name": r.name,
                "source": r.source,
                "this_line": r.this_line,
                "about": r.about,
                "reference": r.reference,
            }
            for r in self.rows
        ]}


def _code(words: tuple[str, ...]) -> str:
    return json.dumps(list(words))


def _quote_list(words: tuple[str, ...]) -> str:
    return ", ".join(f"`{w}`" for w in words) or "nothing"


def _runs(
    instruction: Instruction,
    shell: tuple[str, ...],
    lines: dict[str, str],
    entrypoint: Instruction | None = None,
    base: FromLine | None = None,
) -> str:
    when = lines["build_time"] if instruction.name in _BUILD_TIME else lines["start_time"]
    shell_text = " ".join(shell)
    if instruction.name == "CMD" and entrypoint is not None:
        return _cmd_after_entrypoint(instruction, shell, lines, entrypoint)
    if instruction.form == "exec":
        if not instruction.args:
            return lines["exec_empty"]
        text = lines["exec"].format(argv=_code(instruction.args), when=when)
        return text + _tail(instruction, lines)
    if not instruction.args:
        return lines[f"no_command_{instruction.name.lower()}"]
    command = instruction.args[0]
    if instruction.json_error:
        return lines["not_json"].format(
            why=instruction.json_error, shell=shell_text, command=command, when=when
        )
    key = "entrypoint_shell" if instruction.name == "ENTRYPOINT" else "shell"
    return lines[key].format(shell=shell_text, command=command, when=when)


def _tail(instruction: Instruction, lines: dict[str, str]) -> str:
    return (
        "; " + lines["json_tail"].format(tail=instruction.json_tail)
        if instruction.json_tail
        else ""
    )


def _cmd_after_entrypoint(
    cmd: Instruction, shell: tuple[str, ...], lines: dict[str, str], entrypoint: Instruction
) -> str:
    """A CMD in a stage with an ENTRYPOINT: it only supplies the ENTRYPOINT's arguments."""
    if entrypoint.form != "exec":
        return lines["cmd_ignored"].format(line=entrypoint.start_line)
    argv = tuple(cmd.args) if cmd.form == "exec" else (*shell, *cmd.args)
    text = lines["cmd_arguments"].format(
        form="exec form" if cmd.form == "exec" else "shell form",
        args=_code(argv),
        entrypoint=_code(entrypoint.args),
        line=entrypoint.start_line,
        argv=_code((*entrypoint.args, *argv)),
    )
    if shell_script(entrypoint.args) == () and argv:
        text += "; " + lines["cmd_is_script"].format(script=argv[0])
    return text + _tail(cmd, lines)


def _copies(instruction: Instruction, lines: dict[str, str]) -> str:
    if len(instruction.args) < 2:
        return lines["no_destination"].format(name=instruction.name)
    *sources, dest = instruction.args
    quoted = _quote_list(tuple(sources))
    stage = instruction.flag("from")
    if stage:
        return lines["copy_from"].format(sources=quoted, stage=stage, dest=dest)
    if instruction.name == "ADD":
        urls = [s for s in sources if is_remote(s)]
        if urls:
            return lines["add_url"].format(url=urls[0], dest=dest)
        return lines["add_local"].format(sources=quoted, dest=dest)
    return lines["copy"].format(sources=quoted, dest=dest)


def _healthcheck(instruction: Instruction, lines: dict[str, str]) -> str:
    kind, *command = instruction.args
    if kind.upper() == "NONE":
        return lines["healthcheck_none"]
    if kind.upper() != "CMD":
        return lines["healthcheck_unknown"].format(kind=kind)
    if not command:
        return lines["healthcheck_no_command"]
    shown = _code(tuple(command)) if instruction.form == "exec" else command[0]
    return lines["healthcheck"].format(command=shown) + _tail(instruction, lines)


_SIMPLE: dict[str, Callable[[Instruction, dict[str, str]], str]] = {
    "USER": lambda i, lines: lines["user"].format(user=i.args[0]),
    "LABEL": lambda i, lines: lines["label"].format(names=_quote_list(i.args[0::2])),
    "VOLUME": lambda i, lines: lines["volume"].format(paths=_quote_list(i.args)),
    "HEALTHCHECK": _healthcheck,
    "SHELL": lambda i, lines: lines["shell_instruction"].format(argv=_code(i.args)),
    "STOPSIGNAL": lambda i, lines: lines["stopsignal"].format(signal=i.args[0]),
    "MAINTAINER": lambda i, lines: lines["maintainer"].format(author=i.args[0]),
}


def _this_line(
    instruction: Instruction,
    shell: tuple[str, ...],
    lines: dict[str, str],
    entrypoint: Instruction | None = None,
    base: FromLine | None = None,
) -> str:
    name, args = instruction.name, instruction.args
    if not instruction.known:
        text = lines["unknown"].format(name=instruction.keyword)
    elif name in ("RUN", "CMD", "ENTRYPOINT"):
        text = _runs(instruction, shell, lines, entrypoint)
    elif name in ("COPY", "ADD"):
        text = _copies(instruction, lines)
    elif name == "FROM" and base is not None:
        alias = args[2] if len(args) >= 3 and args[1].upper() == "AS" else None
        key = "from_stage" if base.kind == "stage" else "from_alias" if alias else "from"
        text = lines[key].format(image=base.image, alias=alias)
        if base.written != base.image:
            text += lines["from_expanded"].format(written=base.written, image=base.image)
    elif name == "ONBUILD" and instruction.trigger is not None:
        text = lines["onbuild"].format(trigger=instruction.trigger.original.strip())
    elif name == "ENV" and args:
        text = lines["env"].format(names=_quote_list(args[0::2]))
    elif name == "ARG" and args:
        text = lines["arg"].format(names=_quote_list(tuple(a.split("=", 1)[0] for a in args)))
    elif name == "WORKDIR" and args:
        text = lines["workdir"].format(path=args[0])
    elif name == "EXPOSE" and args:
        text = lines["expose"].format(ports=_quote_list(args))
    elif args and name in _SIMPLE:
        text = _SIMPLE[name](instruction, lines)
    else:  # e.g. an instruction without arguments: say what the instruction is for
        text = _texts()["instructions"][name]["about"].split(". ")[0].rstrip(".")
    for heredoc in instruction.heredocs:
        text += "; " + lines["heredoc"].format(
            name=heredoc.name, start=heredoc.start_line, end=heredoc.end_line
        )
    return text


def _stage_entrypoints(dockerfile: Dockerfile) -> dict[int, Instruction]:
    """Index of each CMD -> the last ENTRYPOINT of its stage (before or after the CMD:
    the builder keeps a CMD set in the same stage when an ENTRYPOINT follows)."""
    position = {id(instruction): n for n, instruction in enumerate(dockerfile.instructions)}
    found: dict[int, Instruction] = {}
    for stage in stages(dockerfile):
        entrypoints = [i for i in stage.instructions if i.name == "ENTRYPOINT"]
        if entrypoints and entrypoints[-1].args:
            for instruction in stage.instructions:
                if instruction.name == "CMD":
                    found[position[id(instruction)]] = entrypoints[-1]
    return found


def explain(dockerfile: Dockerfile | str) -> Explanation:
    """Explain every instruction of ``dockerfile`` (a parsed one or its text)."""
    if isinstance(dockerfile, str):
        dockerfile = parse(dockerfile)
    texts = _texts()
    lines: dict[str, str] = texts["lines"]
    shell: tuple[str, ...] = _DEFAULT_SHELL
    entrypoints = _stage_entrypoints(dockerfile)
    bases = {item.line: item for item in from_lines(dockerfile)}
    rows = []
    for index, instruction in enumerate(dockerfile.instructions):
        if instruction.name == "FROM":
            shell = _DEFAULT_SHELL  # SHELL lasts until the end of its stage
        entry = texts["instructions"].get(instruction.name, texts["unknown"])
        rows.append(
            ExplainedInstruction(
                start_line=instruction.start_line,
                end_line=instruction.end_line,
                name=instruction.name if instruction.known else instruction.keyword,
                source=instruction.source,
                this_line=_this_line(instruction, shell, lines, entrypoints.get(index),
                                     bases.get(instruction.start_line)),
                about=entry["about"],
                reference=entry["reference"],
            )
        )
        if instruction.name == "SHELL" and instruction.form == "exec" and instruction.args:
            shell = instruction.args
    return Explanation(path=dockerfile.path, rows=tuple(rows))
