"""QEMU user-mode emulation through binfmt_misc: can this host run ARM binaries?

An x86_64 Docker engine runs an ARM image's binaries only when the kernel has
a binfmt_misc handler for them (Debian's ``qemu-user-static`` registers
``qemu-aarch64`` and ``qemu-arm``).  The handler must carry the ``F`` flag
(the interpreter is opened once, at registration), or the interpreter would
have to exist inside every image.

This reads the kernel's own view in ``/proc/sys/fs/binfmt_misc``: the engine
is local, so the kernel it uses is this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalog.arches import Arch
from ..errors import EmulationUnavailable

BINFMT_DIR = Path("/proc/sys/fs/binfmt_misc")

INSTALL_FIX = (
    "sudo apt-get install -y qemu-user-static binfmt-support && "
    "sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; "
    "sudo update-binfmts --enable"
)


@dataclass(frozen=True)
class HandlerStatus:
    """One binfmt_misc handler as the kernel reports it."""

    name: str
    registered: bool
    enabled: bool
    flags: str
    interpreter: str | None
    mounted: bool = True

    @property
    def usable(self) -> bool:
        """Registered, enabled and with the F flag, so containers need no QEMU inside."""
        return self.registered and self.enabled and "F" in self.flags

    def problem(self) -> str | None:
        """Why the handler cannot serve containers, or None when it can."""
        if not self.mounted:
            return f"binfmt_misc is not mounted at {BINFMT_DIR}"
        if not self.registered:
            return f"no binfmt_misc handler {self.name} is registered"
        if not self.enabled:
            return f"the binfmt_misc handler {self.name} is disabled"
        if "F" not in self.flags:
            return (
                f"the binfmt_misc handler {self.name} lacks the F flag, so containers "
                "would need QEMU inside them"
            )
        return None


def handler_status(name: str, binfmt_dir: Path = BINFMT_DIR) -> HandlerStatus:
    """Read ``binfmt_dir/name`` (e.g. ``qemu-aarch64``)."""
    mounted = binfmt_dir.joinpath("status").exists()
    try:
        text = binfmt_dir.joinpath(name).read_text()
    except OSError:
        return HandlerStatus(name, False, False, "", None, mounted)
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        fields[key] = value.strip()
    return HandlerStatus(
        name=name,
        registered=True,
        enabled="enabled" in fields,
        flags=fields.get("flags:", ""),
        interpreter=fields.get("interpreter"),
        mounted=mounted,
    )


def require_emulation(arch: Arch, binfmt_dir: Path = BINFMT_DIR) -> None:
    """Raise :class:`EmulationUnavailable` unless this host can run ``arch`` binaries."""
    if arch.qemu is None:
        return
    status = handler_status(arch.qemu, binfmt_dir)
    problem = status.problem()
    if problem:
        raise EmulationUnavailable(
            f"cannot run {arch.name} ({arch.docker_platform}) binaries on this host: {problem}",
            fix=f"{INSTALL_FIX} {arch.qemu}",
        )
