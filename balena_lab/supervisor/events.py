"""What the device does while it applies a release: small frozen values.

A release's ``up`` is a stream of events; the CLI prints each one's
``str()``, the device widget shows them, and a test reads their order::

    PlanNote          something the plan says (a feature not simulated, a folder skipped)
    PrivilegeNotUsed  the composition asks for privileged / host network; not asked here
    PrivilegeRefused  asked for, and the engine refused it: run without, and why
    VolumeCreated     a named volume, as the Supervisor names it
    NetworkCreated    the app's network
    ImageDownloaded   the release's image on the device (after the build, or after a kill)
    UpdateDeferred    a service's update lock is held: the update waits
    ContainerKilled   an old container stopped (the strategy decides when)
    ImageDeleted      an old image removed (delete-then-download, and the clean-up after)
    ContainerStarted  a new container running
    HandoverDone      hand-over: the new container said so, or the timeout passed
    ReleaseApplied    every service runs the new release
    ReleaseRemoved    ``down``: containers, networks, volumes and lock folders gone

Nothing here talks to Docker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar


@dataclass(frozen=True)
class _Event:
    """An event of ``service`` ("" for the whole release); its text is ``template``
    filled with its fields, unless it says more itself."""

    service: str
    template: ClassVar[str] = ""

    def text(self) -> str:
        return self.template.format(**asdict(self))

    def __str__(self) -> str:
        return f"[{self.service}] {self.text()}" if self.service else self.text()


@dataclass(frozen=True)
class PlanNote(_Event):
    message: str
    template: ClassVar[str] = "note: {message}"


@dataclass(frozen=True)
class PrivilegeNotUsed(_Event):
    what: str  # "privileged mode" or "the host's network"
    flag: str  # the CLI flag that asks for it
    template: ClassVar[str] = ("on a device this service runs with {what}; here it does not "
                               "(ask with {flag})")


@dataclass(frozen=True)
class PrivilegeRefused(_Event):
    what: str
    reason: str  # the engine's own words
    template: ClassVar[str] = "{what} asked for, refused by this engine ({reason}): running without"


@dataclass(frozen=True)
class VolumeCreated(_Event):
    name: str
    template: ClassVar[str] = "volume {name} created"


@dataclass(frozen=True)
class NetworkCreated(_Event):
    name: str
    template: ClassVar[str] = "network {name} created"


@dataclass(frozen=True)
class ImageDownloaded(_Event):
    image: str
    template: ClassVar[str] = "image {image} on the device"


@dataclass(frozen=True)
class UpdateDeferred(_Event):
    lock: str  # the host file that holds it
    waited: float
    template: ClassVar[str] = "update lock held ({lock}): the update waits ({waited:.0f} s so far)"


@dataclass(frozen=True)
class ContainerKilled(_Event):
    container: str
    template: ClassVar[str] = "container {container} killed"


@dataclass(frozen=True)
class ImageDeleted(_Event):
    image: str
    template: ClassVar[str] = "image {image} deleted"


@dataclass(frozen=True)
class ContainerStarted(_Event):
    container: str
    release: int
    template: ClassVar[str] = "container {container} started (release {release})"


@dataclass(frozen=True)
class HandoverDone(_Event):
    signalled: bool  # True: the new container wrote the handover-complete file

    def text(self) -> str:
        return ("hand-over: the new container signalled it is ready" if self.signalled
                else "hand-over: the timeout passed")


@dataclass(frozen=True)
class ReleaseApplied(_Event):
    release: int
    services: tuple[str, ...]

    def text(self) -> str:
        return f"release {self.release} applied: {', '.join(self.services)} running"


@dataclass(frozen=True)
class ReleaseRemoved(_Event):
    containers: tuple[str, ...]
    volumes: tuple[str, ...]
    networks: tuple[str, ...]

    def text(self) -> str:
        return (f"removed {len(self.containers)} container(s), {len(self.volumes)} volume(s), "
                f"{len(self.networks)} network(s)")


DeviceEvent = (PlanNote | PrivilegeNotUsed | PrivilegeRefused | VolumeCreated | NetworkCreated
               | ImageDownloaded | UpdateDeferred | ContainerKilled | ImageDeleted
               | ContainerStarted | HandoverDone | ReleaseApplied | ReleaseRemoved)
