"""Hands-on exercises: starter notebooks, hidden checks, papermill runs and class grading.

From a learner's notebook::

    import balena_lab.exercises
    balena_lab.exercises.self_check("templates-mixed-fleet", globals())

For a teacher::

    from balena_lab.exercises import grade, run_notebook
    run_notebook("notebooks/exercises/04-templates-mixed-fleet.ipynb")
    grade("submissions/", "templates-mixed-fleet", jobs=2, output_dir="graded/")

Modules, one job each: :mod:`.core` (checks, results, exercises),
:mod:`.context` (an answer as a project: resolve, build, run, memoized),
:mod:`.answers` (variables to files; running the checks), :mod:`.catalog`
(the exercises and their checks, by name), :mod:`.selfcheck` (what
notebooks call), :mod:`.notebook` (cells by tag, grading copies),
:mod:`.execution` (papermill with a time limit), :mod:`.headless` (one
notebook run and checked), :mod:`.submission` (one learner), :mod:`.worker`
(one learner in a process of its own), :mod:`.grading` (the class, in
parallel), :mod:`.report` (CSV and HTML).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Public name -> the module defining it.  Imported on first use (PEP 562): the
# cell a grader appends to a notebook imports only what collecting an answer
# needs, not papermill and the Docker SDK, so kernels stay quick to use.
_EXPORTS = {
    "Answer": "answers", "collect_answer": "answers", "run_checks": "answers",
    "CheckOptions": "context",
    "Check": "core", "CheckFailed": "core", "CheckReport": "core", "CheckResult": "core",
    "Exercise": "core", "all_exercises": "catalog", "get_exercise": "catalog",
    "grade": "grading",
    "ClassReport": "report",
    "run_notebook": "headless",
    "self_check": "selfcheck", "show_given": "selfcheck",
    "SubmissionResult": "submission", "grade_submission": "submission",
}
__all__ = [
    "Answer",
    "Check",
    "CheckFailed",
    "CheckOptions",
    "CheckReport",
    "CheckResult",
    "ClassReport",
    "Exercise",
    "SubmissionResult",
    "all_exercises",
    "collect_answer",
    "get_exercise",
    "grade",
    "grade_submission",
    "run_checks",
    "run_notebook",
    "self_check",
    "show_given",
]

if TYPE_CHECKING:
    from .answers import Answer, collect_answer, run_checks
    from .catalog import all_exercises, get_exercise
    from .context import CheckOptions
    from .core import Check, CheckFailed, CheckReport, CheckResult, Exercise
    from .grading import grade
    from .headless import run_notebook
    from .report import ClassReport
    from .selfcheck import self_check, show_given
    from .submission import SubmissionResult, grade_submission


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
