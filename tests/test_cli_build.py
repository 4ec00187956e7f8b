"""`balena-lab build` and `balena-lab run` as a learner types them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docker
import pytest

pytestmark = pytest.mark.docker


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "balena_lab", *args],
                          capture_output=True, text=True, timeout=600, check=False)


def test_build_json_then_run(
    tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient
) -> None:
    (tmp_path / "Dockerfile.template").write_text(
        "FROM balena-lab/debian:bookworm-%%BALENA_ARCH%%\nCMD [\"echo\", \"%%BALENA_MACHINE_NAME%%\"]\n")
    tag = "balena-lab/test-cli:raspberrypi3"
    built = _cli("build", str(tmp_path), "--device-type", "raspberrypi3", "--tag", tag, "--json")
    assert built.returncode == 0, built.stderr
    result = json.loads(built.stdout)  # stdout: exactly the result
    assert (result["tag"], result["architecture"], result["variant"]) == (tag, "arm", "v7")
    assert "Step 1/3  Dockerfile.template:1" in built.stderr  # progress on stderr
    try:
        ran = _cli("run", tag)
        assert ran.returncode == 0 and ran.stdout == "raspberrypi3\n"
        ran = _cli("run", tag, "--", "sh", "-c", "exit 5")
        assert ran.returncode == 5
    finally:
        docker_client.images.remove(tag, force=True)


def test_failed_build_exits_1_with_the_source_line(tmp_path: Path, base_images: dict[str, str]) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM balena-lab/debian:bookworm-amd64\nRUN echo oops && false\n")
    built = _cli("build", str(tmp_path), "--device-type", "intel-nuc")
    assert built.returncode == 1
    assert "Dockerfile:2: step 2/3 failed (exit code 1)" in built.stderr
    assert "oops" in built.stderr and "Traceback" not in built.stderr


def test_unknown_device_type_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM x\n")
    built = _cli("build", str(tmp_path), "--device-type", "raspberrypi9")
    assert built.returncode == 2
    assert "raspberrypi" in built.stderr and "Traceback" not in built.stderr
