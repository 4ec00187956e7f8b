"""Grade one submission: read it, run it in its own kernel, check what it defined.

The steps, each of which can end the grading of this submission with one
clear line (and never the grading of the class):

1. read the notebook (not JSON, not a notebook: ``not-a-notebook``);
2. execute a grading copy with papermill (``timeout``, ``kernel-died``,
   ``failed``), the submission file untouched, the executed copy saved;
3. run the exercise's checks on the answer the copy's last cell wrote,
   building and running images labelled with the submission's name.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .._values import JsonValue
from ..errors import EngineUnreachable, NotebookError
from .answers import Answer, parse_answer, run_checks
from .catalog import get_exercise
from .context import CheckOptions
from .core import CheckReport, CheckResult, Exercise
from .execution import Execution, execute
from .limits import DEFAULT_BUILD_TIMEOUT
from .notebook import (
    GRADING_PARAMETERS,
    exercise_of,
    grading_copy,
    missing_cells,
    read_notebook,
)
from .selfcheck import GRADING_ENV

#: ``engine-error``: the Docker engine stopped answering while the checks ran; the grader
#: grades the submission again once it answers, and says so if it never does.
STATUSES = ("graded", "timeout", "kernel-died", "not-a-notebook", "failed", "engine-error")


@dataclass(frozen=True)
class SubmissionResult(JsonValue):
    """The outcome for one learner: status, one clear line, the checks, the times."""

    learner: str
    file: str
    exercise: str
    status: str  # one of STATUSES
    message: str  # the report's one line about how grading went
    report: CheckReport
    notes: tuple[str, ...] = ()  # cell errors, missing cells, answer problems
    seconds: float = 0.0  # everything: execution and checks
    execution_seconds: float = 0.0
    kernel_start: float | None = None
    executed: str | None = None  # the executed copy, relative to the output folder
    images: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> int:
        return self.report.passed

    @property
    def total(self) -> int:
        return self.report.total

    @property
    def score(self) -> float:
        return self.report.score

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["report"] = self.report.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SubmissionResult:
        values = dict(data)
        values["report"] = CheckReport.from_dict(values["report"])
        values["notes"] = tuple(values.get("notes", ()))
        values["images"] = tuple(values.get("images", ()))
        return cls(**values)


def not_checked(exercise: Exercise, reason: str) -> CheckReport:
    """Every check "not checked" for ``reason``: a notebook that never produced an answer
    (the submission's status says why; it scores 0)."""
    return CheckReport(exercise.name, tuple(
        CheckResult(c.id, c.description, "not-checked", f"not checked: {reason}",
                    counts=c.counts) for c in exercise.checks))


def grade_submission(
    path: str | Path,
    exercise: str,
    *,
    learner: str,
    output_dir: str | Path,
    timeout: float | None = None,
    labels: Mapping[str, str] | None = None,
    engine: bool = True,
    file: str | None = None,
    build_timeout: float = DEFAULT_BUILD_TIMEOUT,
    sandbox: bool = False,
) -> SubmissionResult:
    """Grade the notebook at ``path`` for ``exercise``; the executed copy goes to ``output_dir``.

    ``build_timeout``: seconds each build inside a check may take.  ``sandbox``:
    execute the notebook in a container of its own (:mod:`.sandbox`), not in a
    kernel of this machine; the checks run here either way.
    """
    spec = get_exercise(exercise)
    timeout = spec.time_limit if timeout is None else timeout
    started = time.monotonic()
    output_dir = Path(output_dir)
    shown = file or Path(path).name

    def finish(status: str, message: str, report: CheckReport, **extra: Any) -> SubmissionResult:
        return SubmissionResult(learner, shown, spec.name, status, message, report,
                                seconds=time.monotonic() - started, **extra)

    try:
        notebook = read_notebook(path)
    except NotebookError as error:
        return finish("not-a-notebook", error.reason, not_checked(spec, "not a notebook"))

    notes: list[str] = []
    declared = exercise_of(notebook)
    if declared and declared != spec.name:
        notes.append(f"the notebook says it is exercise {declared!r}; graded as {spec.name!r}")
    notes.extend(f"no code cell tagged {tag!r} (deleted, or its tag removed?)"
                 for tag in missing_cells(notebook, spec))

    executed_dir = output_dir / "executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    executed_path = executed_dir / f"{learner}.ipynb"
    if sandbox:
        from .sandbox import execute_sandboxed

        try:
            execution, answer_text = execute_sandboxed(notebook, executed_path,
                                                       exercise=spec.name, timeout=timeout)
        except EngineUnreachable as error:
            message = (f"the Docker engine stopped answering before the notebook ran "
                       f"({error.message}): graded again when it answers")
            return finish("engine-error", message, not_checked(spec, "no answer yet"),
                          notes=tuple(notes))
    else:
        execution, answer_text = _execute_here(notebook, spec.name, executed_path, timeout)
    notes.extend(execution.facts.errors)
    extra = {"execution_seconds": execution.seconds,
             "kernel_start": execution.facts.kernel_start,
             "executed": str(executed_path.relative_to(output_dir))}
    if execution.status != "completed" or answer_text is None:
        status = execution.status if execution.status != "completed" else "failed"
        message = execution.message if execution.status != "completed" else (
            "the notebook ran but its answer could not be collected")
        return finish(status, message, not_checked(spec, message), notes=tuple(notes), **extra)
    try:
        answer = parse_answer(answer_text)
    except (ValueError, KeyError, TypeError) as error:
        return finish("failed", f"the answer could not be read ({error})",
                      not_checked(spec, "no answer"), notes=tuple(notes), **extra)
    return _checked(spec, answer, notes, extra, finish, learner=learner, labels=labels,
                    engine=engine, build_timeout=build_timeout)


def _execute_here(notebook: Any, exercise: str, executed_path: Path,
                  timeout: float) -> tuple[Execution, str | None]:
    """Execute the grading copy in a kernel of this machine; (how it ended, the answer's text)."""
    with tempfile.TemporaryDirectory(prefix="balena-lab-grade-") as scratch:
        answer_path = Path(scratch) / "answer.json"
        work = Path(scratch) / "cwd"
        work.mkdir()
        copy = grading_copy(notebook, exercise, answer_path)
        execution = execute(copy, executed_path, parameters=dict(GRADING_PARAMETERS),
                            timeout=timeout, cwd=work, env={GRADING_ENV: "1"})
        try:
            return execution, answer_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return execution, None

def _checked(spec: Exercise, answer: Answer, notes: list[str], extra: dict[str, Any],
             finish: Callable[..., SubmissionResult], *, learner: str, labels: Mapping[str, str] | None, engine: bool,
             build_timeout: float) -> SubmissionResult:
    """Run the trusted checks on the answer taken out of the executed notebook."""
    notes.extend(answer.problems)
    options = CheckOptions(engine=engine, submission=learner, labels=dict(labels or {}),
                           build_timeout=build_timeout)
    report = run_checks(spec, answer, options)
    if report.engine_failed:
        return finish("engine-error", "the Docker engine stopped answering during the checks: "
                      "not the learner's doing, graded again when it answers",
                      report, notes=tuple(notes), **extra)
    message = f"{report.passed}/{report.total} checks pass"
    failed_build = next((r for r in report.results if r.id == "builds" and r.status == "fail"
                         and not r.detail.startswith("not checked")), None)
    if failed_build is not None:
        message += f"; the build failed: {failed_build.detail.splitlines()[0]}"
    report = CheckReport(report.exercise, report.results,  # problems are in notes already
                         build_log=report.build_log)
    return finish("graded", message, report, notes=tuple(notes), **extra)


def write_result(result: SubmissionResult, path: str | Path) -> None:
    Path(path).write_text(json.dumps(result.to_dict()), encoding="utf-8")

