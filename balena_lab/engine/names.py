"""Every name and label balena_lab gives to what it makes on the engine.

One namespace (``balena-lab/``) and one label prefix (``io.balena-lab``), so
that ``images list`` and ``images prune`` find exactly balena_lab's own
images, containers and volumes and never anyone else's.

:func:`image_tag` is the one naming policy for the images a build makes:
``<repository>:<device type>[-<arch>]``.  The arch is added only when a
build overrides the device type's own arch, so an ``--arch armv7hf`` build
for a ``raspberrypi4-64`` never replaces that device type's usual aarch64
image.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..catalog.arches import get_arch
from ..catalog.devicetypes import get_device_type

#: Every image name balena_lab gives starts with this.
NAMESPACE = "balena-lab/"
LABEL = "io.balena-lab"
#: Every image, container and volume balena_lab makes carries this label.
MANAGED_LABEL = f"{LABEL}.managed"
#: What it is: one of the kinds below.
KIND_LABEL = f"{LABEL}.kind"
BASE_IMAGE_KIND = "base-image"
STAND_IN_KIND = "stand-in"
BUILD_KIND = "build"
RUN_KIND = "run"

_NOT_TAG_CHARS = re.compile(r"[^a-z0-9]+")


def name_component(text: str, fallback: str) -> str:
    """A valid repository path component: lower-case alphanumerics joined by single dashes."""
    return _NOT_TAG_CHARS.sub("-", text.lower()).strip("-") or fallback


def repository(project_dir: str | Path, service: str = "main") -> str:
    """``balena-lab/<project folder>[-<service>]``: where a project's builds are tagged."""
    name = name_component(Path(project_dir).resolve().name, "project")
    if service != "main":
        name = f"{name}-{name_component(service, 'service')}"
    return f"{NAMESPACE}{name}"


def image_tag(
    project_dir: str | Path,
    device_type: str,
    arch: str | None = None,
    *,
    service: str = "main",
    repository_name: str | None = None,
) -> str:
    """``<repository>:<device type>[-<arch>]`` for a build of ``project_dir``.

    ``repository_name`` defaults to :func:`repository` of the project and
    service.  The device type is named by its slug; ``-<arch>`` is added only
    when ``arch`` is not the device type's own.  Always a valid image name.
    """
    device = get_device_type(device_type)
    version = name_component(device.slug, "device")
    if arch is not None and get_arch(arch).name != device.arch:
        version = f"{version}-{name_component(get_arch(arch).name, 'arch')}"
    return f"{repository_name or repository(project_dir, service)}:{version}"
