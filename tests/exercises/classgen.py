"""Reference solutions and generated classes of submissions, for the tests and the benchmark.

The reference solutions live in ``tests/exercises/solutions/<exercise>.py``,
outside ``notebooks/`` (JupyterLab's root in ``make masterclass``, so learners
never see them) and outside the installed package.  Each is one
``# %% [answer-tag]`` block per learner cell: a solved notebook is the
starter with those cells' sources replaced.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

from balena_lab.exercises import get_exercise
from balena_lab.exercises.notebook import tags

ROOT = Path(__file__).resolve().parents[2]
STARTERS = ROOT / "notebooks" / "exercises"
SOLUTIONS = Path(__file__).resolve().parent / "solutions"
_BLOCK = re.compile(r"^# %% \[([a-z0-9-]+)\]\n", re.MULTILINE)


def solution_cells(exercise: str) -> dict[str, str]:
    """answer tag -> the reference source of that cell."""
    text = (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")
    parts = _BLOCK.split(text)
    return {parts[i]: parts[i + 1].strip() + "\n" for i in range(1, len(parts), 2)}


def solution_namespace(exercise: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    for source in solution_cells(exercise).values():
        exec(source, namespace)  # noqa: S102 - our own reference solution
    return namespace


def starter(exercise: str) -> nbformat.NotebookNode:
    return nbformat.read(STARTERS / get_exercise(exercise).notebook, as_version=4)


def starter_namespace(exercise: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    for cell in starter(exercise).cells:
        if any(t.startswith("answer-") for t in tags(cell)):
            exec(cell.source, namespace)  # noqa: S102 - the starter's own cell
    return namespace


def with_answers(notebook: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    out = copy.deepcopy(notebook)
    for cell in out.cells:
        for tag in tags(cell):
            if tag in answers:
                cell.source = answers[tag]
    return out


def solved(exercise: str) -> nbformat.NotebookNode:
    return with_answers(starter(exercise), solution_cells(exercise))


def _answer_tag(exercise: str) -> str:
    return next(iter(get_exercise(exercise).cells))


def variant(exercise: str, kind: str) -> nbformat.NotebookNode | str:
    """A submission of ``kind``; a str is raw file text (for broken files).

    ``wrong:<label>`` and ``fake:<check>`` are the answers of ``wrong_answers.py``."""
    tag = _answer_tag(exercise)
    if kind.startswith(("wrong:", "fake:")):
        from .wrong_answers import FAKES, WRONG

        which, label = kind.split(":", 1)
        return with_answers(solved(exercise), {tag: (WRONG if which == "wrong" else FAKES)[
            exercise][label]})
    if kind == "correct":
        return solved(exercise)
    if kind == "untouched":
        return starter(exercise)
    if kind == "broken-json":
        return nbformat.writes(solved(exercise))[:-40] + "\n,,}"
    if kind == "infinite-loop":
        return with_answers(solved(exercise), {tag: "while True:\n    pass\n"})
    if kind == "crashed-kernel":
        return with_answers(solved(exercise), {tag: "import os\nos._exit(1)\n"})
    if kind == "cell-error":
        return with_answers(solved(exercise), {tag: "DOCKERFILE = undefined_name\n"})
    if kind == "deleted-answer":
        notebook = solved(exercise)
        notebook.cells = [c for c in notebook.cells if tag not in tags(c)]
        return notebook
    if kind == "reordered":
        # Every cell but the answer deleted, the answer moved first: still a full answer.
        notebook = solved(exercise)
        keep = [c for c in notebook.cells if tag in tags(c)]
        notebook.cells = keep + [c for c in notebook.cells if "parameters" in tags(c)]
        return notebook
    if kind == "untagged-parameters":
        # The parameters and self-check cells lost their tags: papermill injects its
        # parameters at the top, and the old cell then sets grading = False again.
        notebook = solved(exercise)
        for cell in notebook.cells:
            if "parameters" in tags(cell) or "self-check" in tags(cell):
                cell.metadata["tags"] = []
        return notebook
    if kind == "kills-worker":
        return with_answers(solved(exercise), {tag: (
            "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")})
    if kind == "failing-build":
        assert exercise == "dockerfile-basics"
        return with_answers(solved(exercise), {tag: (
            'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\nRUN echo broken && exit 3\n'
            'COPY hello.sh /usr/src/app/hello.sh\nCMD ["sh", "/usr/src/app/hello.sh"]\n"""\n')})
    if kind == "wrong":
        assert exercise == "dockerfile-basics"
        return with_answers(solved(exercise), {tag: (
            'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\nCMD ["sh", "/hello.sh"]\n'
            'ADD hello.sh /hello.sh\n"""\n')})
    raise ValueError(kind)


def write_class(folder: Path, exercise: str, kinds: Iterable[str]) -> dict[str, str]:
    """Write one submission per kind into ``folder``; returns learner id -> kind."""
    folder.mkdir(parents=True, exist_ok=True)
    learners = {}
    for index, kind in enumerate(kinds):
        name = f"learner{index:02d}-{kind.replace(':', '-')}"
        content = variant(exercise, kind)
        # a renamed file: odd case and spaces, as downloads from a learning platform look
        file_name = f"{name}.ipynb" if index % 5 != 3 else f"Copy of {name} (1).IPYNB"
        text = content if isinstance(content, str) else nbformat.writes(content)
        (folder / file_name).write_text(text, encoding="utf-8")
        learners[Path(file_name).stem.replace(" ", "-").replace("(", "").replace(")", "")] = kind
    return learners
