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
from collections.abc import Callable, Iterable
from pathlib import Path
from queue import Empty, Queue

from ..errors import EngineUnreachable, GradingError
from .catalog import get_exercise
from .context import GRADING_RUN_LABEL, remove_images
from .limits import DEFAULT_BUILD_TIMEOUT, ENGINE_WAIT
from .processes import kill_tree
from .report import ClassReport, write_reports
from .submission import SubmissionResult, not_checked

# Seconds a worker may spend after its notebook's time limit: checks build and run images.
CHECK_BUDGET = 600.0
# Set in a worker's environment (and so its kernels'): finds what a dead worker left running.
WORKER_ENV = "BALENA_LAB_WORKER"
__all__ = ["CHECK_BUDGET", "ENGINE_WAIT", "discover", "grade", "remove_images"]
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
    engine_wait: float = ENGINE_WAIT,
    on_wait: Callable[[str], None] | None = None,
    sandbox: bool = True,
) -> ClassReport:
    """Grade every submission in ``submissions_dir`` for ``exercise``; write and return the report.

    ``jobs``: submissions graded at once (each a worker process with a
    kernel).  ``output_dir``: where the report (``report.csv``,
    ``report.html``), the executed copies and the workers' logs go; by
    default ``<submissions_dir>-graded`` next to it.  ``timeout``: seconds
    each notebook may run (default: the exercise's ``time_limit``).  ``on_result`` sees each result as it arrives.
    ``build_timeout``: seconds each build inside a check may take.
    ``sandbox``: each notebook runs in a container of its own (:mod:`.sandbox`);
    False runs it in a kernel of this machine, with the grader's privileges.

    Submissions the engine's outage left ungraded (``engine-error``) are
    graded again once the engine answers, waiting at most ``engine_wait``
    seconds for it (``on_wait`` hears why); those still ungraded stay
    ``engine-error`` in the report.  The report is rewritten, marked partial,
    after every result, so a grader that is killed leaves what it finished.
    Ctrl-C stops the workers and their kernels, removes the run's images and
    leaves the partial report, then raises KeyboardInterrupt.
    """
    spec = get_exercise(exercise)
    timeout = spec.time_limit if timeout is None else timeout
    source = Path(submissions_dir).resolve()
    if not source.is_dir():
        raise GradingError(f"{submissions_dir}: no such folder")
    if jobs < 1 or not all(math.isfinite(t) and t > 0 for t in (timeout, build_timeout)):
        raise GradingError("--jobs must be at least 1, --timeout and --build-timeout positive "
                           f"numbers of seconds (not {timeout:g} and {build_timeout:g})")
    if not (math.isfinite(engine_wait) and engine_wait >= 0):
        raise GradingError(f"--engine-wait must be a number of seconds, 0 or more "
                           f"(not {engine_wait:g})")
    output = Path(output_dir).resolve() if output_dir else source.with_name(source.name + "-graded")
    if output == source or source in output.parents:
        raise GradingError(f"the output folder {output} is inside the submissions folder",
                           fix="choose an --output outside it: submissions are never modified")
    submissions, skipped = discover(source)
    if not submissions:
        raise GradingError(f"{submissions_dir}: no .ipynb files to grade")
    if sandbox:
        _prepare_sandbox()
    output.mkdir(parents=True, exist_ok=True)
    run = _Run(spec.name, source, output, submissions, jobs=jobs, timeout=timeout,
               build_timeout=build_timeout, on_result=on_result, sandbox=sandbox)

    def report(complete: bool, removed: tuple[str, ...] = ()) -> ClassReport:
        ordered = [run.results[i] for i in range(len(submissions)) if i in run.results]
        return ClassReport(
            exercise=spec.name, run_id=run.run_id, results=tuple(ordered),
            skipped=tuple(skipped), wall_seconds=time.monotonic() - run.started, jobs=jobs,
            timeout=timeout, images_removed=removed, images_kept=keep_images,
            output_dir=str(output), check_ids=tuple(c.id for c in spec.checks),
            complete=complete, expected=len(submissions))

    run.after_each = lambda: write_reports(report(complete=False), output)
    try:
        run.grade(range(len(submissions)))
        lost = [i for i, r in run.results.items() if r.status == "engine-error"]
        if lost and _engine_answers(engine_wait, len(lost), on_wait):
            run.grade(lost)
    except KeyboardInterrupt:
        run.stop()
        if not keep_images:
            remove_images(run.run_id)
        raise
    removed = () if keep_images else tuple(remove_images(run.run_id))
    final = report(complete=True, removed=removed)
    write_reports(final, output)
    return final


def _prepare_sandbox() -> None:
    """Make the sandbox image now, so a missing base image stops grading before it starts.

    An engine that does not answer yet is no reason to stop: each submission is then
    ``engine-error``, graded again when it answers.
    """
    from .sandbox import ensure_image

    try:
        ensure_image()
    except EngineUnreachable:
        pass


def _engine_answers(wait: float, count: int, on_wait: Callable[[str], None] | None) -> bool:
    """Wait up to ``wait`` seconds for the engine to answer again; did it?"""
    from ..engine.client import connect

    if on_wait:
        on_wait(f"the Docker engine stopped answering while {count} submission(s) were "
                f"checked; waiting up to {wait:g} s for it to grade them again")
    deadline = time.monotonic() + wait
    while True:
        try:
            connect(ping_timeout=min(5.0, max(0.5, deadline - time.monotonic()))).close()
            return True
        except EngineUnreachable:
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))


class _Run:
    """One grading run: the queue of submissions, the job slots, the results so far."""

    def __init__(self, exercise: str, source: Path, output: Path,
                 submissions: list[tuple[str, Path]], *, jobs: int, timeout: float,
                 build_timeout: float,
                 on_result: Callable[[SubmissionResult], None] | None,
                 sandbox: bool) -> None:
        self.exercise, self.source, self.output = exercise, source, output
        self.submissions, self.jobs = submissions, jobs
        self.timeout, self.build_timeout = timeout, build_timeout
        self.on_result = on_result
        self.sandbox = sandbox
        self.after_each: Callable[[], object] | None = None
        self.run_id = uuid.uuid4().hex[:12]
        self.started = time.monotonic()
        self.results: dict[int, SubmissionResult] = {}
        self.logs = output / "logs"
        self.logs.mkdir(exist_ok=True)
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def grade(self, indexes: Iterable[int]) -> None:
        queue: Queue[int] = Queue()
        for index in indexes:
            queue.put(index)
        threads = [threading.Thread(target=self._slot, args=(n, queue), daemon=True)
                   for n in range(min(self.jobs, queue.qsize()))]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)  # a short join: Ctrl-C is seen at once

    def stop(self) -> None:
        """Kill every worker (and its kernel, and what they started) now."""
        self._stopping.set()
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.close(kill=True)

    def _slot(self, number: int, queue: Queue[int]) -> None:
        log = self.logs / f"worker-{number}.log"
        worker: _Worker | None = None
        try:
            while not self._stopping.is_set():
                try:
                    index = queue.get_nowait()
                except Empty:
                    return
                learner, path = self.submissions[index]
                if worker is None:
                    worker = _Worker(log)
                    with self._lock:
                        self._workers.add(worker)
                spec: dict[str, object] = {
                    "path": str(path), "exercise": self.exercise, "learner": learner,
                    "output_dir": str(self.output), "timeout": self.timeout,
                    "build_timeout": self.build_timeout, "sandbox": self.sandbox,
                    "labels": {GRADING_RUN_LABEL: self.run_id},
                    "file": path.relative_to(self.source).as_posix(),
                    "result": str(self.logs / f"{learner}.result.json"),
                }
                begun = time.monotonic()
                hard_limit = self.timeout + CHECK_BUDGET
                outcome = worker.grade(spec, hard_limit)
                if self._stopping.is_set():
                    return  # interrupted: what this worker was doing is not a result
                if outcome != "done":  # hung or dead: replace it
                    self._forget(worker).close(kill=True)
                    worker = None
                result = _result_or_failure(spec, outcome, hard_limit,
                                            time.monotonic() - begun, log)
                with self._lock:
                    self.results[index] = result
                    if self.after_each is not None:
                        self.after_each()
                if self.on_result:
                    self.on_result(result)
        finally:
            if worker is not None:
                self._forget(worker).close(kill=self._stopping.is_set())

    def _forget(self, worker: _Worker) -> _Worker:
        with self._lock:
            self._workers.discard(worker)
        return worker
