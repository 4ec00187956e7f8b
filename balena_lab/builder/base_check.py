"""Before a build: every ``FROM`` image present on the engine for the build's arch.

With no registry in the room, a missing base image would otherwise fail deep
inside the engine's build.  :func:`check_base_images` reads the ``FROM``
lines with the one reader (:mod:`balena_lab.dockerfile.stages`), tries a pull
where a registry may answer, and raises :class:`BaseImageMissing` naming the
image, its line and the local images (and stand-ins) on offer.  An image
present only for another platform is no error: Docker 20.10 builds from it as
it is, and so does balena's builder; it is returned as a :class:`ForeignBase`
for the build to report.
:func:`apply_stand_ins` is the replacement a build asks for with
``stand_ins=True``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import requests.exceptions

from ..catalog.arches import Arch
from ..dockerfile.parser import parse
from ..dockerfile.stages import base_images
from ..engine import baseimages, standins
from ..errors import BaseImageMissing
from .events import StandIn


def apply_stand_ins(
    dockerfile: str, arch: Arch, *, path: str = "Dockerfile",
    build_args: Mapping[str, str] | None = None,
) -> tuple[str, list[StandIn]]:
    """Replace upstream ``FROM`` images by local stand-ins, line for line.

    An image written with ARG references is judged by what it expands to, and the
    whole written reference is replaced.
    """
    lines = dockerfile.split("\n")
    replaced: list[StandIn] = []
    for item in base_images(parse(dockerfile, path=path), build_args):
        local = standins.stand_in_for(item.image, arch)
        if local is None:
            continue
        # The image name may sit on a continuation line: replace it where it is.
        for index in range(item.line - 1, item.end_line):
            if item.written in lines[index]:
                lines[index] = lines[index].replace(item.written, local, 1)
                replaced.append(StandIn(item.line, item.image, local))
                break
    return "\n".join(lines), replaced


def _image_attrs(
    client: docker.DockerClient, image: str, where: str
) -> dict[str, Any] | None:
    try:
        return client.images.get(image).attrs  # type: ignore[no-any-return]
    except docker.errors.ImageNotFound:
        return None
    except docker.errors.APIError as error:  # e.g. an invalid reference such as "Debian:12"
        raise BaseImageMissing(f"{where}: FROM {image}: {error.explanation}", image=image,
                               fix="image names are lower case: name[:tag]") from None


def _try_pull(client: docker.DockerClient, image: str, arch: Arch) -> dict[str, Any] | None:
    try:
        client.api.pull(image, platform=arch.docker_platform)
        return client.images.get(image).attrs  # type: ignore[no-any-return]
    except (docker.errors.APIError, requests.exceptions.RequestException):
        return None


@dataclass(frozen=True)
class ForeignBase:
    """A ``FROM`` image of another platform than the build's, built as Docker builds it."""

    line: int
    image: str
    platform: str  # as the image records it: arm64/v8, arm/v7, amd64

    def message(self, arch: Arch, upstream: str | None = None) -> str:
        named = f"{upstream} (stood in by {self.image})" if upstream else self.image
        return (f"line {self.line}: FROM {named} is an image for {self.platform}, but this build is "
                f"for {arch.name} ({arch.docker_platform}). Docker takes a single-platform base "
                f"image as it is, and so does balena's builder: the image comes out "
                f"{self.platform}, and {arch.name} devices that cannot run {self.platform} "
                "code refuse it with exec format error.")


def check_base_images(
    client: docker.DockerClient, dockerfile: str, arch: Arch, source: str,
    build_args: Mapping[str, str] | None = None,
) -> list[ForeignBase]:
    """Every FROM image present (pulled if it can be), else BaseImageMissing; the ones
    present only for another platform than the arch's are returned, to be reported."""
    foreign = []
    for item in base_images(parse(dockerfile, path=source), build_args):
        where = f"{source}:{item.line}"
        attrs = _image_attrs(client, item.image, where)
        if attrs is not None and not arch.runs_image(attrs.get("Architecture"), attrs.get("Variant")):
            # Present for another platform: a registry may still have ours.
            attrs = _try_pull(client, item.image, arch) or attrs
            if not arch.runs_image(attrs.get("Architecture"), attrs.get("Variant")):
                found = "/".join(p for p in (attrs.get("Architecture"), attrs.get("Variant")) if p)
                foreign.append(ForeignBase(item.line, item.image, found))
            continue
        if attrs is not None or _try_pull(client, item.image, arch) is not None:
            continue
        offers = local_offers(client, arch)
        suggestion = standins.stand_in_for(item.image, arch)
        fix = (f"build with stand-ins (--stand-ins, or stand_ins=True): {item.image} -> {suggestion}"
               if suggestion else f"write FROM {baseimages.image_tag(arch)} (a local image)")
        raise BaseImageMissing(
            f"{where}: FROM {item.image}: the image is not on this engine and cannot be "
            f"pulled (no registry answers). Local images for {arch.name}: "
            + (", ".join(offers) or "none yet (run balena-lab images bootstrap)"),
            image=item.image, stand_ins=offers, fix=fix,
        ).with_notebook_fix(
            f"build with stand_ins=True: {item.image} -> {suggestion}" if suggestion
            else f"write FROM {baseimages.image_tag(arch)} (a local image)")
    return foreign


def local_offers(client: docker.DockerClient, arch: Arch) -> tuple[str, ...]:
    """The local base images and stand-ins of ``arch`` a FROM could name instead."""
    local = [b.tag for b in baseimages.list_base_images(client) if b.arch == arch.image_arch]
    for tag in (standins.node_tag(arch), standins.node_tag(arch, onbuild=True)):
        try:
            client.images.get(tag)
            local.append(tag)
        except docker.errors.ImageNotFound:
            pass
    return tuple(local)
