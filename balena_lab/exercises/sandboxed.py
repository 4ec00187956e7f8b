"""``python -m balena_lab.exercises.sandboxed SECONDS``: the grading run inside the sandbox.

This is what runs in a submission's container (:mod:`.sandbox`): it executes
``/work/in.ipynb`` (the grading copy, read-only) with papermill in a kernel of
its own, within ``SECONDS``, everything written going to ``/tmp`` (memory,
counted in the container's limit), and prints one line, :data:`RESULT` then
JSON: how the execution ended, the answer the collector cell wrote, and the
executed notebook.  The grader outside reads that line and nothing else.

A learner's code runs as the same user and could print a line of its own;
it can only ever forge its own result, never read or change anyone else's
(see :mod:`.sandbox` for what the sandbox does and does not stop).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

RESULT = "BALENA-LAB-SANDBOX-RESULT "
NOTEBOOK = Path("/work/in.ipynb")
OUT = Path("/tmp/out")
ANSWER = OUT / "answer.json"
#: What one result may carry back: a bigger executed notebook loses its outputs.
MAX_ANSWER = 4 * 1024 * 1024
MAX_EXECUTED = 8 * 1024 * 1024


def _kernelspec(name: str) -> None:
    """The project's kernel, as this container's Python runs it."""
    folder = Path(os.environ["JUPYTER_PATH"]) / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (balena-lab sandbox)", "language": "python"}))


def _read(path: Path, limit: int) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return None
    return None if len(data) > limit else data.decode("utf-8", errors="replace")


def _executed_text(path: Path) -> str:
    import nbformat

    text = _read(path, MAX_EXECUTED)
    if text is not None:
        return text
    try:  # too big: the cells without their outputs still say what ran
        notebook = nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    except (OSError, ValueError):
        return ""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    return str(nbformat.writes(notebook))[:MAX_EXECUTED]  # type: ignore[no-untyped-call]


def main(argv: list[str]) -> int:
    import nbformat

    from .execution import execute
    from .notebook import GRADING_PARAMETERS, KERNEL_NAME
    from .selfcheck import GRADING_ENV

    seconds = float(argv[0])
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path("/tmp/cwd")
    work.mkdir(exist_ok=True)
    _kernelspec(KERNEL_NAME)
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)  # type: ignore[no-untyped-call]
    executed = OUT / "executed.ipynb"
    execution = execute(notebook, executed, parameters=dict(GRADING_PARAMETERS),
                        timeout=seconds, cwd=work, env={GRADING_ENV: "1"})
    result = {"status": execution.status, "message": execution.message,
              "seconds": execution.seconds, "facts": asdict(execution.facts),
              "answer": _read(ANSWER, MAX_ANSWER), "executed": _executed_text(executed)}
    sys.stdout.write("\n" + RESULT + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
