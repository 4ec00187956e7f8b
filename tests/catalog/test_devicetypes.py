"""The device type catalogue: lookup, aliases, suggestions, arch compatibility."""

from __future__ import annotations

import shlex

import pytest

from balena_lab.catalog import devicetypes
from balena_lab.errors import BalenaLabError, ResolutionError, UnknownDeviceTypeError


def test_catalogue_has_every_contract_device_type() -> None:
    catalogue = devicetypes.all_device_types()
    assert len(catalogue) == 145
    counts: dict[str, int] = {}
    for device in catalogue.values():
        counts[device.arch] = counts.get(device.arch, 0) + 1
    # The contracts' counts by arch (shared/data/device-types.yaml header).
    assert counts == {"aarch64": 83, "amd64": 13, "armv7hf": 44, "i386": 2, "i386-nlp": 2,
                      "rpi": 1}


def test_lookup_by_slug_and_alias() -> None:
    assert devicetypes.get_device_type("raspberrypi3").arch == "armv7hf"
    by_alias = devicetypes.get_device_type("raspberrypi")
    assert by_alias.slug == "raspberry-pi" and by_alias.arch == "rpi"
    assert "raspberrypi" in by_alias.aliases


def test_unknown_slug_suggests_nearest_names() -> None:
    with pytest.raises(UnknownDeviceTypeError) as caught:
        devicetypes.get_device_type("raspberypi4-64")
    assert caught.value.suggestions[0] == "raspberrypi4-64"
    assert "raspberrypi4-64" in str(caught.value)
    assert caught.value.type == "unknown-device-type"
    assert isinstance(caught.value, ResolutionError) and isinstance(caught.value, BalenaLabError)


def test_nothing_close_gives_no_suggestion() -> None:
    with pytest.raises(UnknownDeviceTypeError) as caught:
        devicetypes.get_device_type("zzzzzzzzzzzz")
    assert caught.value.suggestions == ()
    assert "Did you mean" not in str(caught.value)


@pytest.mark.parametrize("device_arch,image_arch,ok", [
    ("aarch64", "aarch64", True),
    ("aarch64", "armv7hf", True),
    ("aarch64", "rpi", True),
    ("armv7hf", "rpi", True),
    ("armv7hf", "aarch64", False),
    ("rpi", "armv7hf", False),
    ("amd64", "i386", False),  # balena's map has no x86 entry
    ("amd64", "aarch64", False),
])
def test_arch_compatibility_follows_balena_sdk(device_arch: str, image_arch: str,
                                               ok: bool) -> None:
    assert devicetypes.arch_can_run(device_arch, image_arch) is ok


def test_device_can_run_uses_its_arch() -> None:
    pi4 = devicetypes.get_device_type("raspberrypi4-64")
    assert pi4.can_run("armv7hf") and not pi4.can_run("amd64")
    assert "balena-sdk" in devicetypes.ARCH_COMPATIBILITY_SOURCE


def test_grouping_by_arch_covers_the_catalogue() -> None:
    groups = devicetypes.device_types_by_arch()
    assert sum(len(v) for v in groups.values()) == 145
    assert all(d.arch == arch for arch, devices in groups.items() for d in devices)


@pytest.mark.parametrize("typed", ["rpi4", "pi4", "pi 4", "raspberry pi 4", "Raspberry Pi 4",
                                   "raspberry-pi4", "RPI4"])
def test_what_people_type_for_a_pi_4_finds_it_first(typed: str) -> None:
    assert devicetypes.search_device_types(typed)[0].slug == "raspberrypi4-64"


@pytest.mark.parametrize("typed,first", [
    ("rpi3", "raspberrypi3"),          # the exact slug before raspberrypi3-64
    ("pi2", "raspberry-pi2"),
    ("pi 5", "raspberrypi5"),
    ("rpi zero 2", "raspberrypi0-2w-64"),  # by the name's words
    ("nuc", "intel-nuc"),              # an alias
    ("intel nuc", "intel-nuc"),        # a name in any case and spacing
    ("RaspberryPi3", "raspberrypi3"),
    ("jetson nano", "jetson-nano"),
    ("raspberypi4-64", "raspberrypi4-64"),  # a typo: difflib, as the last resort
])
def test_search_ranks_what_the_words_name_first(typed: str, first: str) -> None:
    assert devicetypes.search_device_types(typed)[0].slug == first


@pytest.mark.parametrize("typed", ["rpi zero", "pi zero w", "pi 1", "raspberry pi zero"])
def test_the_words_of_a_name_find_it_in_any_order_of_spacing(typed: str) -> None:
    # "Raspberry Pi (v1 / Zero / Zero W)": the ARMv6 board, not only the Zero 2 W
    assert "raspberry-pi" in [d.slug for d in devicetypes.search_device_types(typed)][:2]


def test_full_width_text_is_read_as_typed() -> None:
    assert devicetypes.search_device_types("ｒｐｉ４")[0].slug == "raspberrypi4-64"


def test_orange_pi_is_not_a_raspberry_pi() -> None:
    # the short form applies to a first word only
    assert {d.slug for d in devicetypes.search_device_types("orange pi")} <= {
        d.slug for d in devicetypes.all_device_types().values() if "orange" in d.slug}


def test_search_filters_by_arch_and_an_empty_query_lists_all() -> None:
    assert all(d.arch == "aarch64" for d in devicetypes.search_device_types("", "aarch64"))
    assert devicetypes.search_device_types() == list(devicetypes.all_device_types().values())
    assert devicetypes.search_device_types("raspberrypi4", "amd64") == []
    assert devicetypes.search_device_types("zzzzzzzzzz") == []


@pytest.mark.parametrize("typed", ["rpi4", "raspberry-pi4", "pi 4"])
def test_an_unknown_name_suggests_the_device_and_a_fix_that_works(
        typed: str, capsys: pytest.CaptureFixture[str]) -> None:
    from balena_lab.cli import main

    with pytest.raises(UnknownDeviceTypeError) as caught:
        devicetypes.get_device_type(typed)
    assert caught.value.suggestions[0] == "raspberrypi4-64"
    fix = caught.value.fix or ""
    assert fix.startswith("balena-lab devices ")
    # the fix is true: the command it names lists the device suggested first
    command = fix.split(" lists ")[0]
    assert main(shlex.split(command)[1:]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].split()[0] == "raspberrypi4-64"


def test_devices_command_with_no_match_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    from balena_lab.cli import main

    assert main(["devices", "zzzzzzzz"]) == 1
    assert "No device type matches" in capsys.readouterr().out
    assert main(["devices", "--arch", "armv9"]) == 2
