"""Containers on the real engine: output, timeout, removal, volumes."""

from __future__ import annotations

import docker
import pytest

from balena_lab.engine import names
from balena_lab.engine.containers import remove_volume, run
from balena_lab.errors import RunError


def _gone(client: docker.DockerClient, container_id: str) -> bool:
    try:
        client.containers.get(container_id)
    except docker.errors.NotFound:
        return True
    return False


def test_output_exit_code_and_streaming(docker_client: docker.DockerClient, base_images: dict[str, str]) -> None:
    seen: list[str] = []
    result = run(base_images["amd64"], "echo one; sleep 0.2; echo two >&2; exit 4", on_output=seen.append)
    assert result.exit_code == 4 and not result.ok
    assert seen == ["one", "two"] and result.output == "one\ntwo\n"
    assert result.container_id and _gone(docker_client, result.container_id)


def test_timeout_stops_and_removes_the_container(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    result = run(base_images["amd64"], "echo started; sleep 60", timeout=2)
    assert result.timed_out and result.exit_code is None
    assert result.output == "started\n"
    assert result.seconds < 20
    assert _gone(docker_client, result.container_id)


def test_data_survives_a_restart_on_a_named_volume(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    volume = "balena-lab-test_resin-data"
    remove_volume(volume)
    try:
        first = run(base_images["aarch64"], "ls /data; echo first boot > /data/state",
                    volumes={volume: "/data"})
        assert first.ok and first.output == ""
        second = run(base_images["aarch64"], "cat /data/state", volumes={volume: "/data"})
        assert second.output == "first boot\n"
        without = run(base_images["aarch64"], "cat /data/state 2>&1 || true")
        assert "No such file" in without.output  # only the volume remembers
    finally:
        assert remove_volume(volume)


def test_host_network_only_when_asked(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    """The page's single-container default is host networking; here it is opt-in.

    (Privileged mode is opt-in the same way; this sandboxed engine refuses it,
    so it is not exercised here.)
    """
    with open("/proc/net/dev") as handle:
        host_interfaces = len(handle.read().splitlines())
    default = run(base_images["amd64"], "cat /proc/net/dev | wc -l")
    host = run(base_images["amd64"], "cat /proc/net/dev | wc -l", host_network=True)
    assert int(host.output) == host_interfaces
    assert int(default.output) < host_interfaces  # its own namespace: lo and eth0


def test_missing_image_is_a_clear_error(docker_client: docker.DockerClient) -> None:
    with pytest.raises(RunError, match="no image balena-lab/none:missing"):
        run("balena-lab/none:missing", client=docker_client)


def test_each_namespace_has_its_own_data_volume(
    monkeypatch: pytest.MonkeyPatch, docker_client: docker.DockerClient,
    base_images: dict[str, str]
) -> None:
    """Two learners on one engine, both asking for resin-data: each gets a /data of their own."""
    seen = {}
    try:
        for who in ("ann", "bob", "ann"):
            monkeypatch.setenv(names.NAMESPACE_ENV, who)
            result = run(base_images["amd64"], f"echo {who} >> /data/who; cat /data/who",
                         volumes={"test-resin-data": "/data"})
            seen[who] = result.output.split()
            volume = docker_client.volumes.get(names.volume_name("test-resin-data"))
            assert volume.attrs["Labels"][names.NAMESPACE_LABEL] == who
    finally:
        for who in ("ann", "bob"):
            monkeypatch.setenv(names.NAMESPACE_ENV, who)
            remove_volume("test-resin-data", docker_client)
    assert seen == {"ann": ["ann", "ann"], "bob": ["bob"]}
