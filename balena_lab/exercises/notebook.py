"""Exercise notebooks as data: read them safely, find cells by tag, prepare a grading copy.

Cells are found by their tags, never by position:

- ``parameters``       papermill's parameters cell (``check_builds``, ``grading``);
- ``answer-<name>``    a learner cell; the exercise lists which tags it expects;
- ``self-check``       the learner's self-check call, dropped from a grading copy.

A grading copy keeps every cell of the submission in the learner's order,
marks each code cell ``raises-exception`` (so one failing cell does not stop
the rest, as it would not in JupyterLab), drops the self-check cells (tagged
``self-check``, or calling ``self_check`` without defining an answer
variable: a tag is easily lost) and appends one cell that writes the
learner's answer variables to a JSON file.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotebookError
from .catalog import get_exercise
from .core import Exercise

if TYPE_CHECKING:
    import nbformat

PARAMETERS_TAG = "parameters"
ANSWER_PREFIX = "answer-"
SELF_CHECK_TAG = "self-check"
COLLECTOR_TAG = "balena-lab-grader"
RAISES_TAG = "raises-exception"
KERNEL_NAME = "balena-lab"
METADATA_KEY = "balena_lab"


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """The notebook at ``path``; :class:`NotebookError` with a plain reason otherwise."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise NotebookError(f"cannot read it ({error.strerror})", path=path) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError("not a notebook: the file is not UTF-8 text", path=path) from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"not a notebook: invalid JSON at line {error.lineno} column "
                            f"{error.colno} ({error.msg})", path=path) from None
    except RecursionError:
        raise NotebookError("not a notebook: JSON nested too deeply to read", path=path) from None
    if not isinstance(data, dict) or "cells" not in data:
        raise NotebookError("not a notebook: JSON without a list of cells", path=path)
    import nbformat  # a second to import (jsonschema): only where a notebook is read

    try:
        notebook = nbformat.reads(json.dumps(data), as_version=4)  # type: ignore[no-untyped-call]
        nbformat.validate(notebook)
    except (nbformat.ValidationError, ValueError, KeyError, TypeError,
            RecursionError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotebookError(f"not a valid notebook ({first[:200]})", path=path) from None
    return notebook  # type: ignore[no-any-return]


def tags(cell: Any) -> list[str]:
    value = cell.get("metadata", {}).get("tags", [])
    return [str(t) for t in value] if isinstance(value, list) else []


def exercise_of(notebook: nbformat.NotebookNode) -> str | None:
    """The exercise a notebook says it is (its metadata), or None."""
    value = notebook.metadata.get(METADATA_KEY, {})
    name = value.get("exercise") if isinstance(value, dict) else None
    return str(name) if name else None


def missing_cells(notebook: nbformat.NotebookNode, exercise: Exercise) -> list[str]:
    """The learner-cell tags the exercise expects and the notebook has no code cell for."""
    present = {t for cell in notebook.cells if cell.cell_type == "code" for t in tags(cell)}
    return [tag for tag in exercise.cells if tag not in present]


_SELF_CHECK = re.compile(r"\bself_check\b")


def _defines(source: str, names: set[str]) -> bool:
    """Whether ``source`` assigns one of ``names`` (a regular expression when it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return any(re.search(rf"^\s*{re.escape(n)}\s*[:=]", source, re.MULTILINE) for n in names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
            return True
    return False


def is_self_check_cell(cell: Any, answer_variables: set[str]) -> bool:
    """A cell a grading copy drops: tagged ``self-check``, or a code cell that mentions
    ``self_check`` and defines none of the answer variables (an answer is never dropped)."""
    cell_tags = tags(cell)
    if SELF_CHECK_TAG in cell_tags:
        return True
    if cell.get("cell_type") != "code" or any(t.startswith(ANSWER_PREFIX) for t in cell_tags):
        return False
    source = str(cell.get("source", ""))
    return bool(_SELF_CHECK.search(source)) and not _defines(source, answer_variables)


def collector_source(exercise: str, answer_path: str | Path) -> str:
    return ("from balena_lab.exercises.answers import write_answer as _balena_lab_write_answer\n"
            f"_balena_lab_write_answer({exercise!r}, globals(), {str(answer_path)!r})\n")


# Parameters a grading run injects.  What makes the notebook's own self-check do
# nothing is the kernel's environment (GRADING_ENV), which no notebook variable resets: a
# parameters cell that lost its tag gets these injected above it, then undone.
GRADING_PARAMETERS = {"grading": True, "check_builds": False}


def grading_copy(notebook: nbformat.NotebookNode, exercise: str,
                 answer_path: str | Path) -> nbformat.NotebookNode:
    """The notebook to execute for grading (the submission itself is never changed)."""
    import nbformat

    graded = copy.deepcopy(notebook)
    variables = set(get_exercise(exercise).answers)
    cells = []
    for cell in graded.cells:
        cell_tags = tags(cell)
        if COLLECTOR_TAG in cell_tags or is_self_check_cell(cell, variables):
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if RAISES_TAG not in cell_tags:
                cell.metadata["tags"] = [*cell_tags, RAISES_TAG]
        cells.append(cell)
    collector = nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
        collector_source(exercise, answer_path))
    collector.metadata["tags"] = [COLLECTOR_TAG]
    cells.append(collector)
    graded.cells = cells
    graded.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (balena-lab)",
                                     "language": "python"}
    graded.metadata.setdefault(METADATA_KEY, {})["exercise"] = exercise
    return graded


def cell_label(cell: Any, index: int) -> str:
    """How the report names a cell: its answer tag, else its position."""
    for tag in tags(cell):
        if tag.startswith(ANSWER_PREFIX) or tag == PARAMETERS_TAG:
            return f"cell {tag}"
    if COLLECTOR_TAG in tags(cell):
        return "the grader's answer cell"
    return f"cell {index + 1}"


@dataclass(frozen=True)
class ExecutionFacts:
    """What an executed notebook shows: errors per cell, the cell left running, timings."""

    errors: tuple[str, ...] = ()  # "cell answer-x raised NameError: name 'y' is not defined"
    last_started: str | None = None  # the last cell that started: the one running if stopped
    kernel_start: float | None = None  # seconds from papermill's start to the first cell
    cells_run: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def inspect_executed(notebook: nbformat.NotebookNode) -> ExecutionFacts:
    errors, last_started, run = [], None, 0
    first_start = None
    for index, cell in enumerate(notebook.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("start_time") and first_start is None and cell.cell_type == "code":
            first_start = _time(meta["start_time"])
        if meta.get("start_time") and cell.cell_type == "code":
            last_started, run = cell_label(cell, index), run + 1
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                value = str(output.get("evalue", "")).strip().splitlines()
                errors.append(f"{cell_label(cell, index)} raised {output.get('ename')}"
                              + (f": {value[0][:160]}" if value else ""))
    started = _time(notebook.metadata.get("papermill", {}).get("start_time"))
    kernel_start = ((first_start - started).total_seconds()
                    if started is not None and first_start is not None else None)
    return ExecutionFacts(tuple(errors), last_started, kernel_start, run)
