"""papermill runs in a kernel of its own, within a time limit: real kernels."""

from __future__ import annotations

from pathlib import Path

import nbformat
import psutil
import pytest

from balena_lab.exercises.execution import execute

pytestmark = pytest.mark.slow


def _notebook(source: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "balena-lab", "language": "python",
                                       "display_name": "Python (balena-lab)"}
    parameters = nbformat.v4.new_code_cell("grading = False")
    parameters.metadata["tags"] = ["parameters"]
    answer = nbformat.v4.new_code_cell(source)
    answer.metadata["tags"] = ["answer-x", "raises-exception"]
    notebook.cells = [parameters, answer, nbformat.v4.new_code_cell("after = True")]
    return notebook


def _kernels() -> int:
    return len(psutil.Process().children(recursive=True))


def test_completed_run_reports_kernel_start_and_cell_errors(tmp_path: Path) -> None:
    result = execute(_notebook("1 / 0"), tmp_path / "out.ipynb", parameters={"grading": True},
                     timeout=60)
    assert result.status == "completed"
    assert result.facts.errors == ("cell answer-x raised ZeroDivisionError: division by zero",)
    assert result.facts.kernel_start is not None and 0 < result.facts.kernel_start < 30
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)


def test_endless_loop_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    before = _kernels()
    result = execute(_notebook("while True:\n    pass"), tmp_path / "out.ipynb", timeout=6)
    assert result.status == "timeout"
    assert "answer-x" in result.message and "time limit of 6 s" in result.message
    assert result.seconds < 20
    assert _kernels() == before  # the kernel is gone


def test_kernel_that_exits_is_told_apart_from_a_timeout(tmp_path: Path) -> None:
    result = execute(_notebook("import os\nos._exit(3)"), tmp_path / "out.ipynb", timeout=60)
    assert result.status == "kernel-died"
    assert "kernel died while running cell answer-x" in result.message
