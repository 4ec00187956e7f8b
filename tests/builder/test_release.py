"""Multi-service releases built for real."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from balena_lab.builder.events import BuildFinished, ReleaseFinished, StepStarted
from balena_lab.builder.release import iter_build_release
from balena_lab.engine.containers import run
from balena_lab.errors import BuildStepFailed

COMPOSE = """version: '2.1'
volumes:
  resin-data: {}
services:
  web:
    build:
      context: ./web
      args:
        GREETING: hello
  worker:
    build: ./worker
  cache:
    image: redis:alpine
"""


def _release(root: Path, worker_run: str = "echo worker built") -> Path:
    (root / "web").mkdir()
    (root / "worker").mkdir()
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "web" / "Dockerfile.template").write_text(
        "FROM balena-lab/debian:bookworm-%%BALENA_ARCH%%\nARG GREETING=none\n"
        "RUN echo \"%%BALENA_SERVICE_NAME%% says $GREETING\" > /who\nCMD [\"cat\", \"/who\"]\n")
    (root / "worker" / "Dockerfile").write_text("FROM balena-lab/debian:bookworm-amd64\n")
    (root / "worker" / "Dockerfile.aarch64").write_text(
        f"FROM balena-lab/debian:bookworm-aarch64\nRUN {worker_run}\nCMD [\"uname\", \"-m\"]\n")
    return root


def test_every_service_is_built_with_its_own_context(
    tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient
) -> None:
    events = list(iter_build_release(_release(tmp_path), "raspberrypi4-64"))
    release = events[-1]
    assert isinstance(release, ReleaseFinished)
    web, worker = release.result.services["web"], release.result.services["worker"]
    try:
        assert list(release.result.services) == ["web", "worker"]  # the image-only one is not built
        assert (web.resolution_kind, worker.resolution_kind) == ("template", "arch-specific")
        assert run(web.tag).output == "web says hello\n"  # build.args and BALENA_SERVICE_NAME
        assert run(worker.tag).output == "aarch64\n"
        services = {e.service for e in events if isinstance(e, StepStarted)}
        assert services == {"web", "worker"}
        assert {e.service for e in events if isinstance(e, BuildFinished)} == {"web", "worker"}
    finally:
        for result in (web, worker):
            docker_client.images.remove(result.tag, force=True)


def test_a_failing_service_is_named_and_the_other_still_builds(
    tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient
) -> None:
    events: list[object] = []
    with pytest.raises(BuildStepFailed) as caught:
        events.extend(iter_build_release(_release(tmp_path, "exit 7"), "raspberrypi4-64"))
    assert caught.value.service == "worker"  # type: ignore[attr-defined]
    assert caught.value.exit_code == 7 and caught.value.path == "Dockerfile.aarch64"
    built = [e.result for e in events if isinstance(e, BuildFinished)]
    assert [r.service for r in built] == ["web"]
    docker_client.images.remove(built[0].tag, force=True)


def test_a_bug_in_a_service_thread_reaches_the_caller(
    tmp_path: Path, base_images: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception must surface, not leave the release waiting forever."""
    from balena_lab.builder import release

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(release, "iter_build", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        list(iter_build_release(_release(tmp_path), "raspberrypi4-64"))
