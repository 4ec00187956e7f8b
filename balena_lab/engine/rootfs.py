"""Making a Debian root filesystem from Debian's own packages, with debootstrap.

This is the one job that needs root and the network to Debian's mirror, so it
checks both first and says exactly what is missing.  debootstrap itself is
Debian's tool; running it is all this module does, plus packing the result
into a tar archive that keeps ownership and modes (``docker build`` then
unpacks it with ``ADD``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ..catalog.arches import Arch
from ..errors import BootstrapError, EmulationUnavailable
from .emulation import require_emulation

#: The arches ``images bootstrap`` makes when none are named.
DEFAULT_ARCHES: tuple[str, ...] = ("amd64", "aarch64", "armv7hf")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
DEFAULT_SUITE = "bookworm"

#: Receives each line debootstrap prints, as it prints it.
LineSink = Callable[[str], None]


def check_prerequisites(arch: Arch, mirror: str = DEFAULT_MIRROR, suite: str = DEFAULT_SUITE) -> None:
    """Raise :class:`BootstrapError` naming the fix for the first missing piece."""
    if shutil.which("debootstrap") is None:
        raise BootstrapError(
            "debootstrap is not installed: it makes the base images from Debian's packages",
            fix="sudo apt-get install -y debootstrap",
        )
    if os.geteuid() != 0:
        raise BootstrapError(
            "debootstrap must run as root (it creates device nodes and sets file owners)",
            fix="sudo .venv/bin/balena-lab images bootstrap",
        )
    release = f"{mirror.rstrip('/')}/dists/{suite}/Release"
    try:
        with urllib.request.urlopen(release, timeout=15) as response:
            response.read(1)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise BootstrapError(
            f"the Debian mirror {mirror} does not answer for {suite} ({reason})",
            fix="check the network, or pass --mirror URL of a Debian mirror you can reach",
        ) from None
    try:
        require_emulation(arch)
    except EmulationUnavailable as error:
        raise BootstrapError(
            f"debootstrap's second stage runs {arch.debian_arch} binaries: {error.message}",
            fix=error.fix,
        ) from None


def debootstrap(
    arch: Arch,
    target: Path,
    *,
    mirror: str = DEFAULT_MIRROR,
    suite: str = DEFAULT_SUITE,
    on_line: LineSink | None = None,
) -> None:
    """Run ``debootstrap --variant=minbase`` for ``arch`` into ``target``.

    Streams debootstrap's output to ``on_line``; on failure raises
    :class:`BootstrapError` with the tail of its output and of its own log.
    """
    command = [
        "debootstrap",
        "--variant=minbase",
        f"--arch={arch.debian_arch}",
        suite,
        str(target),
        mirror,
    ]
    tail: list[str] = []
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.rstrip()
            tail = (tail + [line])[-15:]
            if on_line:
                on_line(line)
    if process.returncode != 0:
        log = target / "debootstrap" / "debootstrap.log"
        log_tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
        details = "\n    ".join(tail + log_tail)
        raise BootstrapError(
            f"debootstrap for {arch.name} ({arch.debian_arch}) failed with exit code "
            f"{process.returncode}:\n    {details}",
            fix="read the lines above; rerun with the same command once the cause is mended",
        )


def pack(rootfs: Path, archive: Path) -> None:
    """Pack ``rootfs`` into an uncompressed tar with numeric owners, modes and xattrs kept."""
    # GNU tar: it stores device nodes, hard links and numeric ids exactly.
    result = subprocess.run(
        ["tar", "--numeric-owner", "--xattrs", "-C", str(rootfs), "-cf", str(archive), "."],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BootstrapError(f"packing {rootfs} failed: {result.stderr.strip()[-500:]}")
