"""A fleet, for real: built once for its device type, then run by each of its devices.

balena builds a fleet's release once, for the fleet's device type and arch, and
every device of the fleet runs that one image.  The page warns what follows for
a fleet of mixed devices; :func:`run_fleet` shows it: one real build, then the
image started on the CPU of each member's own arch
(:func:`~..engine.devicecpu.run_as_device`), next to what balena's API says
about the member joining a fleet of that arch
(:func:`~..catalog.devicetypes.arch_can_run`).  Where the two could disagree,
the table shows both.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..builder.build import build
from ..builder.events import BuildEvent, BuildResult
from ..catalog.arches import get_arch
from ..catalog.devicetypes import get_device_type
from ..engine.devicecpu import DeviceRun, run_as_device
from ..engine.names import image_tag


@dataclass(frozen=True)
class MemberRun:
    """One device of the fleet, and what its CPU did with the fleet's image."""

    device_type: str
    arch: str
    may_join: bool  # balena lets a device of this arch join a fleet of the fleet's arch
    run: DeviceRun

    @property
    def first_line(self) -> str:
        output = self.run.result.output.strip() if self.run.result else ""
        return output.splitlines()[0] if output else ""


@dataclass(frozen=True)
class FleetRun:
    """The result of :func:`run_fleet`."""

    fleet_device_type: str
    fleet_arch: str
    build: BuildResult
    members: tuple[MemberRun, ...]

    def member(self, device_type: str) -> MemberRun:
        slug = get_device_type(device_type).slug
        return next(m for m in self.members if m.device_type == slug)

    def __repr__(self) -> str:  # what a notebook shows as text/plain: stable
        return str(self)

    def __str__(self) -> str:
        platform = self.build.platform
        lines = [f"fleet {self.fleet_device_type} ({self.fleet_arch}): one image, "
                 + f"{self.build.tag} ({platform})"]
        for m in self.members:
            joins = "may join" if m.may_join else "may not join"
            lines.append(f"  {m.device_type:22} {m.arch:8} {joins:13} {m.run.outcome:11} "
                         f"{m.run.reason}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        colour = {"runs": "#d4f7d4", "refused": "#f8d7da", "cannot-run": "#f8d7da"}
        rows = "".join(
            f"<tr style='background:{colour[m.run.outcome]}'><td>{esc(m.device_type)}</td>"
            f"<td>{esc(m.arch)}</td><td>{'yes' if m.may_join else '<b>no</b>'}</td>"
            f"<td><b>{'yes' if m.run.runs else 'no'}</b>: {esc(m.run.reason)}</td>"
            f"<td><code>{esc(m.run.emulator)}</code></td><td><code>{esc(m.first_line)}</code></td>"
            "</tr>" for m in self.members)
        platform = self.build.platform
        return (f"<p>Fleet device type <b>{esc(self.fleet_device_type)}</b>: one build, "
                f"<code>{esc(self.build.tag)}</code> ({esc(platform)}), for every device</p>"
                "<table><tr><th>device</th><th>its arch</th><th>balena lets it join?</th>"
                "<th>does its CPU run the image?</th><th>its CPU, played by</th>"
                f"<th>first line printed</th></tr>{rows}</table>")


def run_fleet(project_dir: str | Path, fleet_device_type: str, devices: Iterable[str], *,
              command: str | Sequence[str] | None = None, stand_ins: bool = True,
              timeout: float = 60,
              on_event: Callable[[BuildEvent], None] | None = None) -> FleetRun:
    """Build ``project_dir`` once for ``fleet_device_type``, as balena builds a fleet's
    release, and run the image on each of ``devices`` (its CMD, or ``command``)."""
    fleet = get_device_type(fleet_device_type)
    members = [get_device_type(slug) for slug in devices]  # every name checked first
    result = build(project_dir, fleet.slug, stand_ins=stand_ins, on_event=on_event,
                   tag=image_tag(project_dir, fleet.slug))
    runs = []
    for device in members:
        ran = run_as_device(result.tag, get_arch(device.arch), command, timeout=timeout)
        runs.append(MemberRun(device.slug, device.arch, device.can_run(fleet.arch), ran))
    return FleetRun(fleet.slug, fleet.arch, result, tuple(runs))
