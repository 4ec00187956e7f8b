"""``balena-lab doctor``: is this machine ready for the masterclass?

Each check is a small function returning a :class:`Check`: what was looked
at, whether it passed, what was seen, and for a failure the exact command
that mends it.  Checks are a registry (:data:`CHECKS`), run in order; one
failing never stops the others, so a teacher sees everything at once.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .._values import JsonValue
from ..catalog.arches import get_arch
from ..engine import baseimages, emulation, rootfs
from ..engine.client import START_ENGINE_FIX, EngineInfo, connect, engine_info
from ..errors import EngineUnreachable

#: The name of the project's Jupyter kernel.
KERNEL_NAME = "balena-lab"
MIN_PYTHON = (3, 11)

OK, FAIL, WARN, SKIP = "ok", "fail", "warn", "skip"


@dataclass(frozen=True)
class Check(JsonValue):
    """One line of the doctor's report."""

    name: str
    status: str  # ok | fail | warn | skip
    detail: str
    required: bool = True
    fix: str | None = None

    @property
    def blocking(self) -> bool:
        """A required piece that is missing (or could not be checked)."""
        return self.required and self.status in (FAIL, SKIP)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report(JsonValue):
    """All checks, in order."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return not any(check.blocking for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [check.to_dict() for check in self.checks]}

    def _repr_html_(self) -> str:
        marks = {OK: "✅", FAIL: "❌", WARN: "⚠️", SKIP: "⏭️"}
        rows = "".join(
            f"<tr><td>{marks[c.status]}</td><td>{_html(c.name)}</td><td>{_html(c.detail)}</td>"
            f"<td><code>{_html(c.fix or '')}</code></td></tr>"
            for c in self.checks
        )
        return (
            "<table><thead><tr><th></th><th>check</th><th>seen</th><th>fix</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Context:
    """What several checks share: one engine connection, tried once."""

    def __init__(self) -> None:
        self.client: Any = None
        self.info: EngineInfo | None = None
        self.engine_error: EngineUnreachable | None = None
        try:
            self.client = connect(timeout=10)
            self.info = engine_info(self.client)
        except EngineUnreachable as error:
            self.engine_error = error


def check_python(_: _Context) -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MIN_PYTHON:
        return Check("python", OK, f"Python {version} ({sys.executable})")
    return Check(
        "python", FAIL, f"Python {version} is older than 3.11",
        fix="install Python 3.11 or newer, then run: make setup",
    )


def check_engine(ctx: _Context) -> Check:
    if ctx.engine_error or ctx.info is None:
        message = ctx.engine_error.message if ctx.engine_error else "no engine"
        return Check("docker engine", FAIL, message, fix=START_ENGINE_FIX)
    info = ctx.info
    return Check(
        "docker engine", OK,
        f"Docker {info.server_version}, API {info.api_version}, {info.os_type}/{info.architecture}"
        f" at {info.address} (SDK {metadata.version('docker')})",
    )


def check_storage_driver(ctx: _Context) -> Check:
    if ctx.info is None:
        return Check("storage driver", SKIP, "engine unreachable", fix=START_ENGINE_FIX)
    driver = ctx.info.storage_driver
    if driver == "overlay2":
        return Check("storage driver", OK, driver)
    return Check(
        "storage driver", WARN, f"{driver}: builds work, but slower than with overlay2",
        required=False,
    )


def check_builder(ctx: _Context) -> Check:
    if ctx.info is None:
        return Check("builder", SKIP, "engine unreachable", fix=START_ENGINE_FIX)
    info = ctx.info
    return Check(
        "builder", OK,
        f"{info.sdk_builder} builder through the Docker SDK (engine default: "
        f"{info.engine_default_builder}); heredocs and RUN --mount need BuildKit",
        required=False,
    )


def _binfmt_check(handler: str, arches: str) -> Callable[[_Context], Check]:
    def check(_: _Context) -> Check:
        status = emulation.handler_status(handler)
        problem = status.problem()
        name = f"qemu binfmt {handler}"
        if problem is None:
            return Check(name, OK, f"{arches} binaries run under {status.interpreter} (flags {status.flags})")
        return Check(name, FAIL, problem, fix=f"{emulation.INSTALL_FIX} {handler}")

    return check


def _base_image_check(arch_name: str) -> Callable[[_Context], Check]:
    def check(ctx: _Context) -> Check:
        arch = get_arch(arch_name)
        name = f"base image {arch.name}"
        fix = f"sudo {_balena_lab()} images bootstrap --arch {arch.name}"
        if ctx.info is None:
            return Check(name, SKIP, "engine unreachable", fix=START_ENGINE_FIX)
        found = baseimages.find_base_image(ctx.client, arch)
        if found is None:
            return Check(name, FAIL, f"{baseimages.image_tag(arch)} is not present", fix=fix)
        platform = "/".join(p for p in (found.architecture, found.variant) if p)
        return Check(name, OK, f"{found.tag} ({platform}, {found.size / 1e6:.0f} MB)")

    return check


def check_debootstrap(_: _Context) -> Check:
    path = shutil.which("debootstrap")
    if path:
        return Check("debootstrap", OK, path, required=False)
    return Check(
        "debootstrap", WARN, "not installed: needed only to make base images",
        required=False, fix="sudo apt-get install -y debootstrap",
    )


def check_jupyterlab(_: _Context) -> Check:
    try:
        version = metadata.version("jupyterlab")
    except metadata.PackageNotFoundError:
        return Check("jupyterlab", FAIL, "not installed", fix="make setup")
    return Check("jupyterlab", OK, f"JupyterLab {version}")


def check_kernel(_: _Context) -> Check:
    fix = (
        f"{sys.executable} -m ipykernel install --sys-prefix --name {KERNEL_NAME} "
        '--display-name "Python (balena-lab)"'
    )
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return Check("kernel", FAIL, "jupyter_client is not installed", fix="make setup")
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return Check("kernel", FAIL, f"no Jupyter kernel named {KERNEL_NAME!r}", fix=fix)
    python = spec.argv[0] if spec.argv else "?"
    if shutil.which(python) is None:
        return Check("kernel", FAIL, f"kernel {KERNEL_NAME!r} runs {python}, which is missing", fix=fix)
    return Check("kernel", OK, f"{KERNEL_NAME!r}: {spec.display_name} ({python})")


def _balena_lab() -> str:
    """How to call this very balena-lab from a shell (the venv's script if there is one)."""
    script = Path(sys.executable).with_name("balena-lab")
    return str(script) if script.exists() else f"{sys.executable} -m balena_lab"


CHECKS: tuple[Callable[[_Context], Check], ...] = (
    check_python,
    check_engine,
    check_storage_driver,
    check_builder,
    _binfmt_check("qemu-aarch64", "aarch64"),
    _binfmt_check("qemu-arm", "armv7hf and rpi"),
    *(_base_image_check(arch) for arch in rootfs.DEFAULT_ARCHES),
    check_debootstrap,
    check_jupyterlab,
    check_kernel,
)


def run_checks() -> Report:
    """Run every check and return the report."""
    ctx = _Context()
    try:
        return Report(tuple(check(ctx) for check in CHECKS))
    finally:
        if ctx.client is not None:
            ctx.client.close()
