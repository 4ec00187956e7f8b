"""Exec form versus shell form: what looks like a JSON array, and what a shell would do."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..registry import Context, Hit, rule

_RUNNABLE = frozenset({"RUN", "CMD", "ENTRYPOINT"})
_JSON_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"})
_OPERATORS = frozenset({"&&", "||", "|", ";", "&", ">", ">>", "<", "2>&1", "2>", "2>/dev/null"})
_VARIABLE = re.compile(r"\$(\{[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)|`")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})


def _runs_a_shell(argv: tuple[str, ...]) -> bool:
    """``["sh", "-c", ...]``, also behind ``env`` and its VAR=value words."""
    words = list(argv)
    while words and (words[0].rsplit("/", 1)[-1] == "env" or "=" in words[0]):
        words.pop(0)
    return bool(words) and words[0].rsplit("/", 1)[-1] in _SHELLS and "-c" in words[1:]


@rule("BL007")
def exec_form_not_json(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        if instruction.name not in _JSON_FORM or not instruction.json_error:
            continue
        text = instruction.args[0] if instruction.args else ""
        hint = "; JSON needs double quotes" if "'" in instruction.original else ""
        if instruction.name in _RUNNABLE:
            effect = f"Docker runs it in shell form: /bin/sh -c '{text}'"
        elif instruction.name == "SHELL":
            effect = "and SHELL only accepts a JSON array, so the build fails"
        else:
            effect = "Docker reads it as paths separated by spaces, brackets and all"
        yield Hit.at(
            instruction,
            f"not a valid JSON array ({instruction.json_error}){hint}: {effect}",
        )


@rule("BL008")
def exec_form_shell_syntax(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        if instruction.name not in _RUNNABLE or instruction.form != "exec" or not instruction.args:
            continue
        argv = instruction.args
        if _runs_a_shell(argv):
            continue  # an explicit shell interprets its script
        for word in argv:
            if word in _OPERATORS or _VARIABLE.search(word):
                yield Hit.at(
                    instruction,
                    f"exec form runs {argv[0]} without a shell, so {word!r} is passed as a plain "
                    f'argument; use shell form or ["/bin/sh", "-c", "..."]',
                )
                break
