"""Every name and label balena_lab gives to what it makes on the engine.

One prefix (``balena-lab/``) and one label prefix (``io.balena-lab``), so
that ``images list`` and ``images prune`` find exactly balena_lab's own
images, containers and volumes and never anyone else's.

A class shares one engine: each learner's builds, containers and volumes
carry the learner's **namespace** (:func:`namespace`: ``BALENA_LAB_NAMESPACE``,
or the OS user), in their names (``balena-lab/<namespace>/<project>:<device>``,
volume ``balena-lab-<namespace>_<name>``) and in ``io.balena-lab.namespace``,
so that two learners never build into, run or prune each other's.  The base
images and the Node.js stand-ins (``balena-lab/debian``, ``balena-lab/node``)
are shared by everyone: read-only, and slow to make.

:func:`image_tag` is the one naming policy for the images a build makes:
``<repository>:<device type>[-<arch>]``.  The arch is added only when a
build overrides the device type's own arch, so an ``--arch armv7hf`` build
for a ``raspberrypi4-64`` never replaces that device type's usual aarch64
image.
"""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path

from ..catalog.arches import get_arch
from ..catalog.devicetypes import get_device_type

#: Every image name balena_lab gives starts with this.
PREFIX = "balena-lab/"
LABEL = "io.balena-lab"
#: Every image, container and volume balena_lab makes carries this label.
MANAGED_LABEL = f"{LABEL}.managed"
#: Whose it is: every build, container and volume of a learner carries their namespace.
NAMESPACE_LABEL = f"{LABEL}.namespace"
#: Set it to choose the namespace (a JupyterHub spawner sets it per learner).
NAMESPACE_ENV = "BALENA_LAB_NAMESPACE"
#: What it is: one of the kinds below.
KIND_LABEL = f"{LABEL}.kind"
BASE_IMAGE_KIND = "base-image"
STAND_IN_KIND = "stand-in"
BUILD_KIND = "build"
RUN_KIND = "run"
#: What `balena-lab up` makes (containers, volumes, networks), and what says whose it is.
RELEASE_KIND = "release"
APP_LABEL = f"{LABEL}.app-id"
PROJECT_LABEL = f"{LABEL}.project"
SERVICE_LABEL = f"{LABEL}.service"
RELEASE_LABEL = f"{LABEL}.release"
SETTINGS_LABEL = f"{LABEL}.settings"

_NOT_TAG_CHARS = re.compile(r"[^a-z0-9]+")


def name_component(text: str, fallback: str) -> str:
    """A valid repository path component: lower-case alphanumerics joined by single dashes."""
    return _NOT_TAG_CHARS.sub("-", text.lower()).strip("-") or fallback


def namespace() -> str:
    """Whose builds, containers and volumes these are: ``BALENA_LAB_NAMESPACE``, or the OS user.

    Always a valid image-name component (``Ann.Lee`` is ``ann-lee``).
    """
    chosen = os.environ.get(NAMESPACE_ENV, "").strip()
    if not chosen:
        try:
            chosen = getpass.getuser()
        except (KeyError, OSError):  # a uid with no passwd entry (some containers)
            chosen = f"uid{os.getuid()}"
    return name_component(chosen, "user")


def owned(labels: dict[str, str] | None = None) -> dict[str, str]:
    """The labels of something balena_lab makes for the current namespace, plus ``labels``."""
    return {MANAGED_LABEL: "true", NAMESPACE_LABEL: namespace(), **(labels or {})}


def volume_name(name: str) -> str:
    """The engine's name for a learner's volume ``name`` (``resin-data``): one per namespace,
    as the Supervisor gives each app its own (``<app id>_<name>``)."""
    return f"balena-lab-{namespace()}_{name}"


def repository(project_dir: str | Path, service: str = "main", *, name: str | None = None) -> str:
    """``balena-lab/<namespace>/<name>[-<service>]``: where a project's builds go.

    ``name`` defaults to the project folder's name (a scratch copy of a project can
    keep the name of the project it copies).
    """
    name = name_component(name or Path(project_dir).resolve().name, "project")
    if service != "main":
        name = f"{name}-{name_component(service, 'service')}"
    return f"{PREFIX}{namespace()}/{name}"


def image_tag(
    project_dir: str | Path,
    device_type: str,
    arch: str | None = None,
    *,
    service: str = "main",
    name: str | None = None,
    repository_name: str | None = None,
) -> str:
    """``<repository>:<device type>[-<arch>]`` for a build of ``project_dir``.

    ``repository_name`` (a whole repository, as given) defaults to
    :func:`repository` of the project, service and ``name``.  The device type is named by its slug; ``-<arch>`` is added only
    when ``arch`` is not the device type's own.  Always a valid image name.
    """
    device = get_device_type(device_type)
    version = name_component(device.slug, "device")
    if arch is not None and get_arch(arch).name != device.arch:
        version = f"{version}-{name_component(get_arch(arch).name, 'arch')}"
    return f"{repository_name or repository(project_dir, service, name=name)}:{version}"
