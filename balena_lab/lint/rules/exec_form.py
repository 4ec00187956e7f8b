"""Exec form versus shell form: what looks like a JSON array, and what a shell would do."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...dockerfile.shell import shell_script, stage_commands
from ..registry import Context, Hit, rule

_RUNNABLE = frozenset({"RUN", "CMD", "ENTRYPOINT"})
# SHELL is left to BL019: SHELL without a JSON array is an error, reported once.
_JSON_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "ADD", "COPY", "VOLUME"})
_OPERATORS = frozenset({"&&", "||", "|", ";", "&", ">", ">>", "<", "2>&1", "2>", "2>/dev/null"})
# $VAR, ${VAR}, $(command), or a whole word in backticks: what only a shell expands.
# A backtick inside other text (node -e "console.log(`x`)") is the program's business.
_SHELL_SYNTAX = re.compile(r"\$(\{[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|\()|^`[^`]+`$")


@rule("BL007")
def exec_form_not_json(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        if instruction.name not in _JSON_FORM or not instruction.json_error:
            continue
        text = instruction.args[0] if instruction.args else ""
        hint = "; JSON needs double quotes" if "'" in instruction.original else ""
        if instruction.name in _RUNNABLE:
            effect = f"Docker runs it in shell form: /bin/sh -c '{text}'"
        else:
            effect = "Docker reads it as paths separated by spaces, brackets and all"
        yield Hit.at(
            instruction,
            f"not a valid JSON array ({instruction.json_error}){hint}: {effect}",
        )


@rule("BL008")
def exec_form_shell_syntax(context: Context) -> Iterator[Hit]:
    for stage in context.stages():
        for instruction, argv, entrypoint in stage_commands(stage):
            if instruction.form != "exec":
                continue
            if instruction.json_tail:
                yield Hit.at(
                    instruction,
                    f"Docker runs only the JSON array; the text after it "
                    f"({instruction.json_tail!r}) is ignored",
                )
            if shell_script(argv) is not None:
                continue  # an explicit shell (maybe the ENTRYPOINT's) interprets its script
            own = argv[len(entrypoint.args) :] if entrypoint else argv
            for word in own:
                if word in _OPERATORS or _SHELL_SYNTAX.search(word):
                    runner = f"the ENTRYPOINT {argv[0]}" if entrypoint else argv[0] if argv else ""
                    yield Hit.at(
                        instruction,
                        f"exec form runs {runner} without a shell, so {word!r} is passed as a "
                        f'plain argument; use shell form or ["/bin/sh", "-c", "..."]',
                    )
                    break
