"""What a learner's notebook calls: show the given files, check the answer.

The starter notebooks only ever call these two functions; the checks stay
in the package.  ``self_check`` reads the learner's variables from the
``globals()`` it is handed, never the cells themselves.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .answers import collect_answer, run_checks
from .context import CheckOptions
from .core import CheckReport, get_exercise


def self_check(exercise: str, namespace: Mapping[str, Any], *,
               builds: bool | None = None) -> CheckReport | None:
    """Check the answer defined in ``namespace`` and return the report (shown as a table).

    ``builds`` defaults to the notebook's ``check_builds`` parameter (True):
    False runs the static checks only.  While grading (``grading = True`` was
    injected) this does nothing: the grader checks the answer itself.
    """
    if namespace.get("grading") is True:
        print("graded by balena-lab grade: the self-check is skipped")
        return None
    engine = bool(namespace.get("check_builds", True)) if builds is None else builds
    answer = collect_answer(exercise, namespace)
    return run_checks(exercise, answer, CheckOptions(engine=engine, submission="self-check"))


@dataclass(frozen=True)
class GivenFiles:
    """The files an exercise provides, to show in the notebook."""

    exercise: str
    files: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return "\n\n".join(f"--- {name}\n{text}" for name, text in self.files) or "(no files)"

    def _repr_html_(self) -> str:
        return "".join(f"<p><code>{html.escape(name)}</code></p><pre>{html.escape(text)}</pre>"
                       for name, text in self.files) or "<p>(no files)</p>"


def show_given(exercise: str) -> GivenFiles:
    """The exercise's given project files (binary ones summarised)."""
    given = get_exercise(exercise).given
    shown = tuple(
        (name, text if isinstance(text, str) else f"(a binary file of {len(text)} bytes)")
        for name, text in given.items()
    )
    return GivenFiles(exercise, shown)
