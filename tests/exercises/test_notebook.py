from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from balena_lab.errors import NotebookError
from balena_lab.exercises import get_exercise
from balena_lab.exercises.notebook import (
    COLLECTOR_TAG,
    RAISES_TAG,
    SELF_CHECK_TAG,
    exercise_of,
    grading_copy,
    missing_cells,
    read_notebook,
    tags,
)

from .classgen import solved, starter, variant


def test_invalid_json_is_a_notebook_error_with_the_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text(variant("dockerfile-basics", "broken-json"))  # type: ignore[arg-type]
    with pytest.raises(NotebookError, match="invalid JSON at line"):
        read_notebook(path)


@pytest.mark.parametrize("content", [b"\xff\xfe", b"[1, 2]", b'{"cells": 3}',
                                     # issue 12: nesting past the stack was a RecursionError
                                     b"[" * 100000 + b"]" * 100000,
                                     b'{"cells": [], "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"])
def test_other_non_notebooks_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError, match="not"):
        read_notebook(path)


def test_grading_copy_leaves_the_submission_alone() -> None:
    notebook = solved("dockerfile-basics")
    before = nbformat.writes(notebook)
    copy = grading_copy(notebook, "dockerfile-basics", "/tmp/answer.json")
    assert nbformat.writes(notebook) == before
    assert not any(SELF_CHECK_TAG in tags(c) for c in copy.cells)
    assert COLLECTOR_TAG in tags(copy.cells[-1])
    assert all(RAISES_TAG in tags(c) for c in copy.cells[:-1] if c.cell_type == "code")
    assert exercise_of(copy) == "dockerfile-basics"


def test_missing_cells_are_found_by_tag_not_position() -> None:
    exercise = get_exercise("dockerfile-basics")
    reordered = variant("dockerfile-basics", "reordered")
    assert missing_cells(reordered, exercise) == []  # type: ignore[arg-type]
    deleted = variant("dockerfile-basics", "deleted-answer")
    assert missing_cells(deleted, exercise) == ["answer-dockerfile"]  # type: ignore[arg-type]
    assert missing_cells(starter("dockerfile-basics"), exercise) == []


def test_grading_copy_drops_self_check_calls_whose_tag_was_lost(tmp_path: Path) -> None:
    notebook = variant("dockerfile-basics", "untagged-parameters")
    assert not isinstance(notebook, str)
    answer = next(c for c in notebook.cells if "answer-dockerfile" in tags(c))
    answer.source += "\nimport balena_lab.exercises\nbalena_lab.exercises.self_check('x', globals())\n"
    copy = grading_copy(notebook, "dockerfile-basics", tmp_path / "a.json")
    calls = [c for c in copy.cells if "self_check" in c.source]
    assert [c.source for c in calls] == [answer.source]  # only the answer cell stays
