"""balena_lab's offline base images: Debian bookworm for every balena arch.

There is no container registry in a classroom without internet, so the base
images are made here from Debian's own packages (see :mod:`balena_lab.engine.rootfs`)
and imported into the local engine under one namespace::

    balena-lab/debian:bookworm-amd64
    balena-lab/debian:bookworm-aarch64
    balena-lab/debian:bookworm-armv7hf
    balena-lab/debian:bookworm-rpi        (Debian armel, platform linux/arm/v6)
    balena-lab/debian:bookworm-i386       (also used for i386-nlp)

Each carries ``io.balena-lab.*`` labels, so they can be listed and pruned
without touching anyone else's images.  The rootfs goes in with
``FROM scratch`` + ``ADD rootfs.tar /`` built for the arch's platform: unlike
``docker import``, that records the right Architecture/Variant in the image
config on Docker 20.10.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors

from .._values import JsonValue
from .._version import __version__
from ..catalog.arches import Arch, get_arch
from ..context.archive import made_context
from ..errors import BaseImageError, BootstrapError
from . import rootfs
from .names import (
    BASE_IMAGE_KIND,
    KIND_LABEL,
    LABEL,
    MANAGED_LABEL,
    NAMESPACE_LABEL,
    PREFIX,
    PROJECT_LABEL,
    RELEASE_KIND,
    STAND_IN_KIND,
    namespace,
)
from .rootfs import DEFAULT_ARCHES

REPOSITORY = f"{PREFIX}debian"


_DOCKERFILE = b"""FROM scratch
ADD rootfs.tar /
CMD ["bash"]
"""


@dataclass(frozen=True)
class BaseImage(JsonValue):
    """One local base image, as the engine reports it."""

    arch: str
    tag: str
    id: str
    created: str
    size: int
    architecture: str
    variant: str | None
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BootstrapEvent:
    """Progress of one arch's bootstrap: ``stage`` is check, debootstrap, pack,
    import, verify, present, node or done.  ``detail`` marks the hundreds of lines
    a tool prints along the way (debootstrap's, apt-get's); a quiet view shows
    only the others, one line per stage."""

    arch: str
    stage: str
    message: str
    elapsed: float
    detail: bool = False

    def __str__(self) -> str:
        return f"[{self.arch} {self.elapsed:5.1f}s] {self.stage}: {self.message}"


@dataclass(frozen=True)
class BootstrapOutcome(JsonValue):
    """What bootstrap did for one arch: ``created`` or ``present`` (left as it was)."""

    arch: str
    tag: str
    action: str
    seconds: float
    uname_machine: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ProgressSink = Callable[[BootstrapEvent], None]


def image_tag(arch: Arch | str, suite: str = rootfs.DEFAULT_SUITE) -> str:
    """The local name of ``arch``'s base image, e.g. ``balena-lab/debian:bookworm-aarch64``."""
    arch = get_arch(arch) if isinstance(arch, str) else arch
    return f"{REPOSITORY}:{suite}-{arch.image_arch}"


def image_labels(arch: Arch, mirror: str, suite: str) -> dict[str, str]:
    return {
        MANAGED_LABEL: "true",
        KIND_LABEL: BASE_IMAGE_KIND,
        f"{LABEL}.arch": arch.image_arch,
        f"{LABEL}.debian-arch": arch.debian_arch,
        f"{LABEL}.suite": suite,
        f"{LABEL}.source": "debootstrap --variant=minbase",
        f"{LABEL}.mirror": mirror,
        f"{LABEL}.version": __version__,
    }


def list_base_images(client: docker.DockerClient) -> list[BaseImage]:
    """Every base image balena_lab made on this engine, sorted by tag."""
    found = []
    for image in client.images.list(filters={"label": f"{KIND_LABEL}={BASE_IMAGE_KIND}"}):
        attrs = image.attrs
        labels = dict(attrs.get("Config", {}).get("Labels") or {})
        # Images built FROM ours inherit our labels: only our own repository counts.
        for tag in (t for t in image.tags if t.startswith(REPOSITORY + ":")):
            found.append(
                BaseImage(
                    arch=labels.get(f"{LABEL}.arch", "?"),
                    tag=tag,
                    id=image.id,
                    created=str(attrs.get("Created", "")),
                    size=int(attrs.get("Size", 0)),
                    architecture=str(attrs.get("Architecture", "?")),
                    variant=attrs.get("Variant"),
                    labels=labels,
                )
            )
    return sorted(found, key=lambda base: base.tag)


def find_base_image(
    client: docker.DockerClient, arch: Arch | str, suite: str = rootfs.DEFAULT_SUITE
) -> BaseImage | None:
    """``arch``'s base image if it is present (and was made by balena_lab), else None."""
    tag = image_tag(arch, suite)
    for base in list_base_images(client):
        if base.tag == tag:
            return base
    return None


def bootstrap(
    client: docker.DockerClient,
    arches: Iterable[str] = DEFAULT_ARCHES,
    *,
    mirror: str = rootfs.DEFAULT_MIRROR,
    suite: str = rootfs.DEFAULT_SUITE,
    force: bool = False,
    progress: ProgressSink | None = None,
    workdir: Path | None = None,
) -> list[BootstrapOutcome]:
    """Make the base image of each arch that does not have one yet.

    Idempotent: an arch whose image is present is left alone (``present``)
    unless ``force``.  Prerequisites of every arch still to make are checked
    before any slow work starts.
    """
    selected: list[Arch] = []
    for name in arches:
        arch = get_arch(name)
        if arch.image_arch not in {a.image_arch for a in selected}:
            selected.append(arch)

    def emit(arch: Arch, stage: str, message: str, started: float, detail: bool = False) -> None:
        if progress:
            progress(BootstrapEvent(arch.name, stage, message, time.monotonic() - started,
                                    detail))

    outcomes: list[BootstrapOutcome] = []
    todo: list[Arch] = []
    for arch in selected:
        started = time.monotonic()
        existing = find_base_image(client, arch, suite)
        if existing and not force:
            emit(arch, "present", f"{existing.tag} is present ({existing.id[7:19]})", started)
            outcomes.append(
                BootstrapOutcome(arch.name, existing.tag, "present", time.monotonic() - started)
            )
        else:
            todo.append(arch)
    for arch in todo:
        rootfs.check_prerequisites(arch, mirror, suite)
    for arch in todo:
        outcomes.append(_make(client, arch, mirror=mirror, suite=suite, emit=emit, workdir=workdir))
    return outcomes


def _make(
    client: docker.DockerClient,
    arch: Arch,
    *,
    mirror: str,
    suite: str,
    emit: Callable[..., None],
    workdir: Path | None,
) -> BootstrapOutcome:
    started = time.monotonic()
    tag = image_tag(arch, suite)
    with tempfile.TemporaryDirectory(prefix=f"balena-lab-{arch.name}-", dir=workdir) as tmp:
        target = Path(tmp) / "rootfs"
        emit(arch, "debootstrap", f"debootstrap {suite} for {arch.debian_arch} from {mirror}", started)
        rootfs.debootstrap(
            arch, target, mirror=mirror, suite=suite,
            on_line=lambda line: emit(arch, "debootstrap", line, started, True),
        )
        emit(arch, "pack", "packing the root filesystem", started)
        archive = Path(tmp) / "rootfs.tar"
        rootfs.pack(target, archive)
        emit(arch, "import", f"building {tag} for {arch.docker_platform}", started)
        image_id = _build_from_rootfs(client, archive, tag, arch, image_labels(arch, mirror, suite))
    emit(arch, "verify", "checking the image's platform and uname -m", started)
    machine = verify(client, tag, arch)
    emit(arch, "done", f"{tag} ({image_id[7:19]}) uname -m: {machine}", started)
    return BootstrapOutcome(arch.name, tag, "created", time.monotonic() - started, machine)


def _build_from_rootfs(
    client: docker.DockerClient, archive: Path, tag: str, arch: Arch, labels: dict[str, str]
) -> str:
    """``FROM scratch`` + ``ADD rootfs.tar /`` for the arch's platform; returns the image id."""
    with made_context({"Dockerfile": _DOCKERFILE, "rootfs.tar": archive}) as context:
        image_id = None
        log: list[str] = []
        try:
            for chunk in client.api.build(
                fileobj=context, custom_context=True, tag=tag, platform=arch.docker_platform,
                labels=labels, rm=True, forcerm=True, decode=True, pull=False,
            ):
                if "error" in chunk:
                    raise BootstrapError(
                        f"importing the {arch.name} rootfs failed: {chunk['error'].strip()}\n    "
                        + "\n    ".join(log[-10:])
                    )
                if "stream" in chunk:
                    log.append(chunk["stream"].rstrip())
                if "aux" in chunk and "ID" in chunk["aux"]:
                    image_id = chunk["aux"]["ID"]
        except docker.errors.APIError as error:
            raise BootstrapError(f"importing the {arch.name} rootfs failed: {error.explanation}") from None
    if image_id is None:
        image_id = client.images.get(tag).id
    return str(image_id)


def verify(client: docker.DockerClient, tag: str, arch: Arch) -> str:
    """Check the image's recorded platform and what ``uname -m`` prints inside it.

    Returns the ``uname -m`` output; raises :class:`BaseImageError` on a mismatch.
    """
    attrs = client.images.get(tag).attrs
    recorded = (attrs.get("Architecture"), attrs.get("Variant"))
    if not arch.runs_image(*recorded):
        raise BaseImageError(
            f"{tag} records platform {recorded[0]}/{recorded[1]}, expected {arch.docker_platform}"
        )
    output = client.containers.run(tag, ["uname", "-m"], remove=True, platform=arch.docker_platform)
    machine = str(output.decode().strip())
    if machine != arch.uname_machine:
        raise BaseImageError(
            f"uname -m in {tag} prints {machine!r}, expected {arch.uname_machine!r}"
        )
    return machine


#: Image kinds that several builds share and that take minutes to make again.
SHARED_KINDS = frozenset({BASE_IMAGE_KIND, STAND_IN_KIND})


def _in_use(client: docker.DockerClient, name: str, error: docker.errors.APIError,
            ) -> BaseImageError:
    """Why ``name`` could not go: a release that `balena-lab up` runs names its project."""
    users = client.containers.list(all=True, filters={
        "ancestor": name, "label": f"{KIND_LABEL}={RELEASE_KIND}"})
    if users:
        project = users[0].labels.get(PROJECT_LABEL, "DIR")
        return BaseImageError(f"cannot remove {name}: the release container {users[0].name} "
                              "runs it", fix=f"balena-lab down {project}, then prune again")
    return BaseImageError(f"cannot remove {name}: {error.explanation}")


def prune(
    client: docker.DockerClient,
    *,
    everyone: bool = False,
    include_shared: bool = False,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """Remove the images balena_lab built for this namespace (:func:`~.names.namespace`).

    ``everyone``: every namespace's builds (a teacher clearing the class
    server); ``include_shared``: the base images and stand-ins too, which
    everyone shares.  ``labels`` narrows it to images carrying all of them
    (e.g. one grading run's).

    Only images labelled ``io.balena-lab.managed`` are considered, and of
    those only the names under ``balena-lab/`` are removed: an image
    someone also tagged with a name of their own keeps that name and stays.
    Returns the removed names (ids for untagged images).
    """
    removed: list[str] = []
    selector = [f"{MANAGED_LABEL}=true", *(f"{k}={v}" for k, v in (labels or {}).items())]
    mine = namespace()
    for image in client.images.list(filters={"label": selector}):
        image_labels = image.attrs.get("Config", {}).get("Labels") or {}
        if not everyone and image_labels.get(NAMESPACE_LABEL) != mine and \
                image_labels.get(KIND_LABEL) not in SHARED_KINDS:
            continue  # someone else's build (or one made before namespaces)
        names = [tag for tag in image.tags if tag.startswith(PREFIX)] if image.tags else [image.id]
        # balena_lab's builds override the kind they inherit from their base image.
        shared = image_labels.get(KIND_LABEL) in SHARED_KINDS
        if shared and not include_shared:
            continue
        for name in names:
            try:
                client.images.remove(name, noprune=False)
            except docker.errors.ImageNotFound:
                continue
            except docker.errors.APIError as error:
                raise _in_use(client, name, error) from None
            removed.append(name)
    return removed
