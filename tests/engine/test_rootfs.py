"""What bootstrap says when a prerequisite is missing: the real checks, real conditions."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from balena_lab.catalog.arches import get_arch
from balena_lab.engine import rootfs
from balena_lab.errors import BootstrapError


def test_missing_debootstrap_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no debootstrap on it
    with pytest.raises(BootstrapError) as caught:
        rootfs.check_prerequisites(get_arch("amd64"))
    assert "debootstrap is not installed" in str(caught.value)
    assert caught.value.fix == "sudo apt-get install -y debootstrap"


@pytest.mark.skipif(os.geteuid() != 0 or not rootfs.shutil.which("debootstrap"),
                    reason="needs root and debootstrap to get past the first checks")
def test_unreachable_mirror_is_named() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(BootstrapError) as caught:
        rootfs.check_prerequisites(get_arch("amd64"), mirror="http://127.0.0.1:9/debian")
    message = str(caught.value)
    assert "http://127.0.0.1:9/debian does not answer for bookworm" in message
    assert "--mirror" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="checks the message a non-root user gets")
def test_non_root_is_told_to_use_sudo() -> None:
    with pytest.raises(BootstrapError) as caught:
        rootfs.check_prerequisites(get_arch("amd64"))
    assert "root" in str(caught.value)


def test_pack_keeps_owners_and_modes(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "usr/bin").mkdir(parents=True)
    tool = tree / "usr/bin/tool"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o4755)
    archive = tmp_path / "rootfs.tar"
    rootfs.pack(tree, archive)
    listing = subprocess.run(["tar", "-tvf", str(archive), "--numeric-owner"],
                             capture_output=True, text=True, check=True).stdout
    line = next(l for l in listing.splitlines() if l.endswith("usr/bin/tool"))
    assert line.startswith("-rwsr-xr-x")
    assert f"{os.getuid()}/{os.getgid()}" in line


def test_pack_failure_is_a_bootstrap_error(tmp_path: Path) -> None:
    with pytest.raises(BootstrapError):
        rootfs.pack(tmp_path / "missing", tmp_path / "out.tar")
