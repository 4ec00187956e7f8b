"""From a lesson to the balena CLI: the commands that do for a fleet what the lesson did.

Every lesson builds on the local engine.  :func:`equivalents` gives the balena
CLI (v20 and later) commands that would do the same for a learner's own fleet,
in the words of ``balena build --help``: a local build needs either ``--fleet``
or ``--deviceType`` (with ``--arch``; ``--emulated`` for an ARM build on an x86
machine, through QEMU as here), ``balena deploy`` builds locally and releases,
``balena push`` builds on balena's builders.  The page says each of them, and
``git push``, honours the multiple Dockerfiles.
"""

from __future__ import annotations

import html
import shlex
from dataclasses import dataclass

from ..catalog.arches import get_arch
from ..catalog.devicetypes import get_device_type

#: The fleet placeholder the commands show.
FLEET = "myFleet"


@dataclass(frozen=True)
class Equivalents:
    """balena CLI commands, each with what it does."""

    commands: tuple[tuple[str, str], ...]  # (what it does, the command)

    def __repr__(self) -> str:  # what a notebook shows as text/plain: stable
        return str(self)

    def __str__(self) -> str:
        return "\n".join(f"{command}\n    # {what}" for what, command in self.commands)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{html.escape(command)}</code></td>"
                       f"<td>{html.escape(what)}</td></tr>" for what, command in self.commands)
        return ("<p><b>The same with the balena CLI</b>, for your own fleet:</p><table>"
                f"<tr><th>command</th><th>what it does</th></tr>{rows}</table>")


def equivalents(device_type: str, arch: str | None = None, *, source: str = ".",
                fleet: str = FLEET) -> Equivalents:
    """The balena CLI commands that build ``source`` for ``device_type`` (and ``arch``,
    the device type's own by default) and release it to ``fleet``."""
    device = get_device_type(device_type)
    target = get_arch(arch or device.arch)
    words = ["balena", "build", source, "--deviceType", device.slug, "--arch", target.name]
    if target.emulated:
        words.append("--emulated")
    return Equivalents((
        ("build here, as this lesson did (--emulated: ARM steps under QEMU)"
         if target.emulated else "build here, as this lesson did", shlex.join(words)),
        ("build here for the fleet's own device type and arch",
         shlex.join(["balena", "build", source, "--fleet", fleet])),
        ("build here, then upload the images and create a release",
         shlex.join(["balena", "deploy", fleet, "--build", "--source", source])),
        ("build on balena's builders and release to every device of the fleet",
         shlex.join(["balena", "push", fleet, "--source", source])),
        ("the same with git, once the fleet's remote is added", "git push balena main"),
    ))
