"""Multiple Dockerfiles: give raspberrypi4-64 its own Dockerfile without changing any other device."""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import ResolutionError
from ...resolution.resolver import resolve
from ..core import Check, Exercise
from ._facts import builds_for, page_rules, run_failure

if TYPE_CHECKING:
    from ..context import CheckContext

DEVICE = "raspberrypi4-64"
OTHERS = ("raspberrypi3", "raspberrypi3-64", "raspberrypi5", "raspberrypi400-64", "intel-nuc")
TEMPLATE = """FROM balenalib/%%BALENA_ARCH%%-debian
CMD ["echo", "Hello from a %%BALENA_MACHINE_NAME%%"]
"""
PI3 = """FROM balenalib/raspberrypi3-debian
CMD ["echo", "Hello from a Pi 3, with its own Dockerfile"]
"""
GIVEN = {"Dockerfile.template": TEMPLATE, "Dockerfile.raspberrypi3": PI3}
GREETING = "Hello from a Pi 4"


def own_file(context: CheckContext) -> str | None:
    resolution = context.resolve(DEVICE)
    if resolution.source in GIVEN:
        return f"{DEVICE} still builds {resolution.source} ({resolution.kind})" + _near_miss(
            [c.path for c in resolution.candidates if c.outcome == "ignored"])
    if resolution.kind != "arch-specific":
        return f"{DEVICE} builds {resolution.source} ({resolution.kind})"
    return None


def _near_miss(ignored: list[str]) -> str:
    """"; did you mean Dockerfile.<DEVICE>?" for an ignored file whose name is close to it."""
    wanted = f"Dockerfile.{DEVICE}"
    close = difflib.get_close_matches(wanted, ignored, n=1, cutoff=0.8)
    return f"; {close[0]} is ignored: did you mean {wanted}?" if close else ""


def device_specific(context: CheckContext) -> str | None:
    resolution = context.resolve(DEVICE)
    chosen = [c for c in resolution.candidates if c.outcome == "chosen"]
    if chosen and "Dockerfile.<arch>" in chosen[0].reason:
        return f"{resolution.source} is chosen as the file for the whole {resolution.arch} arch"
    return None


def _outcome(project: Path, device: str) -> tuple[str, str]:
    try:
        resolution = resolve(project, device)
    except ResolutionError as error:
        return "error", error.message
    return resolution.source, resolution.dockerfile


def others_unchanged(context: CheckContext) -> str | None:
    from ..context import write_project  # the Docker SDK with it: only when checking

    with tempfile.TemporaryDirectory() as scratch:
        before = Path(scratch) / "given"
        write_project(before, GIVEN)
        changed = [d for d in OTHERS if _outcome(before, d) != _outcome(context.project, d)]
    if changed:
        now = ", ".join(f"{d} -> {_outcome(context.project, d)[0]}" for d in changed)
        return f"these device types now build something else: {now}"
    return None


builds = builds_for(DEVICE)


def says_hello(context: CheckContext) -> str | None:
    return run_failure(context.run(DEVICE), GREETING)


EXERCISE = Exercise(
    name="pi4-own-dockerfile",
    title="Give the Raspberry Pi 4 its own Dockerfile",
    section="Multiple Dockerfiles",
    notebook="05-pi4-own-dockerfile.ipynb",
    answers={"NEW_FILES": "*"},
    cells={"answer-files": ("NEW_FILES",)},
    given=GIVEN,
    checks=(
        Check("own-file", f"{DEVICE} builds a Dockerfile of its own",
              "Read the order of preference in the Multiple Dockerfiles section.", own_file),
        Check("device-specific", f"the file is chosen for the device type {DEVICE}, "
              "not for its whole arch", "Other devices share the Pi 4's arch.",
              device_specific, after=("own-file",)),
        Check("others-unchanged", "every other device type builds exactly what it built before",
              "Only add a file; the name decides which devices pick it up.", others_unchanged,
              after=("own-file",)),
        Check("page-rules", "the project's Dockerfiles keep the page's rules",
              "The rule and its line are named above.", page_rules(), after=("own-file",)),
        Check("builds", f"the image builds for {DEVICE} (under QEMU)",
              "Read the failing step; the base image must be an aarch64 one.", builds,
              needs_engine=True, after=("own-file",)),
        Check("says-hello", f"the {DEVICE} container greets as a Pi 4",
              "Read the task again: what should a Pi 4 say when its container starts?",
              says_hello, needs_engine=True,
              after=("builds",)),
    ),
)
