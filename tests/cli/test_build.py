"""`balena-lab build` and `balena-lab run` as a learner types them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docker


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


def test_run_takes_options_after_the_image_and_a_command_after_dashes(
    base_images: dict[str, str]
) -> None:
    ran = _cli("run", base_images["amd64"], "--timeout", "30", "--env", "WHO=class",
               "--", "sh", "-c", "echo hello $WHO; exit 4")
    assert ran.returncode == 4 and ran.stdout == "hello class\n"


def test_run_refuses_bind_mounts(base_images: dict[str, str]) -> None:
    ran = _cli("run", base_images["amd64"], "--volume", "/tmp:/data")
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert "named volume" in ran.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    built = _cli("build", str(tmp_path), "--device-type", "intel-nuc", "--var", "NOEQUALS")
    assert built.returncode == 2 and "wants KEY=VALUE" in built.stderr
