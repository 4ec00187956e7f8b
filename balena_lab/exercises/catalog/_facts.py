"""Small facts about an answer that several exercises' checks share.

:func:`page_rules` is the check every exercise with a Dockerfile or a start
script of the learner's has: the rules of the page, read by the lint engine
itself (``balena_lab.lint``), never by a copy of its rules.  :func:`machine_shims`
are the programs a run-time check puts into a container so that what the
container prints can only come from asking the system, not from a fixed text.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...catalog.arches import all_arches
from ...catalog.devicetypes import find_device_type
from ...context.archive import made_context
from ...dockerfile import Dockerfile, Instruction, parse
from ...dockerfile.stages import base_images
from ...lint import LintReport, lint
from ..core import CheckFailed

if TYPE_CHECKING:
    from ...engine.containers import RunResult
    from ..context import CheckContext


def builds_for(device_type: str) -> Callable[[CheckContext], str | None]:
    """The "it builds" check every exercise has: a failed build raises with its reason,
    and an image of another platform than the device's fails with the build's warning
    (balena's builder would build it too, but it is no image for this device type)."""
    def builds(context: CheckContext) -> str | None:
        result = context.build(device_type)
        if result.warnings:
            return (f"the image is {result.platform}, not {result.arch}: "
                    + result.warnings[0].split(". ")[0])
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


# The page's rules an exercise answer must keep: every error-level finding, and these
# warnings of the lint engine, which the page states as rules (CMD last, COPY where ADD
# is not needed, exec form that is really JSON and runs no shell).
PAGE_RULES = frozenset({"BL002", "BL004", "BL007", "BL008"})


def page_rules(*names: str, skip: tuple[str, ...] = ()) -> Callable[[CheckContext], str | None]:
    """The check that ``names`` (every ``Dockerfile*`` of the project when none are
    given) break none of the page's rules; the build context is the project, so a
    start script copied in is read too.  ``skip``: rules the exercise checks itself."""
    def check(context: CheckContext) -> str | None:
        files = names or tuple(n for n in sorted(context.files)
                               if n.split("/")[-1].startswith("Dockerfile"))
        broken = []
        for name in files:
            if context.text(name) is None:
                continue
            for finding in linted(context, name).findings:
                if finding.rule in skip:
                    continue
                if finding.severity == "error" or finding.rule in PAGE_RULES:
                    broken.append(f"{name}:{finding.start_line}: {finding.rule} "
                                  f"{finding.message}")
        return "; ".join(broken) or None

    return check


def machine_shims(marker: str) -> Callable[[Any], None]:
    """A ``prepare`` for a check's container: ``uname`` and ``arch``, wherever a command
    finds them (the PATH, ``/bin``, ``/usr/bin``), answer as the system does, with
    ``.<marker>`` after the machine name.  Only a container that asks the system at
    run time prints the marker; a fixed text cannot.  The image's own ``uname`` is
    kept aside and called by the stand-ins."""
    real = "/usr/lib/balena-lab-check/uname"
    shim = (
        "#!/bin/sh\n"
        "# balena-lab check: the system's uname, marked for this check run\n"
        f'{real} "$@" | sed -E '
        f"'s/(armv[0-9]+l|aarch64|x86_64|i[3-6]86)/\\1.{marker}/'\n"
    ).encode()
    arch = b"#!/bin/sh\nexec /usr/bin/uname -m\n"

    def prepare(container: Any) -> None:
        stream, _ = container.get_archive("/usr/bin/uname")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.next()
            binary = tar.extractfile(member) if member is not None else None
            data = binary.read() if binary is not None else b""
        entries = {real.lstrip("/"): (data, 0o755), "usr/bin/uname": (shim, 0o755),
                   "usr/local/bin/uname": (shim, 0o755), "usr/bin/arch": (arch, 0o755)}
        with made_context(entries) as context:
            container.put_archive("/", context.read())

    return prepare


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


def stamp_words(marker: str, purpose: str = "run") -> tuple[str, str, str]:
    """(head, tail, word): a stamped file spells out ``head`` and ``tail`` apart and prints
    ``word``, their join, so only running the file (not reading it) shows the word.

    The word is derived from the run's marker and the file's ``purpose``, so it differs
    from the marker itself and from any other stamped file's word: printing another
    stamped file (``cat`` of an archive's readme) shows no word of this one."""
    word = hashlib.sha256(f"{marker}:{purpose}".encode()).hexdigest()[:16]
    return word[:8], word[8:], word
