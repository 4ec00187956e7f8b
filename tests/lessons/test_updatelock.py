"""The update-lock simulation, with real containers on a shared volume."""

from __future__ import annotations

import docker
import pytest

from balena_lab.errors import RunError
from balena_lab.lessons.updatelock import LOCK_PATH, simulate_update


def _leftovers(client: docker.DockerClient) -> tuple[list[object], list[object]]:
    containers = client.containers.list(all=True, filters={"label": "io.balena-lab.kind=updatelock"})
    volumes = [v for v in client.volumes.list() if v.name.startswith("balena-lab-updatelock-")]
    return containers, volumes


def test_the_supervisor_defers_while_the_lock_is_held(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    result = simulate_update(base_images["amd64"], hold_seconds=2, client=docker_client)
    messages = [e.message for e in result.events]
    assert result.deferrals >= 1 and not result.interrupted
    assert any(f"took {LOCK_PATH}" in m for m in messages)
    released = next(i for i, m in enumerate(messages) if "lock released" in m)
    applied = next(i for i, m in enumerate(messages) if "took the lock" in m)
    assert released < applied
    assert any("service v2: started" in m for m in messages)
    assert result.applied_at is not None and result.applied_at >= 2
    assert _leftovers(docker_client) == ([], [])


def test_removing_tmp_balena_loses_the_lock(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    result = simulate_update(base_images["amd64"], hold_seconds=2, wipe_tmp_balena=True,
                             client=docker_client)
    assert result.interrupted and result.deferrals == 0
    assert any("Device or resource busy" in e.message for e in result.events)
    assert "IN THE MIDDLE OF ITS WORK" in str(result)
    assert _leftovers(docker_client) == ([], [])


def test_missing_image(docker_client: docker.DockerClient) -> None:
    with pytest.raises(RunError):
        simulate_update("balena-lab/no-such-image:nope", client=docker_client)
