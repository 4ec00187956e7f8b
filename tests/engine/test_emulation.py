from __future__ import annotations

from pathlib import Path

import pytest

from balena_lab.catalog.arches import get_arch
from balena_lab.engine import emulation
from balena_lab.errors import EmulationUnavailable

REGISTERED = """enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: PF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
"""


def _binfmt_dir(tmp_path: Path, text: str | None) -> Path:
    (tmp_path / "status").write_text("enabled\n")
    if text is not None:
        (tmp_path / "qemu-aarch64").write_text(text)
    return tmp_path


def test_reads_a_registered_handler(tmp_path: Path) -> None:
    status = emulation.handler_status("qemu-aarch64", _binfmt_dir(tmp_path, REGISTERED))
    assert status.registered and status.enabled and status.flags == "PF"
    assert status.interpreter == "/usr/libexec/qemu-binfmt/aarch64-binfmt-P"
    assert status.usable


def test_a_disabled_handler_is_not_usable(tmp_path: Path) -> None:
    text = REGISTERED.replace("enabled", "disabled", 1)
    status = emulation.handler_status("qemu-aarch64", _binfmt_dir(tmp_path, text))
    assert status.registered and not status.enabled and not status.usable


def test_a_handler_without_the_F_flag_is_not_usable(tmp_path: Path) -> None:
    status = emulation.handler_status(
        "qemu-aarch64", _binfmt_dir(tmp_path, REGISTERED.replace("flags: PF", "flags: P"))
    )
    assert not status.usable


def test_an_unmounted_binfmt_misc_is_reported(tmp_path: Path) -> None:
    status = emulation.handler_status("qemu-aarch64", tmp_path)
    assert not status.mounted
    assert "not mounted" in (status.problem() or "")


def test_a_missing_handler_is_not_registered(tmp_path: Path) -> None:
    status = emulation.handler_status("qemu-aarch64", _binfmt_dir(tmp_path, None))
    assert not status.registered and not status.usable


def test_native_arches_need_no_handler() -> None:
    emulation.require_emulation(get_arch("amd64"))  # never raises


def test_missing_handler_error_names_the_fix(tmp_path: Path) -> None:
    # A binfmt_misc with no qemu handlers: a machine without qemu-user-static.
    with pytest.raises(EmulationUnavailable) as caught:
        emulation.require_emulation(get_arch("armv7hf"), _binfmt_dir(tmp_path, None))
    message = str(caught.value)
    assert "qemu-arm" in message and "linux/arm/v7" in message
    assert "apt-get install -y qemu-user-static" in message


@pytest.mark.emulated
def test_this_machine_runs_arm_binaries() -> None:
    """The real kernel: CI registers both handlers before the tests run."""
    import os

    if not Path("/proc/sys/fs/binfmt_misc/status").exists():
        if os.environ.get("BALENA_LAB_REQUIRE_DOCKER") == "1":
            pytest.fail("binfmt_misc is not mounted")
        pytest.skip("binfmt_misc is not mounted")
    for arch in ("aarch64", "armv7hf"):
        emulation.require_emulation(get_arch(arch))
