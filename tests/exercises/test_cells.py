"""The self-check judges what the grader judges: the answer cells run afresh.

The kernel is a real one, driven as JupyterLab drives it: every execute request
carries the cell's id in its metadata, and the kernel knows its notebook file
from ``JPY_SESSION_NAME``, as Jupyter Server starts it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.manager import KernelManager

from balena_lab.exercises import get_exercise
from balena_lab.exercises.cells import NotebookCell, notebook_cells, run_afresh
from balena_lab.exercises.notebook import tags
from balena_lab.exercises.submission import grade_submission

from .classgen import solution_cells, starter

EXERCISE = "templates-mixed-fleet"
SOLVED = solution_cells(EXERCISE)["answer-template"]
RENAMED = SOLVED.replace("TEMPLATE =", "FLEET_TEMPLATE =")


class LabKernel:
    """A kernel started for a notebook file, sent cells the way JupyterLab sends them."""

    def __init__(self, notebook: Path) -> None:
        self.manager = KernelManager(kernel_name="balena-lab")
        self.manager.start_kernel(cwd=str(notebook.parent),
                                  env={**__import__("os").environ,
                                       "JPY_SESSION_NAME": str(notebook)})
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, source: str, cell_id: str | None = None) -> str:
        content = {"code": source, "silent": False, "store_history": True,
                   "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
        message = self.client.session.msg("execute_request", content,
                                          metadata={"cellId": cell_id} if cell_id else {})
        self.client.shell_channel.send(message)
        printed = []
        while True:
            reply = self.client.get_iopub_msg(timeout=120)
            if reply["parent_header"].get("msg_id") != message["header"]["msg_id"]:
                continue
            if reply["msg_type"] == "stream":
                printed.append(reply["content"]["text"])
            elif reply["msg_type"] == "error":
                raise AssertionError("\n".join(reply["content"]["traceback"]))
            elif reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
                return "".join(printed)

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def _cell(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if tag in tags(c))


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """The starter, saved with the renamed variable in its answer cell."""
    notebook = starter(EXERCISE)
    _cell(notebook, "answer-template").source = RENAMED
    path = tmp_path / "learner.ipynb"
    nbformat.write(notebook, path)
    return path


def _self_check(kernel: LabKernel) -> dict[str, Any]:
    out = kernel.run("import balena_lab.exercises as e\n"
                     f"r = e.self_check({EXERCISE!r}, globals(), builds=False)\n"
                     "print('REPORT' + r.to_json())\n")
    return json.loads(out.split("REPORT", 1)[1])  # type: ignore[no-any-return]


def test_a_renamed_variable_gets_the_graders_verdict(saved: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(saved, as_version=4)
    kernel = LabKernel(saved)
    try:
        kernel.run(_cell(notebook, "given").source, _cell(notebook, "given").id)
        answer = _cell(notebook, "answer-template")
        kernel.run(SOLVED, answer.id)  # first the right name...
        kernel.run(RENAMED, answer.id)  # ...then renamed, and run again: TEMPLATE stays
        assert kernel.run("print('TEMPLATE' in globals())").strip() == "True"
        checked = _self_check(kernel)
    finally:
        kernel.close()
    graded = grade_submission(saved, EXERCISE, learner="renamed", output_dir=tmp_path / "out",
                              engine=False)
    assert graded.status == "graded"
    verdict = {r.id: r.status for r in graded.report.results}
    assert {r["id"]: r["status"] for r in checked["results"]} == verdict
    assert checked["passed"] == graded.passed == 0
    assert any("TEMPLATE is not defined" in p for p in checked["problems"])
    assert any("your kernel holds other values" in p for p in checked["problems"])


def test_a_cell_run_but_not_saved_counts_as_it_ran(saved: Path) -> None:
    """The learner fixed the cell and ran it; the file still has the old text."""
    notebook = nbformat.read(saved, as_version=4)
    kernel = LabKernel(saved)
    try:
        kernel.run(_cell(notebook, "given").source, _cell(notebook, "given").id)
        kernel.run(SOLVED, _cell(notebook, "answer-template").id)
        checked = _self_check(kernel)
    finally:
        kernel.close()
    static = {r["id"]: r["status"] for r in checked["results"] if r["status"] != "skip"}
    assert set(static.values()) == {"pass"}, checked
    assert any("not saved yet: answer-template" in p for p in checked["problems"])


def test_cells_not_run_since_the_kernel_started_are_read_as_saved(saved: Path) -> None:
    cells = notebook_cells(get_exercise(EXERCISE), saved)
    assert cells is not None
    assert [c.tag for c in cells] == ["", "", "answer-template"]  # parameters, given, answer
    assert cells[-1] == NotebookCell("answer-template", RENAMED, False, RENAMED)
    assert all(not c.from_kernel and not c.unsaved for c in cells)
    namespace, problems = run_afresh([cells[-1], NotebookCell("answer-x", "1/0", True)])
    assert "FLEET_TEMPLATE" in namespace and "TEMPLATE" not in namespace
    assert problems == ["the cell tagged 'answer-x' raised ZeroDivisionError: division by zero"]


def test_an_answer_retyped_in_an_untagged_cell_counts_as_for_the_grader(
        tmp_path: Path) -> None:
    """The grader runs every cell, so a later untagged cell that sets TEMPLATE counts."""
    notebook = starter(EXERCISE)
    answer_index = notebook.cells.index(_cell(notebook, "answer-template"))
    notebook.cells.insert(answer_index + 1, nbformat.v4.new_code_cell(SOLVED))
    path = tmp_path / "retyped.ipynb"
    nbformat.write(notebook, path)
    from balena_lab.exercises.selfcheck import fresh_answer

    answer = fresh_answer(EXERCISE, {}, path)
    graded = grade_submission(path, EXERCISE, learner="retyped", output_dir=tmp_path / "out",
                              engine=False)
    assert answer.files == {"Dockerfile.template": SOLVED.split('"""')[1].removeprefix("\\\n")}
    assert graded.status == "graded"
    assert {r.status for r in graded.report.results} == {"pass", "skip"}  # builds: no engine


def test_no_notebook_file_means_the_kernels_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    from balena_lab.exercises.selfcheck import fresh_answer

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    answer = fresh_answer(EXERCISE, {"TEMPLATE": SOLVED})
    assert answer.files and "notebook's file was not found" in answer.problems[-1]
