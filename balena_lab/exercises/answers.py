"""From a learner's variables to a checked answer.

The learner's cells define variables (``DOCKERFILE = \"\"\"...\"\"\"``); the
exercise says which file of the project each one becomes.  A variable mapped
to ``"*"`` holds a dict of files (``{"Dockerfile.raspberrypi4-64": "..."}``)
for exercises where choosing the file name is part of the answer.
:func:`collect_answer` turns a namespace into files plus plain-language
problems; :func:`run_checks` runs the exercise's checks on them.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._values import JsonValue
from ..errors import BalenaLabError, EngineUnreachable
from .catalog import get_exercise
from .core import Check, CheckFailed, CheckReport, CheckResult, Exercise, Status

if TYPE_CHECKING:
    from .context import CheckContext, CheckOptions

MAX_DETAIL = 700
FILES_VARIABLE = "*"


@dataclass(frozen=True)
class Answer(JsonValue):
    """The learner's files (path -> text) and what was wrong with the variables."""

    exercise: str
    files: Mapping[str, str]
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "files": dict(self.files),
                "problems": list(self.problems)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answer:
        return cls(str(data["exercise"]), dict(data.get("files", {})),
                   tuple(data.get("problems", ())))


def _file_name_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "a file name must be a non-empty string"
    if any(ord(c) < 32 for c in name):
        return f"{name!r} has a control character in it"
    normalized = posixpath.normpath(name)
    if (name.startswith("/") or normalized == ".." or normalized.startswith("../")
            or "\\" in name):
        return f"{name!r} is not a path inside the project"
    if normalized == "." or name.endswith("/"):
        return f"{name!r} names a folder, not a file"
    return None


def _clash(name: str, taken: Mapping[str, object]) -> str | None:
    """The file already in ``taken`` that ``name`` cannot sit beside (a file used as a
    folder, or a folder used as a file), or None."""
    parts = name.split("/")
    for cut in range(1, len(parts)):
        if "/".join(parts[:cut]) in taken:
            return "/".join(parts[:cut])
    prefix = name + "/"
    return next((other for other in taken if other.startswith(prefix)), None)


def collect_answer(exercise: Exercise | str, namespace: Mapping[str, Any]) -> Answer:
    """The files the learner's variables in ``namespace`` define, and any problems."""
    exercise = get_exercise(exercise) if isinstance(exercise, str) else exercise
    files: dict[str, str] = {}
    problems: list[str] = []
    for variable, target in exercise.answers.items():
        if variable not in namespace:
            cells = [tag for tag, names in exercise.cells.items() if variable in names]
            where = f" (cell tagged {cells[0]!r})" if cells else ""
            problems.append(f"{variable} is not defined: was its cell{where} deleted or not run?")
            continue
        value = namespace[variable]
        if target == FILES_VARIABLE:
            if not isinstance(value, dict):
                problems.append(f"{variable} should be a dict of file name -> text, "
                                f"not {type(value).__name__}")
                continue
            for name, text in value.items():
                problem = _file_name_problem(name)
                if problem is None and not isinstance(text, str):
                    problem = f"{variable}[{name!r}] should be text, not {type(text).__name__}"
                normalized = posixpath.normpath(name) if problem is None else ""
                if problem is None and normalized in files:
                    problem = f"{name!r} names the same file as another entry"
                clash = None if problem else _clash(normalized, {**exercise.given, **files})
                if clash is not None:
                    problem = (f"{name!r} cannot be written: {clash!r} would have to be both "
                               "a file and a folder")
                if problem:
                    problems.append(f"{variable}: {problem}")
                else:
                    files[normalized] = text
        elif isinstance(value, str):
            files[target] = value
        else:
            problems.append(f"{variable} should be text (a string), not {type(value).__name__}")
    return Answer(exercise.name, files, tuple(problems))


def project_files(exercise: Exercise, answer: Answer,
                  marker: str | None = None) -> dict[str, str | bytes]:
    """The project checked: the exercise's given files, the learner's on top, and last the
    files the exercise stamps with this run's ``marker`` (a learner cannot replace them)."""
    files: dict[str, str | bytes] = {**exercise.given, **answer.files}
    if marker is not None and exercise.stamped is not None:
        files.update(exercise.stamped(marker))
    return files


def _shorten(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 3] + "..."


def run_checks(exercise: Exercise | str, answer: Answer,
               options: CheckOptions | None = None) -> CheckReport:
    """Run every check of ``exercise`` on ``answer``, in order; never raises for the answer.

    One root cause gives one failure: a check whose ``after`` checks did not
    pass, or that meets the very error an earlier check failed with (a
    memoized build, say), is "not checked" and has no hint of its own.
    Errors are worded for a notebook (:meth:`BalenaLabError.for_notebook`).
    """
    from .context import CheckContext, CheckOptions, new_marker  # the engine: only here

    exercise = get_exercise(exercise) if isinstance(exercise, str) else exercise
    options = options or CheckOptions()
    results: dict[str, CheckResult] = {}
    marker = new_marker()
    try:
        context = CheckContext(exercise.name, project_files(exercise, answer, marker), options,
                               marker)
    except (OSError, ValueError) as error:  # files collect_answer let through, yet unwritable
        reason = f"the answer's files could not be written ({error})"
        return CheckReport(exercise.name, tuple(
            CheckResult(c.id, c.description, "not-checked", f"not checked: {reason}",
                        counts=c.counts)
            for c in exercise.checks), (*answer.problems, reason))
    causes: dict[str, str] = {}  # an error a check failed with -> that check
    with context:
        for check in exercise.checks:
            results[check.id] = _one(check, context, options, results, causes)
        log = tuple(line.replace(f"{context.project}/", "") for line in context.build_log)
    return CheckReport(exercise.name, tuple(results.values()), answer.problems, log)


def _one(check: Check, context: CheckContext, options: CheckOptions,
         results: Mapping[str, CheckResult], causes: dict[str, str]) -> CheckResult:
    def result(status: Status, detail: str = "", hint: str = "") -> CheckResult:
        return CheckResult(check.id, check.description, status, detail, hint, check.counts)

    if check.needs_engine and not options.engine:
        return result("skip", "builds and runs an image: set check_builds = True to include it")
    lost = next((r for r in results.values() if r.status == "engine-error"), None)
    if lost is not None and check.needs_engine:
        return result("engine-error", f"not checked: {lost.detail.removeprefix('not checked: ')}")
    blocked = [dep for dep in check.after if results[dep].status != "pass"]
    if blocked:
        if all(results[d].status == "skip" for d in blocked):
            return result("skip", f"not checked: {', '.join(blocked)} skipped")
        return result("not-checked", f"not checked: {', '.join(blocked)} did not pass")
    try:
        detail = check.function(context)
    except EngineUnreachable as error:
        # The engine's fault, never the answer's: not a failure, and graded again later.
        return result("engine-error", f"the Docker engine stopped answering ({error.message})")
    except (BalenaLabError, CheckFailed) as error:
        # The same error an earlier check failed with (a memoized build or resolution,
        # an empty file): that check has said it, with its hint.
        cause = f"{type(error).__name__}: {error}"
        if cause in causes:
            return result("not-checked", f"not checked: the same problem as {causes[cause]}")
        causes[cause] = check.id
        detail = error.for_notebook() if isinstance(error, BalenaLabError) else str(error)
    except Exception as error:  # noqa: BLE001 - a bug in a check: say so, keep grading
        return result("error", f"the check itself failed ({type(error).__name__}: {error})")
    if detail is None:
        return result("pass")
    # Files are named as the learner knows them, not by the check's scratch folder.
    return result("fail", _shorten(detail.replace(f"{context.project}/", "")), check.hint)


def write_answer(exercise: str, namespace: Mapping[str, Any], path: str | Path) -> None:
    """Collect the answer in ``namespace`` and write it as JSON to ``path`` (for grading)."""
    answer = collect_answer(exercise, namespace)
    Path(path).write_text(json.dumps(answer.to_dict()), encoding="utf-8")


def read_answer(path: str | Path) -> Answer:
    """The answer written by :func:`write_answer`; ValueError when it cannot be read."""
    return parse_answer(Path(path).read_text(encoding="utf-8"), str(path))


def parse_answer(text: str, where: str = "the answer") -> Answer:
    """An answer from its JSON text (what :func:`write_answer` writes); ValueError if not one."""
    try:
        data = json.loads(text)
    except RecursionError:  # a learner's value nested thousands deep
        raise ValueError(f"{where}: the answer is nested too deeply to read") from None
    if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
        raise ValueError(f"{where}: not an answer")  # noqa: TRY004 - callers catch ValueError
    return Answer.from_dict(data)
