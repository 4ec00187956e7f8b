"""balena's device types: the catalogue, lookup by slug or alias, and arch compatibility.

The data is ``data/device-types.yaml`` (a trimmed copy of the contracts-based
catalogue in ``shared/data``); this module turns it into values.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

from .. import _data
from ..errors import UnknownDeviceTypeError


@dataclass(frozen=True)
class DeviceType:
    """One balena device type (the value ``%%BALENA_MACHINE_NAME%%`` takes is its slug)."""

    slug: str
    name: str
    arch: str
    aliases: tuple[str, ...] = ()
    supported: bool = False
    # Inferred from the docs' device lists, not an official flag; None means unknown.
    discontinued: bool | None = None

    def can_run(self, image_arch: str) -> bool:
        """True when a device of this type can run images built for ``image_arch``."""
        return arch_can_run(self.arch, image_arch)


@functools.cache
def _catalogue() -> tuple[dict[str, DeviceType], dict[str, str]]:
    raw = _data.load("device-types.yaml")["device_types"]
    by_slug: dict[str, DeviceType] = {}
    for entry in raw:
        fields = dict(entry)
        fields["aliases"] = tuple(fields.get("aliases") or ())
        by_slug[entry["slug"]] = DeviceType(**fields)
    aliases: dict[str, str] = {}
    for device in by_slug.values():
        for alias in device.aliases:
            # A slug always wins over an alias of another type; first alias wins ties.
            if alias not in by_slug:
                aliases.setdefault(alias, device.slug)
    return by_slug, aliases


def all_device_types() -> dict[str, DeviceType]:
    """Every device type of the catalogue, by slug, in the data file's order."""
    return dict(_catalogue()[0])


def find_device_type(slug_or_alias: str) -> DeviceType | None:
    """The device type with this slug or alias, or None (cheap: no suggestions)."""
    by_slug, aliases = _catalogue()
    slug = slug_or_alias if slug_or_alias in by_slug else aliases.get(slug_or_alias)
    return by_slug[slug] if slug is not None else None


def get_device_type(slug_or_alias: str) -> DeviceType:
    """The device type with this slug or alias.

    Raises :class:`UnknownDeviceTypeError` naming the closest slugs otherwise.
    """
    found = find_device_type(slug_or_alias)
    if found is not None:
        return found
    by_slug, aliases = _catalogue()
    names = [*by_slug, *aliases]
    close = difflib.get_close_matches(slug_or_alias, names, n=5, cutoff=0.6)
    close_slugs = list(dict.fromkeys(aliases.get(name, name) for name in close))
    hint = f" Did you mean {', '.join(close_slugs)}?" if close_slugs else ""
    raise UnknownDeviceTypeError(
        f"unknown device type {slug_or_alias!r}.{hint}",
        name=slug_or_alias,
        suggestions=tuple(close_slugs),
        fix="balena-lab resolve DIR --matrix lists every device type slug",
    ).with_notebook_fix("use a device type slug such as raspberrypi4-64 "
                        "(balena_lab.catalog.devicetypes.all_device_types() lists them)")


def arch_compatibility() -> dict[str, tuple[str, ...]]:
    """For each device arch, the other image arches it can also run."""
    runs = _data.load("device-types.yaml")["arch_compatibility"]["runs"]
    return {arch: tuple(others) for arch, others in runs.items()}


ARCH_COMPATIBILITY_SOURCE = (
    "balena-io/balena-sdk archCompatibilityMap / isOsArchitectureCompatibleWith: "
    "aarch64 devices also run armv7hf and rpi images, armv7hf devices also run rpi images"
)


def arch_can_run(device_arch: str, image_arch: str) -> bool:
    """True when a device of ``device_arch`` can run images built for ``image_arch``.

    This is the rule the balena API applies when a device joins a fleet: the
    fleet's arch (what ``%%BALENA_ARCH%%`` and the images are) must be the
    device's own arch or one it is backwards compatible with.
    """
    return device_arch == image_arch or image_arch in arch_compatibility().get(device_arch, ())


def device_types_by_arch() -> dict[str, list[DeviceType]]:
    """Every device type grouped by arch, arches in first-seen order."""
    groups: dict[str, list[DeviceType]] = {}
    for device in _catalogue()[0].values():
        groups.setdefault(device.arch, []).append(device)
    return groups
