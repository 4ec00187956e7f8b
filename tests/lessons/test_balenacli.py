"""The balena CLI commands each lesson ends with: the flags balena CLI takes."""

from __future__ import annotations

import shlex

from balena_lab.lessons.balenacli import equivalents


def test_an_arm_build_names_device_type_arch_and_emulation() -> None:
    commands = [command for _, command in equivalents("raspberrypi3").commands]
    assert commands[0] == "balena build . --deviceType raspberrypi3 --arch armv7hf --emulated"
    assert "balena build . --fleet myFleet" in commands
    assert "balena deploy myFleet --build --source ." in commands
    assert "balena push myFleet --source ." in commands


def test_an_alias_becomes_the_slug_and_x86_needs_no_emulation() -> None:
    first = equivalents("nuc", source="my project").commands[0][1]
    assert shlex.split(first) == ["balena", "build", "my project", "--deviceType", "intel-nuc",
                                  "--arch", "amd64"]


def test_a_fleet_arch_override_is_the_arch_built() -> None:
    first = equivalents("raspberrypi4-64", "armv7hf").commands[0][1]
    assert "--arch armv7hf --emulated" in first
    assert "<table>" in equivalents("raspberrypi3")._repr_html_()
