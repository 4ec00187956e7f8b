"""``run_notebook``: one exercise notebook, run headless and checked (``balena-lab exercise run``).

The notebook runs as a learner's would, with papermill in its own kernel,
parameters injected after its ``parameters`` cell and a time limit, then
its answer is checked exactly as in grading.  The notebook file is never
changed; the executed copy goes to ``output_dir``.
"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ExerciseError
from .context import GRADING_RUN_LABEL, remove_images, safe_name
from .notebook import exercise_of, read_notebook
from .submission import SubmissionResult, grade_submission


def run_notebook(
    path: str | Path,
    *,
    exercise: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    output_dir: str | Path | None = None,
    keep_images: bool = False,
) -> SubmissionResult:
    """Run the notebook at ``path`` and check its answer.

    ``exercise`` defaults to the one the notebook's metadata names.
    ``parameters``: ``check_builds`` False runs the static checks only.
    ``output_dir``: where the executed copy goes (a temporary folder,
    removed afterwards, when not given).  The images the checks build are
    removed afterwards unless ``keep_images``.
    """
    parameters = dict(parameters or {})
    unknown = set(parameters) - {"check_builds"}
    if unknown:
        raise ExerciseError(f"unknown parameter(s): {', '.join(sorted(unknown))}",
                            fix="the exercise notebooks take: check_builds")
    if exercise is None:
        exercise = exercise_of(read_notebook(path))
        if exercise is None:
            raise ExerciseError(f"{path}: the notebook does not say which exercise it is",
                                fix="pass the exercise name (--exercise NAME)")
    engine = bool(parameters.get("check_builds", True))
    learner = safe_name(Path(path).stem)
    run_id = uuid.uuid4().hex[:12]
    options: dict[str, Any] = {"learner": learner, "timeout": timeout, "engine": engine,
                               "labels": {GRADING_RUN_LABEL: run_id}}
    try:
        if output_dir is not None:
            return grade_submission(path, exercise, output_dir=output_dir, **options)
        with tempfile.TemporaryDirectory(prefix="balena-lab-exercise-") as scratch:
            result = grade_submission(path, exercise, output_dir=scratch, **options)
        return dataclasses.replace(result, executed=None)  # it went with the scratch folder
    finally:
        if engine and not keep_images:
            remove_images(run_id)
