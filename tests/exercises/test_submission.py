from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from balena_lab.exercises import grade_submission

from .classgen import starter


def test_not_a_notebook_is_one_line_and_no_kernel(tmp_path: Path) -> None:
    path = tmp_path / "x.ipynb"
    path.write_text("{ nope")
    result = grade_submission(path, "dockerfile-basics", learner="x", output_dir=tmp_path / "o")
    assert result.status == "not-a-notebook" and result.passed == 0
    assert all(r.detail == "not checked: not a notebook" for r in result.report.results)


@pytest.mark.slow
def test_a_notebook_of_another_exercise_is_graded_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "wrong-one.ipynb"
    nbformat.write(starter("compose-services"), path)
    result = grade_submission(path, "dockerfile-basics", learner="w", output_dir=tmp_path / "o",
                              engine=False, timeout=120)
    assert result.status == "graded"
    assert any("says it is exercise 'compose-services'" in n for n in result.notes)
    assert any("no code cell tagged 'answer-dockerfile'" in n for n in result.notes)
    assert (tmp_path / "o" / "executed" / "w.ipynb").is_file()
