"""Every reference solution passes all its checks; every untouched starter fails one.

Real resolutions, lint, builds (ARM ones under QEMU) and runs on the local engine.
"""

from __future__ import annotations

import time

import docker
import pytest

from balena_lab.engine.names import namespace
from balena_lab.exercises import CheckOptions, all_exercises, collect_answer, run_checks

from .classgen import solution_namespace, starter_namespace

pytestmark = pytest.mark.slow
NAMES = [e.name for e in all_exercises()]


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_passes_every_check(
    name: str, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    answer = collect_answer(name, solution_namespace(name))
    assert not answer.problems
    report = run_checks(name, answer, CheckOptions(submission="reference", labels=run_label))
    assert report.all_passed, str(report)


@pytest.mark.parametrize("name", NAMES)
def test_untouched_starter_fails_at_least_one_check(
    name: str, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    answer = collect_answer(name, starter_namespace(name))
    report = run_checks(name, answer, CheckOptions(submission="starter", labels=run_label))
    failed = [r for r in report.results if r.status == "fail"]
    assert failed, str(report)
    assert all(r.hint for r in failed)


def test_images_are_labelled_per_submission(
    docker_client: docker.DockerClient, base_images: dict[str, str],
    run_label: dict[str, str],
) -> None:
    run_checks("dockerfile-basics", collect_answer("dockerfile-basics",
                                                   solution_namespace("dockerfile-basics")),
               CheckOptions(submission="alice", labels=run_label))
    (key, value), = run_label.items()
    images = docker_client.images.list(filters={"label": f"{key}={value}"})
    alice = [i for i in images if i.labels.get("io.balena-lab.submission") == "alice"]
    assert alice and alice[0].labels["io.balena-lab.exercise"] == "dockerfile-basics"
    # the grading run is in the name: two gradings at once never share an image
    assert (f"balena-lab/{namespace()}/exercise-dockerfile-basics-alice-{value[:12]}:intel-nuc"
            in alice[0].tags)


@pytest.mark.parametrize("wrong, failing", [
    # Dockerfile.aarch64 gives the Pi 4 a file, but also every other aarch64 device
    ({"Dockerfile.aarch64": 'FROM balenalib/aarch64-debian\nCMD ["echo", "Hello from a Pi 4"]\n'},
     {"device-specific", "others-unchanged"}),
    # editing the shared template: one failure; what depends on it is not checked
    ({"Dockerfile.template": 'FROM balenalib/%%BALENA_ARCH%%-debian\nCMD ["echo", "x"]\n'},
     {"own-file"}),
])
def test_pi4_wrong_answers_fail_the_right_checks(
    wrong: dict[str, str], failing: set[str], base_images: dict[str, str],
    run_label: dict[str, str],
) -> None:
    report = run_checks("pi4-own-dockerfile",
                        collect_answer("pi4-own-dockerfile", {"NEW_FILES": wrong}),
                        CheckOptions(submission="wrong", labels=run_label))
    assert {r.id for r in report.results if r.status == "fail"} == failing, str(report)


def test_add_to_copy_replacing_every_add_loses_the_archive(
    base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    text = ('FROM balena-lab/debian:bookworm-amd64\nCOPY app/hello.sh /usr/src/app/hello.sh\n'
            'COPY assets.tar /usr/src/app/assets/\nCMD ["sh", "/usr/src/app/hello.sh"]\n')
    report = run_checks("add-to-copy", collect_answer("add-to-copy", {"DOCKERFILE": text}),
                        CheckOptions(submission="wrong", labels=run_label))
    assert {r.id for r in report.results if r.status == "fail"} == {"archive-unpacked"}


def test_start_script_with_find_that_keeps_tmp_balena_passes(
    base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    script = ("#!/bin/sh\nfind /tmp -mindepth 1 -maxdepth 1 ! -name balena -exec rm -rf {} +\n"
              "echo ready\n")
    report = run_checks("keep-tmp-balena", collect_answer("keep-tmp-balena", {"START_SH": script}),
                        CheckOptions(submission="find", labels=run_label))
    assert report.all_passed, str(report)


@pytest.mark.parametrize("dockerfile", [
    # hello.sh copied nowhere useful, the greeting echoed instead of running it
    ('FROM balena-lab/debian:bookworm-amd64\nCOPY hello.sh /nowhere\n'
     'CMD ["echo", "Hello from x86_64"]\n'),
    # the script printed, not run
    ('FROM balena-lab/debian:bookworm-amd64\nCOPY hello.sh /nowhere\n'
     'CMD ["sh", "-c", "echo Hello from x86_64; cat /nowhere"]\n'),
])
def test_says_hello_needs_the_script_itself_to_run(
    dockerfile: str, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    report = run_checks("dockerfile-basics",
                        collect_answer("dockerfile-basics", {"DOCKERFILE": dockerfile}),
                        CheckOptions(submission="echo", labels=run_label))
    status = {r.id: r.status for r in report.results}
    assert status == {"from-first": "pass", "copies-script": "pass", "cmd-last": "pass",
                      "page-rules": "pass", "builds": "pass", "says-hello": "fail"}, str(report)
    assert "hello.sh itself did not run" in report.results[-1].detail


def test_npm_start_must_really_run_main_js(
    base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    text = ('{"name": "a", "version": "1.0.0", "engines": {"node": "8.x"},\n'
            ' "scripts": {"start": "echo hello from node src/main.js"}}\n')
    report = run_checks("node-npm-start", collect_answer("node-npm-start", {"PACKAGE_JSON": text}),
                        CheckOptions(submission="echo", labels=run_label))
    status = {r.id: r.status for r in report.results}
    assert status["npm-start"] == "fail" and status["builds"] == "pass", str(report)
    # One root cause, one failure: the run is not checked (test_scores fakes it alone).
    assert status["starts"] == "not-checked", str(report)


def test_a_build_past_its_time_limit_is_stopped(
    docker_client: docker.DockerClient, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    text = ('FROM balena-lab/debian:bookworm-amd64\nRUN sleep 120 # balena-lab-timeout-test\n'
            'COPY hello.sh /usr/src/app/hello.sh\nCMD ["sh", "/usr/src/app/hello.sh"]\n')
    started = time.monotonic()
    report = run_checks("dockerfile-basics",
                        collect_answer("dockerfile-basics", {"DOCKERFILE": text}),
                        CheckOptions(submission="slow", labels=run_label, build_timeout=4))
    assert time.monotonic() - started < 30
    builds = next(r for r in report.results if r.id == "builds")
    assert builds.status == "fail"
    assert builds.detail.startswith("the build took longer than 4 s"), builds.detail
    time.sleep(2)  # the engine kills the step's container once the client is gone
    running = docker_client.containers.list(filters={"status": "running"})
    assert not [c for c in running if "balena-lab-timeout-test" in " ".join(
        c.attrs.get("Config", {}).get("Cmd") or [])]
