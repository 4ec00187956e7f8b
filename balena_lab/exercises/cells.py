"""What a learner's answer cells say now, so that the self-check sees what the grader sees.

The grader runs the saved notebook top to bottom in a new kernel.  A
self-check that read the learner's kernel instead would judge whatever is
left there: a variable renamed in its cell still holds its old value in the
kernel, and the self-check would pass an answer the grader fails.  So the
self-check runs the answer cells afresh, in a namespace of their own, from:

1. the source each answer cell last ran with in this kernel: :func:`track_cells`
   (called by ``show_given``, the exercise's first cell) records it, by the
   cell id JupyterLab sends with every execution, so an edit that was run but
   not saved yet counts, as it will once the learner saves;
2. else the cell's source in the notebook file (the kernel's ``JPY_SESSION_NAME``,
   which Jupyter Server sets), for cells that have not run since the kernel started.

Without a notebook file (a plain IPython session) there is nothing to run
afresh, and the self-check says that it judged the kernel's variables.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import Exercise

#: Set by Jupyter Server in a kernel's environment: the path of its notebook.
SESSION_ENV = "JPY_SESSION_NAME"

_latest: dict[str, str] = {}  # cell id -> the source it last ran with
_tracking: list[Any] = []  # the shell whose cells are followed (at most one)


def track_cells() -> None:
    """Follow the cells this IPython kernel runs (idempotent; nothing outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the exercises always run in IPython
        return
    shell = get_ipython()
    if shell is None or shell in _tracking:
        return
    shell.events.register("pre_run_cell", _record)
    _tracking.append(shell)


def tracking() -> bool:
    """True once :func:`track_cells` follows this kernel's cells."""
    return bool(_tracking)


def _record(info: Any) -> None:
    cell_id = getattr(info, "cell_id", None)
    if cell_id:
        _latest[str(cell_id)] = str(info.raw_cell)


@dataclass(frozen=True)
class AnswerCell:
    """One answer cell as the self-check runs it."""

    tag: str
    source: str
    from_kernel: bool  # the source it last ran with (else: as saved in the file)


def notebook_path() -> Path | None:
    """The notebook this kernel runs, when Jupyter Server says so and it exists."""
    value = os.environ.get(SESSION_ENV, "")
    path = Path(value).expanduser() if value.endswith(".ipynb") else None
    return path if path is not None and path.is_file() else None


def answer_cells(exercise: Exercise, path: Path | None = None) -> list[AnswerCell] | None:
    """The exercise's answer cells of the notebook, in order, with their current sources;
    None when the notebook file cannot be found or read."""
    path = path or notebook_path()
    if path is None:
        return None
    # Plain JSON, not nbformat: nbformat's import costs a second (jsonschema), which
    # the first cell of every exercise notebook would pay.
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return None
    found = []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        tag = next((t for t in tags if t in exercise.cells), None) if isinstance(tags,
                                                                                  list) else None
        if tag is None:
            continue
        source = cell.get("source", "")
        saved = "".join(source) if isinstance(source, list) else str(source)
        ran = _latest.get(str(cell.get("id", ""))) if cell.get("id") else None
        found.append(AnswerCell(tag, ran if ran is not None else saved, ran is not None))
    return found


def run_afresh(cells: list[AnswerCell]) -> tuple[dict[str, Any], list[str]]:
    """The namespace the answer cells define, run in order in a namespace of their own,
    and a problem for each cell that raised (as the grader reports them)."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    problems = []
    for cell in cells:
        try:
            exec(compile(cell.source, f"<cell {cell.tag}>", "exec"), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 - the learner's cell: report, go on
            problems.append(f"the cell tagged {cell.tag!r} raised {type(error).__name__}: "
                            f"{error}")
    return namespace, problems
