"""The starter notebooks: committed clean, cells tagged, one per exercise."""

from __future__ import annotations

import nbformat
import pytest

from balena_lab.exercises import all_exercises
from balena_lab.exercises.notebook import tags

from .classgen import SOLUTIONS, STARTERS


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda e: e.name)
def test_starter_is_clean_and_tagged(exercise) -> None:  # type: ignore[no-untyped-def]
    notebook = nbformat.read(STARTERS / exercise.notebook, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "balena-lab"
    assert notebook.metadata["balena_lab"]["exercise"] == exercise.name
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    all_tags = [t for c in code for t in tags(c)]
    assert all_tags.count("parameters") == 1 and all_tags.count("self-check") == 1
    assert [t for t in all_tags if t.startswith("answer-")] == list(exercise.cells)
    self_check = next(c for c in code if "self-check" in tags(c))
    assert f"self_check({exercise.name!r}, globals())" in self_check.source
    # the checks are not in the notebook: nothing there but calls into the package
    assert "def " not in "".join(c.source for c in code)


def test_every_exercise_has_a_reference_solution_outside_the_starters() -> None:
    for exercise in all_exercises():
        assert (SOLUTIONS / f"{exercise.name}.py").is_file()
    assert STARTERS not in SOLUTIONS.parents
    assert sorted(p.name for p in STARTERS.glob("*.ipynb")) == sorted(
        e.notebook for e in all_exercises())
