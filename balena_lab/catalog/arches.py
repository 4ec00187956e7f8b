"""balena's CPU arches and what each means to Docker, Debian and QEMU.

The table lives in ``data/arches.yaml``; this module turns it into values.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .. import _data
from ..errors import UnknownArchError


@dataclass(frozen=True)
class CpuMode:
    """How a device of some arch executes binaries of one image architecture: the QEMU
    user-mode emulator and ``-cpu`` model that play its CPU (``data/arches.yaml``)."""

    image: str  # the image's Docker architecture: amd64, arm64, arm, 386
    qemu: str  # qemu-arm, ...
    cpu: str  # the -cpu model
    #: the image variants it takes, if not all ("" stands for an image with none recorded)
    variants: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.variants is not None:
            object.__setattr__(self, "variants", tuple(self.variants))

    def takes(self, architecture: str, variant: str | None) -> bool:
        return architecture == self.image and (
            self.variants is None or (variant or "") in self.variants)


@dataclass(frozen=True)
class Arch:
    """One balena arch (the value ``%%BALENA_ARCH%%`` takes)."""

    name: str
    docker_platform: str
    debian_arch: str
    uname_machine: str
    qemu: str | None
    description: str
    image_shared_with: str | None = None
    device_cpu: tuple[CpuMode, ...] = ()
    #: by image architecture: what a real kernel of this arch may do beyond QEMU's answer
    cpu_notes: tuple[tuple[str, str], ...] = ()

    def cpu_note(self, architecture: str) -> str | None:
        return dict(self.cpu_notes).get(architecture)

    def cpu_mode(self, architecture: str, variant: str | None) -> tuple[CpuMode, bool]:
        """The mode a device of this arch runs an image of ``architecture``/``variant``
        in, and whether its kernel executes such binaries at all (if not: the native
        mode, whose loader refuses them)."""
        for mode in self.device_cpu:
            if mode.takes(architecture, variant):
                return mode, True
        return self.device_cpu[0], False

    @property
    def emulated(self) -> bool:
        """True when an x86_64 host needs QEMU to run this arch's binaries."""
        return self.qemu is not None

    @property
    def docker_architecture(self) -> str:
        """The ``Architecture`` field ``docker image inspect`` reports (amd64, arm64, arm, 386)."""
        return self.docker_platform.split("/")[1]

    @property
    def docker_variant(self) -> str | None:
        """The ``Variant`` field ``docker image inspect`` reports (v8, v7, v6), if any."""
        parts = self.docker_platform.split("/")
        return parts[2] if len(parts) > 2 else None

    def runs_image(self, architecture: object, variant: object) -> bool:
        """Whether an image recorded as ``architecture``/``variant`` is of this arch.

        An image without a variant is taken at its word for the architecture; one
        with a variant must match it (an ARMv7 image is no image for an ARMv6 rpi).
        """
        if architecture != self.docker_architecture:
            return False
        return variant in (None, "") or self.docker_variant is None or variant == self.docker_variant

    @property
    def image_arch(self) -> str:
        """The arch whose base image this arch uses (i386-nlp uses i386's)."""
        return self.image_shared_with or self.name


def all_arches() -> dict[str, Arch]:
    """Every balena arch, by name, in the order of the data file."""
    table = _data.load("arches.yaml")["arches"]
    arches = {}
    for name, fields in table.items():
        modes = tuple(CpuMode(**mode) for mode in fields.get("device_cpu", ()))
        notes = tuple((str(k), " ".join(str(v).split()))
                      for k, v in (fields.get("cpu_notes") or {}).items())
        arches[name] = Arch(name=name, **{**fields, "device_cpu": modes, "cpu_notes": notes})
    return arches


def get_arch(name: str) -> Arch:
    """The arch called ``name``; an :class:`UnknownArchError` suggesting the closest names otherwise."""
    arches = all_arches()
    try:
        return arches[name]
    except KeyError:
        close = difflib.get_close_matches(name, arches, n=3, cutoff=0.4)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownArchError(
            f"unknown balena arch {name!r}.{hint} Known arches: {', '.join(arches)}."
        ) from None
