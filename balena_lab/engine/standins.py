"""Local stand-ins for the upstream base images the page uses, when asked for.

The page's examples start ``FROM debian:trixie``, ``FROM
balenalib/%%BALENA_MACHINE_NAME%%-node`` or, for a plain Node.js project,
``FROM resin/<device>-node:<version>[-onbuild]``.  Without a registry none of
them can be pulled.  When (and only when) a build asks for stand-ins, each
such ``FROM`` is replaced by a local image of the build's arch:

===========================================  =========================================
upstream                                     stand-in
===========================================  =========================================
``debian``, ``balenalib/<hw>[-debian]``,     ``balena-lab/debian:bookworm-<arch>``
``resin/<hw>-debian``
``node``, ``balenalib/<hw>[-debian]-node``,  ``balena-lab/node:bookworm-<arch>``
``resin/<hw>-node``                          (Debian's ``nodejs`` and ``npm``)
the same with an ``onbuild`` tag             ``balena-lab/node:bookworm-<arch>-onbuild``
===========================================  =========================================

The stand-in's arch is the build's, except where the upstream name pins one:
``balenalib/aarch64-debian`` and ``balenalib/raspberrypi4-64-node`` were
published for one platform only (``aarch64``), so a build for ``armv7hf``
gets the ``aarch64`` stand-in, as it would get the ``aarch64`` image from
Docker Hub.  Docker 20.10's classic builder takes a single-platform base image
as it is, whatever platform the build asks for (checked against the engine in
``tests/engine/test_standins.py``): the image comes out ``arm64``, and the
fleet's ``armv7hf`` devices refuse to run it.  ``debian`` and ``node`` are
multi-platform, so their stand-in follows the build.

The Node.js stand-ins are made on first use from the local Debian image; the
``-onbuild`` one carries the same ``ONBUILD`` triggers as balena's old
``resin/<device>-node:<version>-onbuild`` images.  Every replacement is
reported (:class:`~balena_lab.builder.events.StandIn`): a stand-in is Debian
bookworm with its own node version, not the upstream image.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import docker
import docker.errors

from ..catalog.arches import Arch, get_arch
from ..catalog.devicetypes import find_device_type
from ..context.archive import made_context
from ..errors import BaseImageMissing, BuildError, UnknownArchError
from . import baseimages, names

NODE_REPOSITORY = f"{names.PREFIX}node"
STAND_IN_KIND = names.STAND_IN_KIND

# Local certificate authorities of the host (Debian keeps them in
# /usr/local/share/ca-certificates) go into the Node.js stand-in, so that
# `npm install` works behind the TLS-inspecting proxy many schools have.
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")

_NODE_DOCKERFILE = """FROM {base}
COPY host-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      ca-certificates nodejs npm \\
 && update-ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
"""

# The triggers of balena's resin/<device>-node:<version>-onbuild images
# (base-images repository, node/Dockerfile.onbuild.tpl).
_ONBUILD_DOCKERFILE = """FROM {base}
RUN mkdir -p /usr/src/app
WORKDIR /usr/src/app
ONBUILD COPY package.json /usr/src/app/
ONBUILD RUN DEBIAN_FRONTEND=noninteractive JOBS=MAX npm install --unsafe-perm
ONBUILD COPY . /usr/src/app
CMD [ "npm", "start" ]
"""

_NODE = re.compile(r"^(?:(?:resin|balenalib)/[a-z0-9._-]+?-(?:debian-)?node|node)$")
_BALENA_IMAGE = re.compile(r"^(?:resin|balenalib)/([a-z0-9._-]+)$")
_OTHER_DISTROS = ("-alpine", "-ubuntu", "-fedora")
# Other distros and language stacks of balenalib: no honest Debian stand-in for them.
_OTHER_STACKS = ("-alpine", "-ubuntu", "-fedora", "-raspbian", "-python", "-openjdk",
                 "-dotnet", "-golang", "-node")


def _is_plain_debian(name: str) -> bool:
    if name == "debian":
        return True
    match = _BALENA_IMAGE.match(name)
    if match is None:
        return False
    return not any(stack in match[1] for stack in _OTHER_STACKS)


def split_reference(reference: str) -> tuple[str, str]:
    """``docker.io/library/node:18-onbuild`` -> (``node``, ``18-onbuild``)."""
    name, tag = reference, "latest"
    if "@" in name:
        name = name.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    for prefix in ("docker.io/", "index.docker.io/", "library/"):
        name = name.removeprefix(prefix)
    return name, tag


def named_arch(reference: str) -> Arch | None:
    """The arch a ``balenalib/<hw>-...`` or ``resin/<hw>-...`` name pins, if ``<hw>`` is
    an arch (``aarch64``) or a device type (``raspberrypi3``); None for other names."""
    match = _BALENA_IMAGE.match(split_reference(reference)[0])
    if match is None:
        return None
    hardware = re.sub(r"(?:-debian)?(?:-node)?$", "", match[1])
    try:
        return get_arch(hardware)
    except UnknownArchError:
        pass
    device = find_device_type(hardware)
    return get_arch(device.arch) if device is not None else None


def stand_in_for(reference: str, arch: Arch) -> str | None:
    """The local stand-in tag for an upstream image reference, or None if there is none.

    ``arch`` is the build's; a name that pins its own arch (:func:`named_arch`) wins.
    """
    name, tag = split_reference(reference)
    if name.startswith(names.PREFIX):
        return None
    arch = named_arch(reference) or arch
    if _NODE.match(name) and not any(d in name for d in _OTHER_DISTROS):
        onbuild = tag == "onbuild" or tag.endswith("-onbuild")
        return node_tag(arch, onbuild=onbuild)
    if _is_plain_debian(name):
        return baseimages.image_tag(arch)
    return None


def node_tag(arch: Arch, *, onbuild: bool = False) -> str:
    return f"{NODE_REPOSITORY}:bookworm-{arch.image_arch}" + ("-onbuild" if onbuild else "")


def bootstrap_node(
    client: docker.DockerClient, arches: Iterable[str],
    progress: Callable[[baseimages.BootstrapEvent], None] | None = None,
) -> list[baseimages.BootstrapOutcome]:
    """Make the Node.js stand-ins (plain and ``-onbuild``) of each arch, if missing,
    so that no build waits minutes for them in class.  The base images must exist."""
    outcomes = []
    for name in arches:
        arch = get_arch(name)
        for onbuild in (False, True):
            tag = node_tag(arch, onbuild=onbuild)
            started = time.monotonic()
            made = False
            for index, line in enumerate(ensure(client, tag, arch)):
                made = True
                if progress:
                    progress(baseimages.BootstrapEvent(
                        name, "node", line, time.monotonic() - started, detail=index > 0))
            outcomes.append(baseimages.BootstrapOutcome(
                name, tag, "created" if made else "present", time.monotonic() - started))
    return outcomes


def ensure(client: docker.DockerClient, tag: str, arch: Arch) -> Iterator[str]:
    """Make stand-in ``tag`` if it is missing, yielding the build's output lines.

    The base image must already exist.  Yields nothing when the stand-in is present.
    """
    try:
        client.images.get(tag)
        return
    except docker.errors.ImageNotFound:
        pass
    if tag.startswith(NODE_REPOSITORY):
        onbuild = tag.endswith("-onbuild")
        base = node_tag(arch) if onbuild else baseimages.image_tag(arch)
        yield from ensure(client, base, arch)
        template = _ONBUILD_DOCKERFILE if onbuild else _NODE_DOCKERFILE
        yield f"making the stand-in {tag} (once; apt-get under QEMU takes minutes for ARM)"
        yield from _build(client, template.format(base=base), tag, arch)
        return
    raise BaseImageMissing(
        f"the stand-in {tag} is not present",
        image=tag,
        fix=f"sudo balena-lab images bootstrap --arch {arch.name}",
    )


def _build(client: docker.DockerClient, dockerfile: str, tag: str, arch: Arch) -> Iterator[str]:
    certs = sorted(HOST_CA_DIR.glob("*.crt")) if HOST_CA_DIR.is_dir() else []
    context = made_context({"Dockerfile": dockerfile.encode(), "host-ca": None,
                            **{f"host-ca/{cert.name}": cert for cert in certs}})
    labels = {
        names.MANAGED_LABEL: "true",
        names.KIND_LABEL: STAND_IN_KIND,
        f"{names.LABEL}.arch": arch.image_arch,
    }
    log: list[str] = []
    with context:
        for chunk in client.api.build(
            fileobj=context, custom_context=True, tag=tag, platform=arch.docker_platform,
            labels=labels, rm=True, forcerm=True, decode=True,
        ):
            if "stream" in chunk:
                for line in chunk["stream"].splitlines():
                    log.append(line)
                    yield line
            if "error" in chunk:
                raise BuildError(f"making the stand-in {tag} failed: {chunk['error'].strip()}",
                                 log=tuple(log[-15:]))
