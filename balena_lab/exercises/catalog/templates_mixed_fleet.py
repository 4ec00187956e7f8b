"""Dockerfile templates: one template for a fleet of Raspberry Pi 3 and Pi 4 devices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...catalog.devicetypes import arch_can_run, get_device_type
from ...resolution.fleet import mixed_fleet
from ..core import Check, Exercise
from ._facts import (
    builds_for,
    from_images,
    image_arch,
    machine_shims,
    page_rules,
    parsed,
    ran,
)

if TYPE_CHECKING:
    from ..context import CheckContext

FLEET = "raspberrypi3"  # the fleet's device type: what the builder builds for
DEVICES = ("raspberrypi3", "raspberrypi4-64")  # the devices in the fleet
OTHER_FLEET = "intel-nuc"
NAME = "Dockerfile.template"


def is_template(context: CheckContext) -> str | None:
    parsed(context, NAME)
    resolution = context.resolve(FLEET)
    if resolution.kind != "template":
        return f"for {FLEET} balena builds {resolution.source} ({resolution.kind})"
    return None


def no_machine_name(context: CheckContext) -> str | None:
    # The fleet's one rule, as balena_lab's fleet view judges it (FROM read as Docker
    # reads it, %%RESIN_MACHINE_NAME%% and ARGs included).
    fleet = mixed_fleet(context.text(NAME) or "", FLEET, DEVICES)
    other = next((m for m in fleet.members if m.names_other_device), None)
    if other is not None:
        return (f"the base image depends on the device type: the fleet is built once, for "
                f"{FLEET}, so every device gets {other.got}, the {other.device_type}s too "
                f"(which would need {other.wanted})")
    return None


def fits_fleet(context: CheckContext) -> str | None:
    images = from_images(context.resolve(FLEET).dockerfile)
    for image in images:
        arch = image_arch(image)
        if arch is None:
            continue
        unable = [d for d in DEVICES if not arch_can_run(get_device_type(d).arch, arch)]
        if unable:
            return f"{image} is a {arch} image, which {', '.join(unable)} cannot run"
    return None


def serves_other_fleets(context: CheckContext) -> str | None:
    other = get_device_type(OTHER_FLEET)
    images = from_images(context.resolve(OTHER_FLEET).dockerfile)
    wrong = [i for i in images if image_arch(i) not in (None, other.arch)]
    if wrong:
        return (f"built for an {OTHER_FLEET} fleet ({other.arch}) the template still says "
                f"FROM {wrong[0]}")
    return None


builds = builds_for(FLEET)


def prints_arch(context: CheckContext) -> str | None:
    # The container runs with this check's uname and arch (wherever a command finds
    # them), which mark the machine name: a fixed text (echo armv7l) cannot print it.
    result = context.run(FLEET, prepare=machine_shims(context.marker))
    if result.exit_code == 0 and f"armv7l.{context.marker}" in result.output:
        return None
    shown = ran(result, hide="." + context.marker)
    if result.exit_code == 0 and "armv7l" in result.output:
        return shown + ", but not from the system's uname or arch when the container ran"
    return shown


EXERCISE = Exercise(
    name="templates-mixed-fleet",
    title="A template for a mixed Pi 3 and Pi 4 fleet",
    section="Dockerfile templates",
    notebook="04-templates-mixed-fleet.ipynb",
    answers={"TEMPLATE": NAME},
    cells={"answer-template": ("TEMPLATE",)},
    checks=(
        Check("is-template", f"balena builds {NAME} for the fleet",
              "The file must be a valid Dockerfile template.", is_template, counts=False),
        Check("no-machine-name", "the base image does not depend on the fleet's device type",
              "Read the warning in the templates section: which variable is the same for "
              "every device of this fleet?", no_machine_name, after=("is-template",)),
        Check("fits-fleet", "every device in the fleet can run the base image",
              "Pi 4s (64-bit) can run 32-bit ARMv7 images; Pi 3s cannot run 64-bit ones.",
              fits_fleet, after=("no-machine-name",)),
        Check("serves-other-fleets", "the same template builds for an x86 fleet too",
              "Hard-coding one device's image defeats the point of a template.",
              serves_other_fleets, after=("fits-fleet",)),
        Check("page-rules", "the template keeps the page's rules",
              "The rule and its line are named above.", page_rules(NAME),
              after=("no-machine-name",)),
        Check("builds", "the image builds for the fleet (raspberrypi3, under QEMU)",
              "Read the failing step; the base image must be one of the fleet's arch.",
              builds, needs_engine=True, after=("no-machine-name",)),
        Check("prints-arch", "the container prints its machine architecture",
              "Let the container ask the system which machine it runs on, rather than "
              "print a fixed text.", prints_arch, needs_engine=True, after=("builds",)),
    ),
)
