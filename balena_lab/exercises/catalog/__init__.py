"""The exercises, one module each, in the order of the page's sections.

Each module defines ``EXERCISE``; :data:`EXERCISES` lists them by name and
:func:`all_exercises` in the order of their notebooks.  The checks live here,
in the package, and never in a learner's notebook.
"""

from __future__ import annotations

from ...errors import ExerciseError
from ..core import Exercise
from . import (
    add_to_copy,
    compose_services,
    dockerfile_basics,
    keep_tmp_balena,
    node_npm_start,
    pi4_dockerfile,
    templates_mixed_fleet,
)

EXERCISES: dict[str, Exercise] = {
    module.EXERCISE.name: module.EXERCISE
    for module in (dockerfile_basics, add_to_copy, compose_services, templates_mixed_fleet,
                   pi4_dockerfile, node_npm_start, keep_tmp_balena)
}


def get_exercise(name: str) -> Exercise:
    """The exercise called ``name``, or whose starter notebook is called ``name`` (with or
    without ``.ipynb``); :class:`ExerciseError` naming the known ones otherwise."""
    if name in EXERCISES:
        return EXERCISES[name]
    stem = name.removesuffix(".ipynb")
    for exercise in EXERCISES.values():
        if exercise.notebook.removesuffix(".ipynb") == stem:
            return exercise
    known = ", ".join(sorted(EXERCISES))
    raise ExerciseError(f"no exercise called {name!r}", fix=f"use one of: {known}")


def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise, in the order of their notebooks."""
    return tuple(sorted(EXERCISES.values(), key=lambda e: e.notebook))
