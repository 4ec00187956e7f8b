"""Questions about a fleet of device types, answered with the resolver's own rules.

Two helpers the masterclass widgets and notebooks use, so that no rule
lives only in a widget (the picker's search is the catalogue's own,
:func:`~..catalog.devicetypes.search_device_types`):

- :func:`precedence_matrix`: which file every device type of the catalogue builds
  for one project (the same loop as ``balena-lab resolve --matrix``);
- :func:`mixed_fleet`: the page's warning about ``%%BALENA_MACHINE_NAME%%`` in a
  fleet of several device types, made concrete: a fleet's services are built
  once, for the fleet's device type, and every device gets that one image.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._values import JsonValue
from ..catalog import devicetypes
from ..dockerfile.parser import parse
from ..dockerfile.stages import base_images
from ..errors import ResolutionError
from . import templates
from .resolver import page_level, resolve


@dataclass(frozen=True)
class MatrixRow:
    """What one device type builds: the winning file and its kind, or the error."""

    device_type: str
    arch: str
    kind: str | None
    source: str | None
    error: str | None = None  # the contract's error type
    message: str | None = None  # the error's message

    @property
    def level(self) -> str | None:
        """The page's level of the file built (:data:`~.resolver.PAGE_ORDER`)."""
        return page_level(self.kind, self.source or "", self.arch) if self.kind else None

    @property
    def outcome(self) -> str:
        if self.error is not None:
            return f"error: {self.error}"
        return str(self.source) if self.source == self.level else f"{self.source} ({self.level})"


@dataclass(frozen=True)
class PrecedenceMatrix(JsonValue):
    """Every device type of the catalogue, and the file balena builds for it."""

    project_dir: str
    files: tuple[str, ...]  # the top-level files the resolvers looked at
    rows: tuple[MatrixRow, ...]

    def for_device(self, device_type: str) -> MatrixRow:
        slug = devicetypes.get_device_type(device_type).slug
        return next(row for row in self.rows if row.device_type == slug)

    def to_dict(self) -> dict[str, Any]:
        """The ``balena-lab resolve --matrix --json`` object: arch -> its device types."""
        by_arch: dict[str, list[dict[str, Any]]] = {}
        for row in self.rows:
            error = {"type": row.error, "message": row.message} if row.error else None
            by_arch.setdefault(row.arch, []).append(
                {"device_type": row.device_type, "kind": row.kind, "source": row.source,
                 "error": error})
        return {"arches": by_arch}

    def groups(self) -> dict[str, dict[str, list[str]]]:
        """arch -> outcome -> device type slugs, in catalogue order."""
        out: dict[str, dict[str, list[str]]] = {}
        for row in self.rows:
            out.setdefault(row.arch, {}).setdefault(row.outcome, []).append(row.device_type)
        return out

    def __str__(self) -> str:
        lines = []
        for arch, outcomes in self.groups().items():
            lines.append(f"{arch}:")
            for outcome, slugs in outcomes.items():
                shown = ", ".join(slugs[:5]) + (", ..." if len(slugs) > 5 else "")
                lines.append(f"  {outcome}: {len(slugs)} ({shown})")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        body = []
        for arch, outcomes in self.groups().items():
            for outcome, slugs in outcomes.items():
                shown = ", ".join(slugs[:6]) + (", ..." if len(slugs) > 6 else "")
                body.append(f"<tr><td>{esc(arch)}</td><td><code>{esc(outcome)}</code></td>"
                            f"<td>{len(slugs)}</td><td>{esc(shown)}</td></tr>")
        return ("<table><tr><th>arch</th><th>builds</th><th>device types</th><th>e.g.</th></tr>"
                + "".join(body) + "</table>")


def precedence_matrix(
    project_dir: str | Path,
    *,
    arch: str | None = None,
    dockerfile: str | None = None,
    variables: Mapping[str, str] | None = None,
) -> PrecedenceMatrix:
    """Resolve ``project_dir`` for every device type of the catalogue."""
    rows = []
    devices = [d for group in devicetypes.device_types_by_arch().values() for d in group]
    for device in devices:  # grouped by arch, as the matrix is shown
        try:
            r = resolve(project_dir, device.slug, arch, dockerfile=dockerfile,
                        variables=variables)
            rows.append(MatrixRow(device.slug, r.arch, r.kind, r.source))
        except ResolutionError as error:
            rows.append(MatrixRow(device.slug, arch or device.arch, None, None, error.type,
                                  error.message))
    folder = Path(project_dir)
    files = tuple(sorted(p.name for p in folder.iterdir() if p.is_file())) if folder.is_dir() else ()
    return PrecedenceMatrix(str(project_dir), files, tuple(rows))


@dataclass(frozen=True)
class FleetMember:
    """One device of a mixed fleet, and the image line the fleet's one build gave it."""

    device_type: str
    arch: str
    wanted: str  # the base image(s) the template gives this device's own type and arch
    got: str  # the base image(s) it gives the fleet's device type (what was built)
    runs: bool  # whether this device can run images of the fleet's arch at all
    names_other_device: bool  # the built line depends on the machine name, and it is not ours

    @property
    def correct(self) -> bool:
        return self.runs and not self.names_other_device

    def verdict(self, fleet_device_type: str, fleet_arch: str) -> str:
        """Whether this device runs the fleet's image as it should, and why, in one line."""
        if not self.runs:
            return f"no: {self.arch} devices cannot run {fleet_arch} images"
        if self.names_other_device:
            return f"no: the image is made for {fleet_device_type}, not for this device"
        if self.arch != fleet_arch:
            return f"yes: {self.arch} devices also run {fleet_arch} images"
        return "yes"


@dataclass(frozen=True)
class MixedFleet:
    """The result of :func:`mixed_fleet`."""

    fleet_device_type: str
    fleet_arch: str
    line: str  # the template line examined (the first FROM by default)
    members: tuple[FleetMember, ...]

    @property
    def all_correct(self) -> bool:
        return all(member.correct for member in self.members)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        for m in self.members:
            verdict = esc(m.verdict(self.fleet_device_type, self.fleet_arch))
            shown = verdict if m.correct else f"<b>{verdict}</b>"
            rows.append(f"<tr><td>{esc(m.device_type)}</td><td>{esc(m.arch)}</td>"
                        f"<td><code>{esc(m.wanted)}</code></td><td><code>{esc(m.got)}</code></td>"
                        f"<td>{shown}</td></tr>")
        return (f"<p>fleet device type <b>{esc(self.fleet_device_type)}</b> "
                f"({esc(self.fleet_arch)}): one build for every device</p>"
                "<table><tr><th>device</th><th>arch</th><th>its own build would use</th>"
                "<th>the fleet's one build uses</th><th>does it run the image it should?</th>"
                f"</tr>{''.join(rows)}</table>")


def mixed_fleet(template: str, fleet_device_type: str, devices: Iterable[str]) -> MixedFleet:
    """The base images ``template`` gives a fleet, and the ones each of its devices needs.

    balena builds a fleet's services once, with the build variables of the
    fleet's device type; every device then runs that image. A member is
    served correctly when its arch can run the fleet's images and the built
    images do not name another device type: the template rendered with the
    member's own machine name (and the fleet's arch) gives the same images.
    The images are read as Docker reads them (:mod:`balena_lab.dockerfile.stages`:
    ARGs expanded), so a machine name hidden in an ARG, or written
    ``%%RESIN_MACHINE_NAME%%``, is seen too.
    """
    fleet = devicetypes.get_device_type(fleet_device_type)
    lines = template.split("\n")
    first = next((i for i in parse(template).instructions if i.name == "FROM"), None)
    line = lines[first.start_line - 1] if first is not None else lines[0]
    got = _images(template, fleet.slug, fleet.arch)
    members = []
    for slug in devices:
        device = devicetypes.get_device_type(slug)
        wanted = _images(template, device.slug, device.arch)
        own = _images(template, device.slug, fleet.arch)
        members.append(FleetMember(device.slug, device.arch, wanted, got,
                                   device.can_run(fleet.arch), own != got))
    return MixedFleet(fleet.slug, fleet.arch, line, tuple(members))


def _images(template: str, device_type: str, arch: str) -> str:
    """The images ``template`` builds FROM for this device type and arch, comma-joined."""
    variables = {**templates.builtin_variables(device_type, arch), "BALENA_SERVICE_NAME": "main"}
    text = templates.render(template, variables).text
    return ", ".join(item.image for item in base_images(text))
