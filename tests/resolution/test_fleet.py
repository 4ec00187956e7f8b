"""balena_lab.resolution.fleet: the precedence matrix and the mixed-fleet check."""

from __future__ import annotations

from pathlib import Path

import pytest

from balena_lab.catalog import devicetypes
from balena_lab.resolution.fleet import mixed_fleet, precedence_matrix


def test_matrix_follows_the_page_example(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile.template").write_text("FROM balenalib/%%BALENA_ARCH%%-debian\n")
    (tmp_path / "Dockerfile.raspberrypi3").write_text("FROM debian\n")
    matrix = precedence_matrix(tmp_path)
    assert len(matrix.rows) == len(devicetypes.all_device_types())
    assert matrix.for_device("raspberrypi3").source == "Dockerfile.raspberrypi3"
    assert matrix.for_device("raspberrypi3").kind == "arch-specific"
    assert matrix.for_device("intel-nuc").source == "Dockerfile.template"
    # in the page's words: the device type's own file, not "arch-specific"
    assert matrix.for_device("raspberrypi3").level == "Dockerfile.<device-type>"
    assert "Dockerfile.raspberrypi3 (Dockerfile.<device-type>)" in matrix.groups()["armv7hf"]
    assert "Dockerfile.template" in matrix.groups()["armv7hf"]
    assert "armv7hf" in str(matrix) and "<table>" in matrix._repr_html_()


def test_matrix_arch_file_and_errors(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile.aarch64").write_text("FROM debian\n")
    matrix = precedence_matrix(tmp_path)
    assert matrix.for_device("raspberrypi4-64").source == "Dockerfile.aarch64"
    assert matrix.for_device("intel-nuc").error == "no-dockerfile"
    assert matrix.for_device("intel-nuc").outcome == "error: no-dockerfile"


def test_machine_name_serves_only_the_fleet_device_type() -> None:
    fleet = mixed_fleet("FROM balenalib/%%BALENA_MACHINE_NAME%%-debian\n", "raspberrypi3",
                        ["raspberrypi3", "beaglebone-black", "intel-nuc"])
    by_slug = {m.device_type: m for m in fleet.members}
    assert by_slug["raspberrypi3"].correct
    assert by_slug["beaglebone-black"].got == "balenalib/raspberrypi3-debian"
    assert by_slug["beaglebone-black"].wanted == "balenalib/beaglebone-black-debian"
    assert not by_slug["beaglebone-black"].correct
    assert not by_slug["intel-nuc"].runs
    assert not fleet.all_correct and "<b>no: " in fleet._repr_html_()


def test_arch_serves_every_compatible_device() -> None:
    fleet = mixed_fleet("# comment\nFROM balenalib/%%BALENA_ARCH%%-debian\n", "raspberrypi3",
                        ["raspberrypi3", "beaglebone-black", "raspberrypi4-64"])
    assert fleet.line == "FROM balenalib/%%BALENA_ARCH%%-debian"
    assert fleet.all_correct
    assert {m.got for m in fleet.members} == {"balenalib/armv7hf-debian"}


@pytest.mark.parametrize("template", [
    "FROM balenalib/%%RESIN_MACHINE_NAME%%-debian\n",  # the legacy name
    "ARG BASE=balenalib/%%BALENA_MACHINE_NAME%%-debian\nFROM $BASE\n",  # hidden in an ARG
    "FROM \\\n  balenalib/%%BALENA_MACHINE_NAME%%-debian\n",  # on a continuation line
    "FROM balenalib/%%BALENA_ARCH%%-debian AS base\nFROM %%BALENA_MACHINE_NAME%%-app\n",
])
def test_the_machine_name_is_seen_however_it_is_written(template: str) -> None:
    fleet = mixed_fleet(template, "raspberrypi3", ["raspberrypi3", "raspberrypi4-64"])
    pi4 = next(m for m in fleet.members if m.device_type == "raspberrypi4-64")
    assert pi4.names_other_device and not fleet.all_correct, template


def test_mixed_fleet_verdicts_say_yes_only_when_the_device_runs_what_it_should() -> None:
    arch_template = "FROM balenalib/%%BALENA_ARCH%%-debian\n"
    fleet = mixed_fleet(arch_template, "raspberrypi3", ["raspberrypi3", "raspberrypi4-64",
                                                         "intel-nuc"])
    said = {m.device_type: m.verdict(fleet.fleet_device_type, fleet.fleet_arch)
            for m in fleet.members}
    assert said == {"raspberrypi3": "yes",
                    "raspberrypi4-64": "yes: aarch64 devices also run armv7hf images",
                    "intel-nuc": "no: amd64 devices cannot run armv7hf images"}
    machine = mixed_fleet("FROM balenalib/%%BALENA_MACHINE_NAME%%-debian\n", "raspberrypi3",
                          ["raspberrypi4-64"])
    (pi4,) = machine.members
    assert pi4.verdict("raspberrypi3", "armv7hf") == (
        "no: the image is made for raspberrypi3, not for this device")
    page = machine._repr_html_()
    assert "does it run the image it should?" in page and "right?" not in page
