"""What a learner's notebook calls: show the given files, check the answer.

The starter notebooks only ever call these two functions; the checks stay
in the package.  ``self_check`` judges what the grader will judge: the
notebook's answer cells run afresh in a namespace of their own
(:mod:`.cells`), not whatever the learner's kernel still holds; the
``globals()`` it is handed are used only where no notebook file is found,
and to say when the kernel and the cells disagree.
"""

from __future__ import annotations

import html
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answers import Answer, collect_answer, run_checks
from .catalog import get_exercise
from .cells import notebook_cells, run_afresh, track_cells, tracking
from .core import CheckReport

NO_FILES = "This exercise gives no files: you write the whole project."
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
    from .context import GRADING_RUN_LABEL, CheckOptions, remove_images  # the Docker SDK

    engine = bool(namespace.get("check_builds", True)) if builds is None else builds
    answer = fresh_answer(exercise, namespace)
    run_id = f"self-check-{uuid.uuid4().hex[:12]}"
    options = CheckOptions(engine=engine, submission=run_id, labels={GRADING_RUN_LABEL: run_id})
    try:
        return run_checks(exercise, answer, options)
    finally:
        if engine:
            remove_images(run_id)


def fresh_answer(exercise: str, namespace: Mapping[str, Any],
                 path: Path | None = None) -> Answer:
    """The answer the notebook's cells define when run afresh, as the grader runs them
    (every code cell but the self-check's), with a note where the kernel's own variables
    say something else, and where an edit has not been saved."""
    spec = get_exercise(exercise)
    cells = notebook_cells(spec, path)
    if cells is None:
        answer = collect_answer(spec, namespace)
        note = ("this notebook's file was not found, so your kernel's variables were checked "
                "as they are; the grader runs the saved notebook from the top")
        return Answer(answer.exercise, answer.files, (*answer.problems, note))
    fresh, raised = run_afresh(cells)
    answer = collect_answer(spec, fresh)
    notes = list(raised)
    kernel = collect_answer(spec, namespace)
    if kernel.files != answer.files or kernel.problems != answer.problems:
        notes.append("your kernel holds other values than your cells define now "
                     "(a renamed, deleted or edited variable?): the cells were checked, as "
                     "the grader will check them")
    unsaved = [c.tag or "a code cell" for c in cells if c.unsaved]
    if unsaved:
        notes.append(f"checked as last run, but not saved yet: {', '.join(unsaved)}; save "
                     "the notebook before you hand it in, the grader reads the file")
    unrun = [c.tag for c in cells if c.tag and not c.from_kernel]
    if unrun and tracking():
        notes.append(f"checked as saved: {', '.join(unrun)} has not run since the kernel "
                     "started")
    return Answer(answer.exercise, answer.files, (*answer.problems, *notes))


@dataclass(frozen=True)
class GivenFiles:
    """The files an exercise provides, to show in the notebook."""

    exercise: str
    files: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return ("\n\n".join(f"--- {name}\n{text}" for name, text in self.files)
                or NO_FILES)

    def _repr_html_(self) -> str:
        return "".join(f"<p><code>{html.escape(name)}</code></p><pre>{html.escape(text)}</pre>"
                       for name, text in self.files) or f"<p>{NO_FILES}</p>"


def show_given(exercise: str) -> GivenFiles:
    """The exercise's given project files (binary ones summarised).

    Called by the exercise's first cell, it also starts following the cells the
    kernel runs (:func:`.cells.track_cells`), so that the self-check sees what
    each answer cell says now."""
    track_cells()
    given = get_exercise(exercise).given
    shown = tuple(
        (name, text if isinstance(text, str) else f"(a binary file of {len(text)} bytes)")
        for name, text in given.items()
    )
    return GivenFiles(exercise, shown)
