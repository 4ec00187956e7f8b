"""Grade a class: every submission in its own worker process and kernel, in parallel.

``grade(submissions_dir, exercise, jobs=N)`` finds the submissions and
hands them to ``jobs`` :mod:`.worker` processes (each submission in a kernel
of its own; a worker that hangs past the hard limit is killed and replaced, one
that dies is reported as dead, not as a timeout, and replaced),
collects one
:class:`~.submission.SubmissionResult` per learner whatever happens to the
worker, writes the class report (CSV and HTML) and removes the images the
run built (labelled ``io.balena-lab.grading-run=<run id>``) unless asked to
keep them.  The submissions folder is only ever read.
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from queue import Empty, Queue

from ..errors import GradingError
from .catalog import get_exercise
from .context import GRADING_RUN_LABEL, remove_images
from .limits import DEFAULT_BUILD_TIMEOUT
from .processes import kill_tree
from .report import ClassReport, write_reports
from .submission import SubmissionResult, not_checked

# Seconds a worker may spend after its notebook's time limit: checks build and run images.
CHECK_BUDGET = 600.0
# Set in a worker's environment (and so its kernels'): finds what a dead worker left running.
WORKER_ENV = "BALENA_LAB_WORKER"
__all__ = ["CHECK_BUDGET", "discover", "grade", "remove_images"]
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def discover(submissions_dir: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(learner id, path) of every submission, and the files left out with why.

    A submission is any file named ``*.ipynb`` (any case) below the folder; a
    learner id is its path without the suffix, made safe and unique.  Hidden
    files and ``.ipynb_checkpoints`` are left out; other files are listed.
    """
    found: list[tuple[str, Path]] = []
    skipped: list[str] = []
    taken: set[str] = set()
    for path in sorted(submissions_dir.rglob("*")):
        relative = path.relative_to(submissions_dir)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() != ".ipynb":
            skipped.append(f"{relative.as_posix()}: not a .ipynb file, left out")
            continue
        base = _SAFE.sub("-", relative.with_suffix("").as_posix().replace("/", "--")).strip("-.")
        learner, n = base or "submission", 2
        while learner.lower() in taken:
            learner, n = f"{base}-{n}", n + 1
        taken.add(learner.lower())
        found.append((learner, path))
    return found, skipped


class _Worker:
    """One worker process (see :mod:`.worker`), grading submissions one after another."""

    def __init__(self, log: Path) -> None:
        self.log = open(log, "ab")  # noqa: SIM115 - closed in close()
        self.token = uuid.uuid4().hex
        self.process = subprocess.Popen(
            [sys.executable, "-m", "balena_lab.exercises.worker", "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", WORKER_ENV: self.token},
        )

    def grade(self, spec: dict[str, object], hard_limit: float) -> str:
        """Send one submission: ``done``, ``timeout`` (no answer within ``hard_limit``)
        or ``died`` (the worker exited: its output ended)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps(spec).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            return "died"
        ready, _, _ = select.select([self.process.stdout], [], [], hard_limit)
        if not ready:
            return "timeout"
        line = self.process.stdout.readline()
        return "done" if line.strip() == b"done" else "died"

    def close(self, kill: bool = False) -> None:
        if kill:
            kill_tree(self.process.pid, env=(WORKER_ENV, self.token))
        elif self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_tree(self.process.pid, env=(WORKER_ENV, self.token))
            self.process.wait()
        self.log.close()


def _result_or_failure(spec: dict[str, object], outcome: str, hard_limit: float,
                       seconds: float, log: Path) -> SubmissionResult:
    result_path = Path(str(spec["result"]))
    if outcome == "done" and result_path.exists():
        try:
            return SubmissionResult.from_dict(json.loads(result_path.read_text("utf-8")))
        except (ValueError, KeyError, TypeError, RecursionError):
            pass
    exercise = get_exercise(str(spec["exercise"]))
    if outcome == "timeout":
        status, message = "timeout", f"the worker was stopped at the hard limit of {hard_limit:g} s"
    elif outcome == "died":
        status, message = "failed", ("the grader's worker died while grading this submission "
                                     f"(did a cell kill its parent process?); see {log}")
    else:
        status, message = "failed", f"the grader's worker failed: see {log}"
    return SubmissionResult(str(spec["learner"]), str(spec["file"]), exercise.name, status,
                            message, not_checked(exercise, message), seconds=seconds)


def grade(
    submissions_dir: str | Path,
    exercise: str,
    *,
    jobs: int = 2,
    output_dir: str | Path | None = None,
    timeout: float | None = None,
    keep_images: bool = False,
    on_result: Callable[[SubmissionResult], None] | None = None,
    build_timeout: float = DEFAULT_BUILD_TIMEOUT,
) -> ClassReport:
    """Grade every submission in ``submissions_dir`` for ``exercise``; write and return the report.

    ``jobs``: submissions graded at once (each a worker process with a
    kernel).  ``output_dir``: where the report (``report.csv``,
    ``report.html``), the executed copies and the workers' logs go; by
    default ``<submissions_dir>-graded`` next to it.  ``timeout``: seconds
    each notebook may run (default: the exercise's ``time_limit``).  ``on_result`` sees each result as it arrives.
    ``build_timeout``: seconds each build inside a check may take.
    """
    spec = get_exercise(exercise)
    timeout = spec.time_limit if timeout is None else timeout
    source = Path(submissions_dir).resolve()
    if not source.is_dir():
        raise GradingError(f"{submissions_dir}: no such folder")
    if jobs < 1 or not all(math.isfinite(t) and t > 0 for t in (timeout, build_timeout)):
        raise GradingError("--jobs must be at least 1, --timeout and --build-timeout positive "
                           f"numbers of seconds (not {timeout:g} and {build_timeout:g})")
    output = Path(output_dir).resolve() if output_dir else source.with_name(source.name + "-graded")
    if output == source or source in output.parents:
        raise GradingError(f"the output folder {output} is inside the submissions folder",
                           fix="choose an --output outside it: submissions are never modified")
    submissions, skipped = discover(source)
    if not submissions:
        raise GradingError(f"{submissions_dir}: no .ipynb files to grade")
    output.mkdir(parents=True, exist_ok=True)
    work = output / "logs"
    work.mkdir(exist_ok=True)
    run_id = uuid.uuid4().hex[:12]
    started = time.monotonic()

    queue: Queue[tuple[int, str, Path]] = Queue()
    for index, (learner, path) in enumerate(submissions):
        queue.put((index, learner, path))
    results: dict[int, SubmissionResult] = {}
    hard_limit = timeout + CHECK_BUDGET

    def slot(number: int) -> None:
        log = work / f"worker-{number}.log"
        worker: _Worker | None = None
        try:
            while True:
                try:
                    index, learner, path = queue.get_nowait()
                except Empty:
                    return
                worker = worker or _Worker(log)
                spec: dict[str, object] = {
                    "path": str(path), "exercise": spec_name, "learner": learner,
                    "output_dir": str(output), "timeout": timeout,
                    "build_timeout": build_timeout,
                    "labels": {GRADING_RUN_LABEL: run_id},
                    "file": path.relative_to(source).as_posix(),
                    "result": str(work / f"{learner}.result.json"),
                }
                begun = time.monotonic()
                outcome = worker.grade(spec, hard_limit)
                if outcome != "done":  # hung or dead: replace it
                    worker.close(kill=True)
                    worker = None
                result = _result_or_failure(spec, outcome, hard_limit,
                                            time.monotonic() - begun, log)
                results[index] = result
                if on_result:
                    on_result(result)
        finally:
            if worker is not None:
                worker.close()

    spec_name = spec.name
    threads = [threading.Thread(target=slot, args=(n,), daemon=True)
               for n in range(min(jobs, len(submissions)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = [results[i] for i in range(len(submissions)) if i in results]
    removed = [] if keep_images else remove_images(run_id)
    report = ClassReport(
        exercise=spec.name, run_id=run_id, results=tuple(ordered), skipped=tuple(skipped),
        wall_seconds=time.monotonic() - started, jobs=jobs, timeout=timeout,
        images_removed=tuple(removed), images_kept=keep_images, output_dir=str(output),
        check_ids=tuple(c.id for c in spec.checks),
    )
    write_reports(report, output)
    return report
