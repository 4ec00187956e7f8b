"""Running an image on the CPU of a device of another arch, for real: QEMU's loader reads
the image's own binary, and refuses what the device's kernel would refuse."""

from __future__ import annotations

import docker
import pytest

from balena_lab.catalog.arches import all_arches, get_arch
from balena_lab.catalog.devicetypes import arch_can_run
from balena_lab.engine.devicecpu import REFUSED, run_as_device
from balena_lab.engine.names import KIND_LABEL, RUN_KIND

pytestmark = [pytest.mark.docker, pytest.mark.emulated]


@pytest.mark.parametrize("image_arch,device_arch", [
    ("aarch64", "aarch64"), ("armv7hf", "armv7hf"), ("amd64", "amd64"),
    ("armv7hf", "aarch64"),  # an aarch64 device runs 32-bit ARM (AArch32)
])
def test_a_device_runs_what_its_cpu_executes(
        image_arch: str, device_arch: str, base_images: dict[str, str]) -> None:
    ran = run_as_device(base_images[image_arch], get_arch(device_arch), "echo ran-$((6*7))",
                        timeout=60)
    assert ran.runs and ran.result is not None, ran
    assert ran.result.output.strip() == "ran-42"  # the shell itself ran: $(( )) expanded


@pytest.mark.parametrize("image_arch,device_arch", [
    ("aarch64", "armv7hf"),  # the page's case: an aarch64-only image on a Raspberry Pi 3
    ("armv7hf", "amd64"), ("amd64", "aarch64"), ("aarch64", "amd64"),
])
def test_a_device_refuses_another_instruction_set_with_exec_format_error(
        image_arch: str, device_arch: str, base_images: dict[str, str],
        docker_client: docker.DockerClient) -> None:
    ran = run_as_device(base_images[image_arch], get_arch(device_arch), "echo should-not-run")
    assert ran.outcome == "refused" and "exec format error" in ran.reason
    assert ran.result is not None
    assert REFUSED in ran.result.output and "should-not-run" not in ran.result.output
    # what refuses is QEMU's loader reading the file, not balena_lab: its own exit status
    assert ran.result.exit_code != 0
    assert not [c for c in docker_client.containers.list(
        all=True, filters={"label": f"{KIND_LABEL}={RUN_KIND}"})
        if "should-not-run" in " ".join(c.attrs["Config"]["Cmd"] or [])]


def test_armv7_code_on_an_armv6_cpu_is_not_run(base_images: dict[str, str]) -> None:
    ran = run_as_device(base_images["armv7hf"], get_arch("rpi"), "echo x")
    assert ran.outcome == "cannot-run" and ran.result is None
    assert "Illegal instruction" in ran.reason and "arm1176" in ran.reason


def test_every_mode_agrees_with_balenas_arch_compatibility() -> None:
    """A device's kernel executes an image arch exactly when balena lets the device join
    a fleet of that arch (the data of two sources, checked against each other)."""
    arches = all_arches()
    for device in arches.values():
        for image in arches.values():
            if image.image_shared_with:
                continue
            _, executes = device.cpu_mode(image.docker_architecture, image.docker_variant)
            assert executes == arch_can_run(device.name, image.name) or (
                device.image_arch == image.name), (device.name, image.name)


@pytest.mark.parametrize("device_arch,runs", [("aarch64", True), ("armv7hf", False)])
def test_a_program_found_on_the_path_is_started_by_the_images_shell(
        device_arch: str, runs: bool, base_images: dict[str, str]) -> None:
    """QEMU's loader takes no PATH search and no script: an exec-form CMD such as
    ["node", "main.js"] is started by the image's own shell, which the CPU loads."""
    ran = run_as_device(base_images["aarch64"], get_arch(device_arch), ["uname", "-m"])
    assert ran.runs is runs, ran
    assert ran.result is not None
    if runs:
        assert ran.result.output.strip() == "aarch64"
    else:
        assert REFUSED in ran.result.output


def test_an_armv6_cpu_takes_armv5_and_v6_images_and_unrecorded_variants() -> None:
    rpi = get_arch("rpi")
    assert [rpi.cpu_mode("arm", variant)[1] for variant in (None, "v5", "v6", "v7")] == [
        True, True, True, False]
