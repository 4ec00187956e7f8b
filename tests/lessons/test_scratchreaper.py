"""A kernel killed without its atexit still takes its scratch copy and the release it ran
from it away: the copy's watcher does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import docker
import pytest

pytestmark = [pytest.mark.docker, pytest.mark.slow]

KERNEL = """
import sys, time
from balena_lab.lessons.scratch import scratch_project
from balena_lab.supervisor.release import up
copy = scratch_project("single-container")
(copy / "Dockerfile").write_text("FROM {base}\\nCMD [\\"sleep\\", \\"600\\"]\\n")
state = up(copy, "intel-nuc")
print(copy, state.app_id, flush=True)
time.sleep(600)
"""


def test_a_killed_kernel_leaves_no_release_and_no_copy(
    base_images: dict[str, str], docker_client: docker.DockerClient,
) -> None:
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL.format(base=base_images["amd64"])],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = kernel.stdout.readline() if kernel.stdout else ""
        copy, app_id = Path(line.split()[0]), line.split()[1]
        selector = {"label": [f"io.balena-lab.app-id={app_id}"]}
        assert docker_client.containers.list(filters=selector)
    finally:
        os.kill(kernel.pid, signal.SIGKILL)  # no atexit, no finally
        kernel.wait()
    deadline = time.monotonic() + 60
    while docker_client.containers.list(all=True, filters=selector) or copy.parent.exists():
        assert time.monotonic() < deadline, "the release or the copy outlived its kernel"
        time.sleep(0.5)
    assert not docker_client.volumes.list(filters=selector)
