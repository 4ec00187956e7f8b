"""A fleet built once and run by each of its devices, for real."""

from __future__ import annotations

import pytest

from balena_lab.errors import UnknownDeviceTypeError
from balena_lab.lessons.fleetrun import run_fleet
from balena_lab.lessons.projects import masterclass_project

pytestmark = [pytest.mark.docker, pytest.mark.emulated]


def test_an_armv7hf_fleet_runs_where_balena_lets_devices_join(base_images: dict[str, str]) -> None:
    fleet = run_fleet(masterclass_project("multiarch"), "raspberrypi3",
                      ["raspberrypi3", "raspberrypi4-64", "raspberry-pi", "intel-nuc"])
    assert (fleet.build.architecture, fleet.build.variant) == ("arm", "v7")  # built once
    outcomes = {m.device_type: (m.may_join, m.run.outcome) for m in fleet.members}
    assert outcomes == {"raspberrypi3": (True, "runs"),
                        "raspberrypi4-64": (True, "runs"),  # AArch32: a Pi 4 runs armv7hf
                        "raspberry-pi": (False, "cannot-run"),
                        "intel-nuc": (False, "refused")}
    assert "running on armv7l" in fleet.member("raspberrypi4-64").first_line
    page = fleet._repr_html_()
    assert "balena lets it join?" in page and "exec format error" in page


def test_an_unknown_member_is_refused_before_anything_is_built() -> None:
    with pytest.raises(UnknownDeviceTypeError, match="rpi4"):
        run_fleet(masterclass_project("multiarch"), "raspberrypi3", ["raspberrypi3", "rpi4"])
