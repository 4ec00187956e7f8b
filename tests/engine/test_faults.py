"""A failing engine, for real: connections dropped mid-build and mid-run, a client killed.

The engine itself keeps running behind :class:`~tests.engine.faulty_engine.CuttableEngine`,
so each test can also see, through a direct connection, what was left behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from balena_lab.builder.build import iter_build
from balena_lab.builder.events import StepOutput
from balena_lab.engine import reaper
from balena_lab.engine.client import connect
from balena_lab.engine.containers import run
from balena_lab.engine.names import KIND_LABEL, RUN_KIND
from balena_lab.errors import EngineUnreachable
from tests.engine.faulty_engine import CuttableEngine, cuttable_engine
from tests.files import write_tree

pytestmark = pytest.mark.docker
engine = cuttable_engine


def _eventually(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return condition()


def _containers_of(client: docker.DockerClient, image: str, word: str) -> list[str]:
    found = client.containers.list(all=True, filters={"label": f"{KIND_LABEL}={RUN_KIND}"})
    return [c.id for c in found
            if c.attrs["Config"]["Image"] == image and word in " ".join(c.attrs["Config"]["Cmd"])]


def test_an_engine_lost_mid_build_is_engine_unreachable(
    engine: CuttableEngine, tmp_path: Path, base_images: dict[str, str]
) -> None:
    project = write_tree(tmp_path / "p", {"Dockerfile": (
        f"FROM {base_images['amd64']}\n"
        f"RUN echo started-{time.monotonic_ns()} && sleep 5 && echo finished\n")})
    client = connect()
    events = iter_build(project, "genericx86-64-ext", client=client, no_cache=True)
    with pytest.raises(EngineUnreachable) as raised:
        for event in events:
            if isinstance(event, StepOutput) and "started-" in event.line:
                engine.cut()
    assert "went away during the build" in str(raised.value)
    assert raised.value.fix


def test_an_engine_lost_mid_run_is_engine_unreachable_and_the_container_still_goes(
    engine: CuttableEngine, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    image, word = base_images["amd64"], f"lost-{time.monotonic_ns()}"
    threading.Timer(1.5, engine.cut).start()
    with pytest.raises(EngineUnreachable, match="during the run"):
        run(image, f"echo {word}; sleep 120", timeout=3, client=connect())
    assert _containers_of(docker_client, image, word), "the engine kept it: the client could not"
    engine.restore()  # the engine answers again: the reaper removes it at the time limit
    assert _eventually(lambda: not _containers_of(docker_client, image, word),
                       3 + reaper.GRACE + 15)


def test_a_container_the_client_could_not_remove_goes_when_the_engine_is_back(
    engine: CuttableEngine, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    """Not at the end of its time limit: the client hands it to its reaper at once (an
    engine back after a blip, or for good at another moment, must not keep it)."""
    image, word = base_images["amd64"], f"handed-{time.monotonic_ns()}"
    threading.Timer(1.5, engine.cut).start()
    with pytest.raises(EngineUnreachable, match="during the run"):
        run(image, f"echo {word}; sleep 600", timeout=600, client=connect())
    assert _containers_of(docker_client, image, word), "the engine kept it: the client could not"
    engine.restore()
    # The reaper retries every 2 s: far less than the 600 s limit.
    assert _eventually(lambda: not _containers_of(docker_client, image, word), 20)


def test_a_killed_client_leaves_no_container(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    image, word = base_images["amd64"], f"killed-{time.monotonic_ns()}"
    client = subprocess.Popen(
        [sys.executable, "-m", "balena_lab", "run", image, "--timeout", "600", "--",
         "sh", "-c", f"echo {word}; sleep 600"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert _eventually(lambda: bool(_containers_of(docker_client, image, word)), 30)
    finally:
        client.send_signal(signal.SIGKILL)  # no finally runs in it
        client.wait()
    # Long before its 600 s limit: the reaper saw its client go.
    assert _eventually(lambda: not _containers_of(docker_client, image, word), 20)


def test_a_client_killed_right_after_the_create_leaves_no_container(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    """The reaper is started before the container exists: no moment is left in which a
    killed client leaves a container that nobody removes."""
    image, word = base_images["amd64"], f"created-{time.monotonic_ns()}"
    program = f"""
import os, signal
import docker.models.containers as models
from balena_lab.engine.containers import run
real = models.ContainerCollection.create
def create(self, *args, **kwargs):
    container = real(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # killed before anything else happens
    return container
models.ContainerCollection.create = create
run({image!r}, "echo {word}; sleep 600", timeout=600)
"""
    client = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=60,
                            check=False)
    assert client.returncode == -signal.SIGKILL
    assert _eventually(lambda: not _containers_of(docker_client, image, word), 20)
