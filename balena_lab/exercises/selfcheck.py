"""What a learner's notebook calls: show the given files, check the answer.

The starter notebooks only ever call these two functions; the checks stay
in the package.  ``self_check`` reads the learner's variables from the
``globals()`` it is handed, never the cells themselves.
"""

from __future__ import annotations

import html
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .answers import collect_answer, run_checks
from .catalog import get_exercise
from .context import GRADING_RUN_LABEL, CheckOptions, remove_images
from .core import CheckReport

#: Set to 1 by the grader in the environment of every kernel it starts.
GRADING_ENV = "BALENA_LAB_GRADING"


def grading() -> bool:
    """True in a kernel the grader started (whatever the notebook's variables say)."""
    return os.environ.get(GRADING_ENV) == "1"


def self_check(exercise: str, namespace: Mapping[str, Any], *,
               builds: bool | None = None) -> CheckReport | None:
    """Check the answer defined in ``namespace`` and return the report (shown as a table).

    ``builds`` defaults to the notebook's ``check_builds`` parameter (True):
    False runs the static checks only.  While grading (the grader sets
    ``BALENA_LAB_GRADING=1`` for the kernel; ``grading = True`` in the
    namespace too) this does nothing: the grader checks the answer itself.
    The images a self-check builds get a tag and label of their own, and are
    removed before it returns.
    """
    if grading() or namespace.get("grading") is True:
        print("graded by balena-lab grade: the self-check is skipped")
        return None
    engine = bool(namespace.get("check_builds", True)) if builds is None else builds
    answer = collect_answer(exercise, namespace)
    run_id = f"self-check-{uuid.uuid4().hex[:12]}"
    options = CheckOptions(engine=engine, submission=run_id, labels={GRADING_RUN_LABEL: run_id})
    try:
        return run_checks(exercise, answer, options)
    finally:
        if engine:
            remove_images(run_id)


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
