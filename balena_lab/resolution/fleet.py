"""Questions about a fleet of device types, answered with the resolver's own rules.

Three helpers the masterclass widgets and notebooks use, so that no rule
lives only in a widget:

- :func:`search_device_types`: the picker's filter (name, slug or alias, and arch);
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
from ..catalog.devicetypes import DeviceType
from ..dockerfile.parser import parse
from ..dockerfile.stages import base_images
from ..errors import ResolutionError
from . import templates
from .resolver import resolve


def search_device_types(query: str = "", arch: str | None = None) -> list[DeviceType]:
    """Device types whose name, slug or an alias contains ``query`` (any case), of ``arch``.

    An empty query matches every device type; ``arch`` None (or ``""``) matches every arch.
    Slugs that start with the query come first, then the catalogue's order.
    """
    needle = query.strip().lower()
    found = []
    for device in devicetypes.all_device_types().values():
        if arch and device.arch != arch:
            continue
        haystack = (device.slug, device.name.lower(), *device.aliases)
        if needle and not any(needle in text for text in haystack):
            continue
        found.append(device)
    found.sort(key=lambda d: not d.slug.startswith(needle))  # stable
    return found


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
    def outcome(self) -> str:
        return f"{self.source} ({self.kind})" if self.error is None else f"error: {self.error}"


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
        rows = "".join(
            f"<tr><td>{esc(m.device_type)}</td><td>{esc(m.arch)}</td><td><code>{esc(m.wanted)}"
            f"</code></td><td><code>{esc(m.got)}</code></td><td>"
            + ("yes" if m.correct else "<b>no</b>" + ("" if m.runs else " (wrong arch)"))
            + "</td></tr>" for m in self.members)
        return (f"<p>fleet device type <b>{esc(self.fleet_device_type)}</b> "
                f"({esc(self.fleet_arch)}): one build for every device</p>"
                "<table><tr><th>device</th><th>arch</th><th>it needs</th><th>it gets</th>"
                f"<th>right?</th></tr>{rows}</table>")


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
