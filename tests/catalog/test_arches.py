from __future__ import annotations

import pytest

from balena_lab import _data
from balena_lab.catalog.arches import all_arches, get_arch
from balena_lab.errors import BalenaLabError, UnknownArchError


def test_every_arch_of_the_device_catalogue_is_known() -> None:
    catalogue = _data.load("device-types.yaml")["device_types"]
    used = {entry["arch"] for entry in catalogue}
    assert used <= set(all_arches())


@pytest.mark.parametrize(
    ("name", "architecture", "variant"),
    [("amd64", "amd64", None), ("aarch64", "arm64", "v8"), ("armv7hf", "arm", "v7"),
     ("rpi", "arm", "v6"), ("i386", "386", None)],
)
def test_docker_architecture_and_variant(name: str, architecture: str, variant: str | None) -> None:
    arch = get_arch(name)
    assert (arch.docker_architecture, arch.docker_variant) == (architecture, variant)


def test_only_arm_arches_need_emulation_on_x86() -> None:
    assert {a.name for a in all_arches().values() if a.emulated} == {"aarch64", "armv7hf", "rpi"}


def test_i386_nlp_shares_the_i386_image() -> None:
    assert get_arch("i386-nlp").image_arch == "i386"
    assert get_arch("i386").image_arch == "i386"


def test_unknown_arch_suggests_the_closest_names() -> None:
    with pytest.raises(UnknownArchError) as caught:
        get_arch("armv7")
    assert "armv7hf" in str(caught.value)
    assert isinstance(caught.value, BalenaLabError)


def test_an_x86_64_device_refusing_i386_code_is_qualified() -> None:
    """QEMU's x86_64 loader refuses i386 binaries; a real x86_64 kernel mostly runs them.
    The note says so, and that the refusal follows balena's fleet rules."""
    from balena_lab.catalog.devicetypes import arch_can_run

    note = get_arch("amd64").cpu_note("386")
    assert note is not None and "IA32 emulation" in note and "\n" not in note
    assert not arch_can_run("amd64", "i386")  # what the note says balena does
    assert get_arch("armv7hf").cpu_note("arm64") is None
