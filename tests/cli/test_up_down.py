"""`balena-lab up` and `balena-lab down` as a learner types them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docker
import pytest

from ..files import write_tree

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "balena_lab", *args],
                          capture_output=True, text=True, timeout=600, check=False)


def test_up_then_down(tmp_path: Path, base_images: dict[str, str],
                      docker_client: docker.DockerClient) -> None:
    project = write_tree(tmp_path / "hello", {
        "Dockerfile": f'FROM {base_images["amd64"]}\n'
                      'CMD ["/bin/sh", "-c", "trap \'exit 0\' TERM; while :; do sleep 1; done"]\n'})
    try:
        up = _cli("up", str(project), "--device-type", "intel-nuc", "--json")
        assert up.returncode == 0, up.stderr
        state = json.loads(up.stdout)  # stdout: exactly the device's state
        main, = state["services"]
        assert main["service"] == "main" and main["status"] == "running"
        assert "ask with --privileged" in up.stderr and "ask with --host-network" in up.stderr
        assert "release 1 applied: main running" in up.stderr
        again = _cli("up", str(project), "--device-type", "intel-nuc")
        assert again.returncode == 0 and "release 1 applied" in again.stdout
    finally:
        down = _cli("down", str(project), "--json")
    assert down.returncode == 0, down.stderr
    removed = json.loads(down.stdout)
    assert removed["containers"] == [main["container"]]
    assert not docker_client.containers.list(all=True, filters={"name": main["container"]})


def test_up_of_a_missing_folder_is_a_clean_error(tmp_path: Path) -> None:
    result = _cli("up", str(tmp_path / "missing"), "--device-type", "intel-nuc")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "missing" in result.stderr


def test_up_exits_3_while_an_update_lock_holds_the_update(
        tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient) -> None:
    service = ('CMD ["/bin/sh", "-c", "trap \'exit 0\' TERM; echo {0}; '
               'while :; do sleep 1; done"]\n')
    project = write_tree(tmp_path / "locked", {
        "Dockerfile": f'FROM {base_images["amd64"]}\n' + service.format("v1")})
    try:
        assert _cli("up", str(project), "--device-type", "intel-nuc").returncode == 0
        running, = [c for c in docker_client.containers.list(
            filters={"label": "io.balena-lab.kind=release"}) if c.name.startswith("main_1_")
            and c.labels.get("io.balena-lab.project") == str(project.resolve())]
        running.exec_run(["/bin/sh", "-c", "set -C; : > /tmp/balena/updates.lock"])
        (project / "Dockerfile").write_text(f'FROM {base_images["amd64"]}\n' + service.format("v2"))
        held = _cli("up", str(project), "--device-type", "intel-nuc", "--lock-timeout", "1")
        assert held.returncode == 3, held.stderr
        assert "update lock held" in held.stdout and ", release 1:" in held.stdout
    finally:
        _cli("down", str(project))
