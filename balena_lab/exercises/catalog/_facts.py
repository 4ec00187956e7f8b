"""Small facts about an answer that several exercises' checks share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...catalog.arches import all_arches
from ...catalog.devicetypes import find_device_type
from ...dockerfile import Dockerfile, Instruction, parse
from ...dockerfile.stages import base_images
from ...lint import LintReport, lint
from ..core import CheckFailed

if TYPE_CHECKING:
    from ...engine.containers import RunResult
    from ..context import CheckContext


def builds_for(device_type: str) -> Callable[[CheckContext], str | None]:
    """The "it builds" check every exercise has: a failed build raises with its reason."""
    def builds(context: CheckContext) -> str | None:
        context.build(device_type)
        return None

    return builds


def parsed(context: CheckContext, name: str) -> Dockerfile:
    """The project file ``name`` parsed as a Dockerfile (raises when absent or invalid)."""
    text = context.text(name)
    if text is None or not text.strip():
        raise CheckFailed(f"{name} is empty")
    return parse(text, path=name)


def linted(context: CheckContext, name: str) -> LintReport:
    return lint(parsed(context, name), path=name, context=context.project)


def instructions(context: CheckContext, name: str, keyword: str) -> list[Instruction]:
    return [i for i in parsed(context, name).instructions if i.name == keyword]


def from_images(text: str) -> list[str]:
    """The images of the FROM lines of a Dockerfile text, as the engine reads them."""
    return [item.image for item in base_images(text)]


def image_arch(image: str) -> str | None:
    """The balena arch an image name is for, or None for a multi-arch name (``debian``).

    ``balenalib/<arch|device type>-...`` and ``balena-lab/debian:bookworm-<arch>``.
    """
    name, _, tag = image.partition(":")
    if name.startswith("balena-lab/"):
        suffix = tag.rsplit("-", 1)[-1]
        return suffix if suffix in all_arches() else None
    for prefix in ("balenalib/", "resin/"):
        if name.startswith(prefix):
            hardware = name[len(prefix):]
            # the longest known arch or device type the name starts with
            for cut in range(len(hardware), 0, -1):
                head = hardware[:cut]
                if cut < len(hardware) and hardware[cut] != "-":
                    continue
                if head in all_arches():
                    return head
                device = find_device_type(head)
                if device is not None:
                    return device.arch
    return None


def ran(result: RunResult, *, what: str = "the container", hide: str = "") -> str:
    """What a run did, in a check's words: its exit code and the end of its output
    (``hide`` removed: a check's marker is not the learner's output)."""
    if result.timed_out:
        return f"{what} was still running after the time limit"
    printed = (result.output.replace(hide, "") if hide else result.output).strip()[-200:]
    return f"{what} exited with {result.exit_code}: {printed!r}"


def run_failure(result: RunResult, expect: str, *, what: str = "the container",
                hide: str = "") -> str | None:
    """None when the run exited 0 having printed ``expect``; else :func:`ran`."""
    if not result.timed_out and result.exit_code == 0 and expect in result.output:
        return None
    return ran(result, what=what, hide=hide)


def stamp_words(marker: str) -> tuple[str, str, str]:
    """(head, tail, word): a stamped file spells out ``head`` and ``tail`` apart and prints
    ``word``, their join, so only running the file (not reading it) shows the word."""
    half = len(marker) // 2
    return marker[:half], marker[half:], marker
