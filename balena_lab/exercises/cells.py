"""What a learner's answer cells say now, so that the self-check sees what the grader sees.

The grader runs the saved notebook top to bottom in a new kernel, every code
cell but the self-check's.  A
self-check that read the learner's kernel instead would judge whatever is
left there: a variable renamed in its cell still holds its old value in the
kernel, and the self-check would pass an answer the grader fails.  So the
self-check runs those cells afresh, in a namespace of their own, each from:

1. the source the cell last ran with in this kernel: :func:`track_cells`
   (called by ``show_given``, the exercise's first cell) records it, by the
   cell id JupyterLab sends with every execution, so an edit that was run but
   not saved yet counts, as it will once the learner saves (and the self-check
   says to save it);
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
from .notebook import is_self_check_cell, tags

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
class NotebookCell:
    """One code cell as the self-check runs it."""

    tag: str  # its answer tag, or "" for a cell that is not an answer cell
    source: str
    from_kernel: bool  # the source it last ran with (else: as saved in the file)
    saved: str = ""  # its source in the notebook file

    @property
    def unsaved(self) -> bool:
        """It ran with a source the file does not have yet (an edit not saved)."""
        return self.from_kernel and self.source != self.saved


def notebook_path() -> Path | None:
    """The notebook this kernel runs, when Jupyter Server says so and it exists."""
    value = os.environ.get(SESSION_ENV, "")
    path = Path(value).expanduser() if value.endswith(".ipynb") else None
    return path if path is not None and path.is_file() else None


def notebook_cells(exercise: Exercise, path: Path | None = None) -> list[NotebookCell] | None:
    """The code cells the grader runs (every one but the self-check's), in order, each
    with its current source; None when the notebook file cannot be found or read."""
    path = path or notebook_path()
    if path is None:
        return None
    # Plain JSON, not nbformat: nbformat's import costs a second (jsonschema), which
    # the first cell of every exercise notebook would pay.
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    variables = set(exercise.answers)
    found = []
    for raw in cells if isinstance(cells, list) else []:
        if not isinstance(raw, dict) or raw.get("cell_type") != "code":
            continue
        source = raw.get("source", "")
        saved = "".join(source) if isinstance(source, list) else str(source)
        cell = {**raw, "source": saved}
        if is_self_check_cell(cell, variables):
            continue
        tag = next((t for t in tags(cell) if t in exercise.cells), "")
        ran = _latest.get(str(raw.get("id", ""))) if raw.get("id") else None
        found.append(NotebookCell(tag, ran if ran is not None else saved, ran is not None,
                                  saved))
    return found


def run_afresh(cells: list[NotebookCell]) -> tuple[dict[str, Any], list[str]]:
    """The namespace the cells define, run in order in a namespace of their own, and a
    problem for each cell that raised (as the grader reports them)."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    problems = []
    for index, cell in enumerate(cells, start=1):
        name = f"the cell tagged {cell.tag!r}" if cell.tag else f"code cell {index}"
        try:
            exec(compile(cell.source, f"<{name}>", "exec"), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 - the learner's cell: report, go on
            problems.append(f"{name} raised {type(error).__name__}: {error}")
    return namespace, problems
