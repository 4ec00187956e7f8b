"""Run an image as a device of another arch would: its CPU played by QEMU.

On this x86_64 machine binfmt_misc runs every ARM binary with the emulator of
the binary's own arch, so an aarch64 image always "works", even for a Raspberry
Pi 3 that could never run it.  To see what a device does with an image, the
image's first program is started by QEMU's user-mode emulator for the device's
CPU instead (``qemu-arm -cpu cortex-a7`` for an armv7hf device, the modes in
``data/arches.yaml``), put into the container as its entrypoint: a static x86
binary, so it runs here natively and loads the image's program itself.

What is real: QEMU's loader reads the image's own ``/bin/sh`` and accepts it
or refuses it as the device's kernel would (an aarch64 ELF on a 32-bit ARM
CPU: "Invalid ELF image for this architecture", which the device's kernel
reports as ``exec format error``), and the shell then runs on that CPU model.
The shell is what is loaded because QEMU's loader takes only an ELF file by
its path (no PATH search, no ``#!`` script), and an image's CMD is often
``node ...`` or a script.  What is not: only that shell runs on the device's
CPU; the program it starts (the image's CMD) is run by binfmt_misc with its
own arch's emulator, so an image without ``/bin/sh`` cannot be checked here.  And an ARMv7 binary on
an ARMv6 CPU is not run at all: QEMU's ARMv6 models hang on it where the device
raises "Illegal instruction", so the image's recorded variant decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import docker

from .._values import JsonValue
from ..catalog.arches import Arch, CpuMode
from ..errors import EmulationUnavailable, RunError
from .client import connect
from .containers import RunResult, run

#: Where the host's static QEMU binaries are (Debian's qemu-user-static).
QEMU_DIR = Path("/usr/bin")
#: What QEMU's loader says when the binary is not for the CPU it plays.
REFUSED = "Invalid ELF image for this architecture"
_IN_CONTAINER = "/.balena-lab/qemu"
#: The image's binary the device's CPU loads first (see :func:`run_as_device`).
SHELL = "/bin/sh"


@dataclass(frozen=True)
class DeviceRun(JsonValue):
    """What a device of ``device_arch`` did with ``image``: ``outcome`` is ``runs``,
    ``refused`` (exec format error) or ``cannot-run`` (not started: see ``reason``)."""

    image: str
    image_platform: str
    device_arch: str
    emulator: str  # "qemu-arm -cpu cortex-a7"
    outcome: str
    reason: str
    result: RunResult | None

    @property
    def runs(self) -> bool:
        return self.outcome == "runs"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def qemu_binary(mode: CpuMode) -> Path:
    """The host's static QEMU for ``mode``; EmulationUnavailable if it is not installed."""
    path = QEMU_DIR / f"{mode.qemu}-static"
    if not path.is_file():
        raise EmulationUnavailable(
            f"{path} is missing: it plays the CPU of {mode.qemu.removeprefix('qemu-')} devices",
            fix="sudo apt-get install -y qemu-user-static")
    return path


def run_as_device(image: str, device: Arch, command: str | Sequence[str] | None = None, *,
                  timeout: float = 60,
                  client: docker.DockerClient | None = None) -> DeviceRun:
    """Start ``image``'s program (or ``command``) on the CPU of a ``device``-arch device."""
    client = client or connect()
    try:
        attrs = client.images.get(image).attrs
    except docker.errors.ImageNotFound:
        raise RunError(f"no image {image} on this engine", fix="build it first") from None
    architecture, variant = str(attrs.get("Architecture", "")), attrs.get("Variant") or None
    platform = "/".join(part for part in (architecture, variant) if part)
    mode, executes = device.cpu_mode(architecture, variant)
    emulator = f"{mode.qemu} -cpu {mode.cpu}"
    if not executes and mode.image == architecture:
        # Same instruction set, a later revision (ARMv7 code, ARMv6 CPU): see the docstring.
        return DeviceRun(image, platform, device.name, emulator, "cannot-run",
                         f"the CPU of {device.name} devices ({mode.cpu}) lacks the instructions "
                         f"of {platform} code: the device stops at the first one (Illegal "
                         "instruction); not run here", None)
    config = attrs.get("Config") or {}
    if isinstance(command, str):
        program = ["/bin/sh", "-c", command]
    elif command:
        program = list(command)
    else:
        program = [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]
    if not program:
        raise RunError(f"{image} has no CMD or ENTRYPOINT to run", fix="pass a command")
    qemu = qemu_binary(mode)
    # QEMU's loader takes an ELF file only: no PATH search, no #! script.  So what the
    # device's CPU loads is the image's own shell, which then starts the program (as
    # the container's init would, through the kernel: binfmt_misc here).
    result = run(image, [SHELL, "-c", 'exec "$0" "$@"', *program], timeout=timeout,
                 client=client, entrypoint=[_IN_CONTAINER, "-cpu", mode.cpu],
                 files={_IN_CONTAINER: (qemu.read_bytes(), 0o755)})
    if REFUSED in result.output and not result.ok:
        note = device.cpu_note(architecture)
        return DeviceRun(image, platform, device.name, emulator, "refused",
                         f"exec format error: {device.name} devices do not execute "
                         f"{platform} binaries (QEMU playing their CPU: \"{REFUSED}\")"
                         + (f"; but {note}" if note else ""), result)
    if result.timed_out:
        reason = f"runs (still running at the {timeout:g} s limit)"
    elif result.ok:
        reason = "runs"
    else:
        reason = f"runs, and the program exited {result.exit_code}"
    return DeviceRun(image, platform, device.name, emulator, "runs", reason, result)
