"""Grading when the engine fails or the grader is stopped: never blamed on a learner, nothing lost.

Real runs: the engine sits behind :class:`~tests.engine.faulty_engine.CuttableEngine`
(its connections dropped, then let through again) or is simply absent, and
the grader is a real ``balena-lab grade`` process sent SIGINT or SIGKILL.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import docker
import psutil
import pytest

from balena_lab.exercises import SubmissionResult, grade
from balena_lab.exercises.context import GRADING_RUN_LABEL
from tests.engine.faulty_engine import CuttableEngine, cuttable_engine

from .classgen import write_class

pytestmark = [pytest.mark.docker, pytest.mark.slow]
EXERCISE = "dockerfile-basics"
engine = cuttable_engine


@pytest.mark.parametrize("sandbox", [True, False], ids=["sandbox", "local-kernel"])
def test_an_outage_is_engine_error_and_graded_again_when_the_engine_answers(
    engine: CuttableEngine, tmp_path: Path, base_images: dict[str, str], sandbox: bool
) -> None:
    write_class(tmp_path / "in", EXERCISE, ["correct"])
    seen: list[SubmissionResult] = []

    def on_result(result: SubmissionResult) -> None:
        seen.append(result)
        engine.restore()  # the engine comes back after the first pass

    engine.cut()
    report = grade(tmp_path / "in", EXERCISE, jobs=1, output_dir=tmp_path / "out",
                   on_result=on_result, engine_wait=60, sandbox=sandbox)
    assert [r.status for r in seen] == ["engine-error", "graded"]
    lost = seen[0].report
    assert not any(c.status == "fail" for c in lost.results), "the outage is not the learner's"
    if not sandbox:  # the notebook ran here; the outage met the checks
        assert any(c.status == "engine-error" for c in lost.results)
    (result,) = report.results
    assert result.status == "graded" and result.score == 1.0
    assert not report.engine_errors and report.complete
    assert not list((tmp_path / "out").glob("*.partial.*"))


def test_an_engine_that_never_answers_leaves_them_ungraded_and_exits_3(
    tmp_path: Path, base_images: dict[str, str]
) -> None:
    write_class(tmp_path / "in", EXERCISE, ["correct", "wrong"])
    nowhere = f"unix://{tmp_path}/no-engine.sock"
    process = subprocess.run(
        [sys.executable, "-m", "balena_lab", "grade", str(tmp_path / "in"), "--exercise",
         EXERCISE, "--output", str(tmp_path / "out"), "--engine-wait", "2"],
        capture_output=True, text=True, env={**os.environ, "DOCKER_HOST": nowhere}, timeout=300,
        check=False)
    assert process.returncode == 3, process.stderr
    assert "Traceback" not in process.stderr
    assert "waiting up to 2 s" in process.stderr
    assert "2 submission(s) NOT GRADED" in process.stdout
    grades = list(csv.reader((tmp_path / "out" / "grades.csv").open()))
    assert all(row[-1] == "" for row in grades[1:])  # no score, not 0
    rows = list(csv.DictReader((tmp_path / "out" / "report.csv").open()))
    assert {row["status"] for row in rows} == {"engine-error"}


def _workers_of(grader: int) -> list[psutil.Process]:
    """Processes of a grading run: its workers and their kernels (by their environment)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if "balena_lab.exercises.worker" in " ".join(process.info["cmdline"] or ()) or \
                    "BALENA_LAB_WORKER" in process.environ():
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return [p for p in found if p.pid != grader]


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.3)
    return False


def _grader(tmp_path: Path, kinds: list[str]) -> subprocess.Popen[str]:
    write_class(tmp_path / "in", EXERCISE, kinds)
    return subprocess.Popen(
        [sys.executable, "-m", "balena_lab", "grade", str(tmp_path / "in"), "--exercise",
         EXERCISE, "--output", str(tmp_path / "out"), "--jobs", "1", "--timeout", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_containers(client: docker.DockerClient) -> set[str]:
    return {c.id for c in client.containers.list(all=True,
                                                 filters={"label": "io.balena-lab.kind=run"})}


def _partial(tmp_path: Path) -> dict[str, object] | None:
    page = tmp_path / "out" / "report.partial.csv"
    return {"rows": page.read_text().count("\n") - 1} if page.exists() else None


def test_ctrl_c_stops_workers_and_kernels_and_leaves_a_partial_report(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    before = _run_containers(docker_client)
    grader = _grader(tmp_path, ["correct", "infinite-loop", "correct"])
    try:
        # After the first result: the second learner's endless loop is running.
        assert _wait_for(lambda: _partial(tmp_path), 120), "no partial report"
        grader.send_signal(signal.SIGINT)
        _, stderr = grader.communicate(timeout=60)
    finally:
        grader.kill()
    assert grader.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert _wait_for(lambda: not _workers_of(grader.pid), 15), _workers_of(grader.pid)
    page = (tmp_path / "out" / "report.partial.html").read_text()
    assert "PARTIAL REPORT: 1 of 3 submissions graded" in page
    assert not (tmp_path / "out" / "report.html").exists()  # never passed off as finished
    run_id = re.search(r"run <code>([0-9a-f]+)</code>", page)[1]  # type: ignore[index]
    assert not docker_client.images.list(filters={"label": f"{GRADING_RUN_LABEL}={run_id}"})
    # The sandbox of the learner it interrupted goes too: its reaper outlives the workers.
    assert _wait_for(lambda: not _run_containers(docker_client) - before, 30), (
        _run_containers(docker_client) - before)


def test_a_killed_grader_leaves_a_marked_partial_report(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    before = _run_containers(docker_client)
    grader = _grader(tmp_path, ["correct", "infinite-loop"])
    try:
        assert _wait_for(lambda: _partial(tmp_path), 120), "no partial report"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.communicate()
    # Killed, it removes nothing itself: the reapers remove its sandbox containers.
    assert _wait_for(lambda: not _run_containers(docker_client) - before, 30), (
        _run_containers(docker_client) - before)
    page = (tmp_path / "out" / "report.partial.html").read_text()
    assert "PARTIAL REPORT: 1 of 2 submissions graded" in page
    assert not (tmp_path / "out" / "report.html").exists()
    # A killed grader cannot clean up: the page names the command that does.
    run_id = re.search(r"run <code>([0-9a-f]+)</code>", page)[1]  # type: ignore[index]
    prune = f"balena-lab images prune --label {GRADING_RUN_LABEL}={run_id}"
    assert prune in page
    label = {"label": f"{GRADING_RUN_LABEL}={run_id}"}
    assert docker_client.images.list(filters=label), "the finished learner's image is left"
    done = subprocess.run([sys.executable, "-m", "balena_lab", *prune.split()[1:]],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not docker_client.images.list(filters=label)
