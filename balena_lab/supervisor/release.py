"""``up`` and ``down``: a release run on the local engine as balena's Supervisor runs it.

``iter_up`` builds the release as balena's builder does (:mod:`balena_lab.builder`),
then applies it as the Supervisor applies a new target state:

1. the images are "downloaded": tagged as the device's own copy of the release
   (``balena-lab/<namespace>/device-<appId>-<service>:release-<n>``), which the
   container then runs, so a download is a real, observable engine event;
2. volumes and the app network are made, named as the Supervisor names them;
3. a service that changed is updated following its ``io.balena.update.strategy``:
   ``download-then-kill`` (the default), ``kill-then-download``,
   ``delete-then-download`` (the old image deleted before the new one comes),
   ``hand-over`` (both run until the new one writes
   ``/tmp/balena/handover-complete``, or the timeout passes);
4. before any old container is killed, every service's update lock is checked in
   its host lock folder (``updates.lock`` or the legacy ``resin-updates.lock``):
   while one is held the update waits, retrying, and it is applied when the lock
   goes; if it is still held at ``lock_timeout`` the old release keeps running
   and the new images stay downloaded, as on a device.  One locked service blocks
   the whole release;
5. containers start in ``depends_on`` order, with the feature labels' binds and
   variables, the Supervisor's environment, ``/tmp/balena`` and ``/tmp/resin``
   on the service's lock folder, and the ``restart`` policy.

What the composition asks for and a laptop should not give without asking
(``privileged: true``, ``network_mode: host``, and the feature binds that hand
over the host: the engine socket, ``/sys``, ``/proc``) is used only with
``privileged=True`` / ``host_network=True``; otherwise the event stream says
that a device would.  Where the engine refuses privileged mode (this course's
sandbox does: "unable to apply caps"), the refusal is reported and the service
runs without it.  Host folders a feature binds that this machine lacks are
reported and skipped, never created.

Not simulated: the Supervisor's API (its variables point at an address that
nothing answers on), the cloud's device state, delta updates, and the
Supervisor taking the locks itself while it applies an update.  ``down`` is
leaving local mode: every container, network, volume, device image and lock
folder of the app goes.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import docker.types

from .._values import JsonValue
from ..builder.events import BuildEvent, ReleaseFinished
from ..builder.release import iter_build_release
from ..catalog.devicetypes import get_device_type
from ..engine import names
from ..engine.client import TRANSPORT_ERRORS, connect, engine_transport
from ..errors import RunError
from ..resolution.compose import compose
from . import naming
from .environment import DeviceMetadata
from .events import (
    ContainerKilled,
    ContainerStarted,
    DeviceEvent,
    HandoverDone,
    ImageDeleted,
    ImageDownloaded,
    NetworkCreated,
    PlanNote,
    PrivilegeNotUsed,
    PrivilegeRefused,
    ReleaseApplied,
    ReleaseRemoved,
    UpdateDeferred,
    VolumeCreated,
)
from .plan import ReleasePlan, ServicePlan, plan_release

RELEASE_KIND, APP_LABEL, SERVICE_LABEL = names.RELEASE_KIND, names.APP_LABEL, names.SERVICE_LABEL
RELEASE_LABEL, SETTINGS_LABEL = names.RELEASE_LABEL, names.SETTINGS_LABEL
#: The lock files the Supervisor recognises in a lock folder.
LOCK_FILES = ("updates.lock", "resin-updates.lock")
HANDOVER_FILE = "handover-complete"
HANDOVER_FILES = (HANDOVER_FILE, "resin-kill-me")
#: How long a killed container has to stop on SIGTERM before SIGKILL (Docker's default).
STOP_SECONDS = 10
_LOG_CONFIG = docker.types.LogConfig(type="json-file", config={"max-size": "16m", "max-file": "1"})

Event = BuildEvent | DeviceEvent

#: The projects whose release ``up`` started in this process (resolved).
_STARTED: set[Path] = set()


def started_here() -> frozenset[Path]:
    """The projects whose release ``up`` started in this process (a kernel that ends takes
    its scratch projects' releases down with it: :mod:`balena_lab.lessons.scratch`)."""
    return frozenset(_STARTED)


def lock_root() -> Path:
    """The host folder of this namespace's lock folders (a device's
    ``/tmp/balena-supervisor/services``)."""
    # One top folder per learner: on a class server /tmp is shared, and a folder another
    # learner made would not be writable.
    return Path(tempfile.gettempdir()) / f"balena-lab-supervisor-{names.namespace()}"


def device_metadata(project_dir: str | Path, device_type: str, arch: str | None = None,
                    ) -> DeviceMetadata:
    """The laptop-device's identity for ``project_dir``: made up, stable, the learner's own."""
    device = get_device_type(device_type)
    owner = names.namespace()
    app_id, app_uuid = naming.app_identity(owner, Path(project_dir))
    uuid = hashlib.sha256(f"{owner}\0device".encode()).hexdigest()[:32]
    return DeviceMetadata(uuid=uuid, device_type=device.slug, arch=arch or device.arch,
                          app_id=app_id, app_uuid=app_uuid,
                          app_name=names.name_component(Path(project_dir).resolve().name, "app"),
                          device_name=f"{owner}-laptop")


@dataclass(frozen=True)
class RunningService(JsonValue):
    service: str
    container: str
    release: int
    status: str  # the engine's: running, restarting, exited, ...
    image: str
    privileged: bool
    network: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DeviceState(JsonValue):
    """What runs on the laptop-device for one app, read from the engine."""

    app_id: int
    services: tuple[RunningService, ...]

    @property
    def release(self) -> int | None:
        return max((s.release for s in self.services), default=None)

    def service(self, name: str) -> RunningService:
        return next(s for s in self.services if s.service == name)

    def to_dict(self) -> dict[str, Any]:
        """The ``balena-lab up --json`` object."""
        return {"app_id": self.app_id, "release": self.release,
                "services": [s.to_dict() for s in self.services]}

    def __str__(self) -> str:
        if not self.services:
            return f"app {self.app_id}: nothing runs"
        lines = [f"app {self.app_id}, release {self.release}:"]
        lines += [f"  {s.service:12} {s.status:10} {s.container}  privileged={s.privileged} "
                  f"network={s.network}" for s in self.services]
        return "\n".join(lines)


@contextlib.contextmanager
def _engine(what: str) -> Iterator[None]:
    """A lost engine is EngineUnreachable, a refusal of the engine a RunError: never a raw
    docker exception."""
    with engine_transport(f"went away while {what}"):
        try:
            yield
        except docker.errors.DockerException as error:
            explanation = getattr(error, "explanation", None) or str(error)
            raise RunError(f"the engine refused, while {what}: {explanation}",
                           fix="balena-lab down DIR, then up again") from None
        except TRANSPORT_ERRORS:
            raise  # engine_transport's: EngineUnreachable with its fix
        except OSError as error:  # a lock folder that cannot be made or removed
            raise RunError(f"{error.filename or 'a lock folder'}: {error.strerror}, while {what}",
                           fix="check the folder's owner and mode") from None


def device_state(app_id: int, client: docker.DockerClient | None = None) -> DeviceState:
    client = client or connect()
    with _engine("the device's state was read"):
        return _device_state(app_id, client)


def _device_state(app_id: int, client: docker.DockerClient) -> DeviceState:
    services = []
    for container in _app_containers(client, app_id):
        labels = container.labels
        host = container.attrs.get("HostConfig") or {}
        image = container.attrs.get("Config", {}).get("Image", "")
        services.append(RunningService(
            service=labels.get(SERVICE_LABEL, "?"), container=container.name,
            release=int(labels.get(RELEASE_LABEL, "0")), status=container.status,
            image=str(image),
            privileged=bool(host.get("Privileged")), network=str(host.get("NetworkMode"))))
    return DeviceState(app_id, tuple(sorted(services, key=lambda s: (s.service, s.release))))


def up(project_dir: str | Path, device_type: str, arch: str | None = None, *,
       on_event: Callable[[Event], None] | None = None, **options: Any) -> DeviceState:
    """Apply the project's release; ``on_event`` sees every event.  Takes the options of
    :func:`iter_up`; returns what runs afterwards."""
    client = options.pop("client", None) or connect()
    for event in iter_up(project_dir, device_type, arch, client=client, **options):
        if on_event:
            on_event(event)
    return device_state(device_metadata(project_dir, device_type, arch).app_id, client)


def iter_up(
    project_dir: str | Path, device_type: str, arch: str | None = None, *,
    privileged: bool = False, host_network: bool = False, stand_ins: bool | None = None,
    lock_timeout: float = 60.0, lock_poll: float = 0.5,
    variables: Mapping[str, str] | None = None, locks: Path | None = None,
    client: docker.DockerClient | None = None,
) -> Iterator[Event]:
    """Build and apply the release, yielding the build's events, then the device's.

    The last event is :class:`ReleaseApplied`, or :class:`UpdateDeferred` when a lock
    was still held at ``lock_timeout`` seconds (the old release then keeps running).
    """
    client = client or connect()
    composition = compose(project_dir, device_type, arch, variables)
    device = device_metadata(project_dir, device_type, arch)
    with _engine("the release was applied"):
        current = sorted(_app_containers(client, device.app_id),
                         key=lambda c: int(c.labels.get(RELEASE_LABEL, "0")))
        old = {c.labels.get(SERVICE_LABEL, ""): c for c in current}  # the newest per service
        stray = [c for c in current if old.get(c.labels.get(SERVICE_LABEL, "")) is not c]
        release = max((int(c.labels.get(RELEASE_LABEL, "0")) for c in current), default=0) + 1
        built: dict[str, str] = {}  # service -> image id, from the cloud builder
        for event in iter_build_release(project_dir, device_type, arch, variables=variables,
                                        stand_ins=stand_ins, client=client,
                                        composition=composition,
                                        labels={APP_LABEL: str(device.app_id)}):
            yield event
            if isinstance(event, ReleaseFinished):
                built = {name: r.image_id for name, r in event.result.services.items()}
        for item in composition.services:
            if item.resolution is None and item.image:
                built[item.name] = _local_image(client, item.image, item.name)
        image_labels = {name: client.images.get(image).labels for name, image in built.items()}
        plan = plan_release(composition, device, locks or lock_root(), release_id=release,
                            commit=hashlib.sha256(f"{device.app_uuid}{release}".encode())
                            .hexdigest()[:12], image_labels=image_labels)
        yield from _plan_notes(plan, privileged=privileged, host_network=host_network)

        grants = f"privileged={privileged},host-network={host_network}"
        changed = [s for s in plan.services
                   if _differs(old.get(s.service), built[s.service], s, grants)]
        # Removed services, and a service's older container left by an interrupted update.
        gone = [c for name, c in old.items() if name not in {s.service for s in plan.services}]
        gone += stray
        if old and not changed and not gone:
            yield ReleaseApplied("", release - 1, tuple(old))
            return
        yield from _volumes_and_networks(client, plan)
        for service in plan.services:
            plan.lock_folder(service.service).mkdir(parents=True, exist_ok=True)

        applier = _Applier(client, plan, built, project=Path(project_dir).resolve(),
                           privileged=privileged, host_network=host_network, grants=grants)
        _STARTED.add(Path(project_dir).resolve())
        later = []
        for service in changed:  # what downloads before any kill: the Supervisor's default
            if old.get(service.service) is None or service.strategy in (
                    "download-then-kill", "hand-over"):
                yield applier.download(service)
            if old.get(service.service) is not None:
                later.append(service)
        if later or gone:
            # Every service's lock counts, a removed service's too (app.ts: current + target).
            folders = [plan.lock_folder(name) for name in dict.fromkeys(
                [*(s.service for s in plan.services),
                 *(c.labels.get(SERVICE_LABEL, "") for c in gone)])]
            waited = yield from _wait_for_locks(folders, lock_timeout, lock_poll)
            if not waited:
                return
        for service in changed:
            previous = old.get(service.service)
            if previous is None:
                yield from applier.start(service)
            elif service.strategy == "download-then-kill":
                yield applier.kill(previous, service.service)
                yield from applier.start(service)
            elif service.strategy in ("kill-then-download", "delete-then-download"):
                yield applier.kill(previous, service.service)
                if service.strategy == "delete-then-download":
                    yield from applier.delete_image(previous, service.service)
                yield applier.download(service)
                yield from applier.start(service)
            else:  # hand-over
                yield from applier.start(service)
                yield applier.hand_over(service, previous)
                yield applier.kill(previous, service.service)
        for container in gone:
            yield applier.kill(container, container.labels.get(SERVICE_LABEL, ""))
        for container in [*(old[s.service] for s in later), *gone]:
            yield from applier.delete_image(container, container.labels.get(SERVICE_LABEL, ""))
        yield ReleaseApplied("", release, tuple(s.service for s in plan.services))


def run_in_service(project_dir: str | Path, service: str, command: str,
                   client: docker.DockerClient | None = None) -> str:
    """What ``command`` (a shell line) prints in the running container of ``service``:
    a look from inside, as ``balena ssh <device> <service>`` gives on a device."""
    client = client or connect()
    app_id, _ = naming.app_identity(names.namespace(), Path(project_dir))
    with _engine(f"looking into {service}"):
        running = [c for c in _app_containers(client, app_id)
                   if c.labels.get(SERVICE_LABEL) == service and c.status == "running"]
        if not running:
            raise RunError(f"no running container of service {service!r} for {project_dir}",
                           fix=f"balena-lab up {project_dir} --device-type SLUG")
        result = running[-1].exec_run(["/bin/sh", "-c", command])
    return str(result.output.decode(errors="replace"))


def service_logs(project_dir: str | Path, service: str,
                 client: docker.DockerClient | None = None) -> str:
    """Everything the current container of ``service`` printed, through all its restarts
    (``balena logs <device> --service <service>`` on a device)."""
    client = client or connect()
    app_id, _ = naming.app_identity(names.namespace(), Path(project_dir))
    with _engine(f"reading {service}'s logs"):
        mine = [c for c in _app_containers(client, app_id)
                if c.labels.get(SERVICE_LABEL) == service]
        if not mine:
            raise RunError(f"no container of service {service!r} for {project_dir}",
                           fix=f"balena-lab up {project_dir} --device-type SLUG")
        latest = max(mine, key=lambda c: int(c.labels.get(RELEASE_LABEL, "0")))
        return str(latest.logs().decode(errors="replace"))


def wait_for_log(project_dir: str | Path, service: str, text: str, *, timeout: float = 60,
                 client: docker.DockerClient | None = None) -> str:
    """``service``'s logs once they contain ``text``; RunError after ``timeout`` seconds
    (a service under QEMU may take a few seconds to print)."""
    client = client or connect()
    deadline = time.monotonic() + timeout
    while True:
        logs = service_logs(project_dir, service, client)
        if text in logs:
            return logs
        if time.monotonic() > deadline:
            raise RunError(f"service {service!r} did not print {text!r} in {timeout:g} s; "
                           f"it printed:\n{logs[-2000:]}", fix="read its logs above")
        time.sleep(0.2)


def down(project_dir: str | Path, *, locks: Path | None = None,
         client: docker.DockerClient | None = None) -> ReleaseRemoved:
    """Remove everything the app's releases made here: containers, networks, volumes,
    device images and lock folders (leaving local mode does the same on a device)."""
    client = client or connect()
    app_id, _ = naming.app_identity(names.namespace(), Path(project_dir))
    _STARTED.discard(Path(project_dir).resolve())
    selector = {"label": [f"{APP_LABEL}={app_id}", f"{names.NAMESPACE_LABEL}={names.namespace()}"]}
    with _engine("the release was removed"):
        containers = _app_containers(client, app_id)
        images = {str(c.attrs.get("Image")) for c in containers}
        for container in containers:
            container.remove(force=True, v=False)
        networks = client.networks.list(filters=selector)
        for network in networks:
            network.remove()
        volumes = client.volumes.list(filters=selector)
        for volume in volumes:
            volume.remove(force=True)
        _remove_lock_folder(client, (locks or lock_root()) / str(app_id), images)
        device_images = f"{names.PREFIX}{names.namespace()}/device-{app_id}-*"
        for image in client.images.list(filters={"reference": device_images}):
            for tag in image.tags:
                if tag.startswith(device_images[:-1]):
                    _untag(client, tag)
    return ReleaseRemoved("", tuple(c.name for c in containers),
                          tuple(v.name for v in volumes), tuple(n.name for n in networks))


class _Applier:
    """The engine operations of one release, each returning (or yielding) its event."""

    def __init__(self, client: docker.DockerClient, plan: ReleasePlan, built: Mapping[str, str],
                 *, project: Path, privileged: bool, host_network: bool, grants: str) -> None:
        self.client, self.plan, self.built, self.project = client, plan, built, project
        self.privileged, self.host_network, self.grants = privileged, host_network, grants

    def device_tag(self, service: str) -> str:
        repository = f"{names.PREFIX}{names.namespace()}/device-{self.plan.device.app_id}-" \
                     f"{names.name_component(service, 'service')}"
        return f"{repository}:release-{self.plan.release}"

    def labels(self, service: str) -> dict[str, str]:
        return names.owned({names.KIND_LABEL: RELEASE_KIND, APP_LABEL: str(self.plan.device.app_id),
                            SERVICE_LABEL: service, names.PROJECT_LABEL: str(self.project)})

    def download(self, service: ServicePlan) -> ImageDownloaded:
        repository, tag = self.device_tag(service.service).rsplit(":", 1)
        self.client.api.tag(self.built[service.service], repository, tag)
        return ImageDownloaded(service.service, f"{repository}:{tag}")

    def kill(self, container: Any, service: str) -> ContainerKilled:
        try:
            container.stop(timeout=STOP_SECONDS)
            container.remove(v=False)
        except docker.errors.NotFound:
            pass
        return ContainerKilled(service, container.name)

    def delete_image(self, container: Any, service: str) -> Iterator[ImageDeleted]:
        try:
            tags = container.image.tags
        except docker.errors.ImageNotFound:  # deleted already (delete-then-download)
            return
        for tag in tags:
            if tag.startswith(f"{names.PREFIX}{names.namespace()}/device-") and \
                    tag != self.device_tag(service) and _untag(self.client, tag):
                yield ImageDeleted(service, tag)

    def start(self, service: ServicePlan) -> Iterator[PrivilegeRefused | ContainerStarted]:
        image = self.client.images.get(self.device_tag(service.service))
        env = service.environment(self.plan.device, _env(image.attrs))
        folder = self.plan.lock_folder(service.service)
        volumes = [b.spec() for b in service.binds
                   if self.privileged or b.feature not in HOST_TAKEOVER]
        volumes += [f"{name}:{path}" for name, path in service.volumes]
        volumes += [f"{folder}:{target}" for target in naming.LOCK_MOUNTS]
        host = service.host_network and self.host_network
        options: dict[str, Any] = dict(
            image=image.id, name=service.container, environment=env, volumes=volumes,
            labels={**dict(service.labels), "io.balena.supervised": "true",
                    "io.balena.app-id": str(self.plan.device.app_id),
                    "io.balena.service-name": service.service,
                    **self.labels(service.service), RELEASE_LABEL: str(self.plan.release),
                    SETTINGS_LABEL: f"{service.settings_digest()}:{self.grants}"},
            restart_policy={"Name": service.restart}, detach=True,  # plan: createRestartPolicy
            log_config=_LOG_CONFIG,
            **({"network_mode": "host"} if host else self._network(service)))
        privileged = service.privileged and self.privileged
        container = self.client.containers.create(privileged=privileged, **options)
        try:
            container.start()
        except docker.errors.APIError as error:
            container.remove(force=True)
            if not privileged:
                raise RunError(f"the engine would not start {service.service}: "
                               f"{error.explanation}", fix="balena-lab doctor") from None
            yield PrivilegeRefused(service.service, "privileged", _reason(error))
            container = self.client.containers.create(privileged=False, **options)
            container.start()
        yield ContainerStarted(service.service, container.name, self.plan.release)

    def _network(self, service: ServicePlan) -> dict[str, Any]:
        """The app network, where the service is known by its name (the Supervisor's alias)."""
        network = service.app_network if service.host_network else service.network
        endpoint = self.client.api.create_endpoint_config(aliases=[service.service])
        return {"network": network, "networking_config": {network: endpoint}}

    def hand_over(self, service: ServicePlan, old: Any) -> HandoverDone:
        """Wait for the new container's word (either file name the Supervisor reads), or the
        timeout; the old container is not restarted meanwhile (service-manager.ts)."""
        old.update(restart_policy={"Name": "no"})
        folder = self.plan.lock_folder(service.service)
        deadline = time.monotonic() + service.handover_timeout_ms / 1000
        while time.monotonic() < deadline:
            for name in HANDOVER_FILES:
                if (folder / name).exists():
                    (folder / name).unlink(missing_ok=True)
                    return HandoverDone(service.service, True)
            time.sleep(0.2)
        return HandoverDone(service.service, False)


#: Feature binds that hand the container the host itself (the docs: they "can be used to
#: completely take over a device"): on a laptop, only with privileged=True.
HOST_TAKEOVER = {"balena-socket": "the host's engine socket", "sysfs": "the host's /sys",
                 "procfs": "the host's /proc"}


def _plan_notes(plan: ReleasePlan, *, privileged: bool, host_network: bool,
                ) -> Iterator[DeviceEvent]:
    for service in plan.services:
        for note in (*service.notes, *service.features.notes):
            yield PlanNote(service.service, note)
        if service.privileged and not privileged:
            yield PrivilegeNotUsed(service.service, "privileged mode", "--privileged")
        if not privileged:
            for feature in dict.fromkeys(b.feature for b in service.binds
                                         if b.feature in HOST_TAKEOVER):
                yield PrivilegeNotUsed(service.service, HOST_TAKEOVER[feature], "--privileged")
        if service.host_network and not host_network:
            yield PrivilegeNotUsed(service.service, "the host's network", "--host-network")


def _volumes_and_networks(client: docker.DockerClient, plan: ReleasePlan,
                          ) -> Iterator[DeviceEvent]:
    labels = names.owned({names.KIND_LABEL: RELEASE_KIND, APP_LABEL: str(plan.device.app_id)})
    for name in plan.volumes:
        try:
            client.volumes.get(name)
        except docker.errors.NotFound:
            client.volumes.create(name, labels=labels)
            yield VolumeCreated("", name)
    for name in plan.networks:
        if not client.networks.list(names=[name]):
            client.networks.create(name, driver="bridge", labels=labels)
            yield NetworkCreated("", name)


def _wait_for_locks(folders: list[Path], timeout: float, poll: float,
                    ) -> Generator[UpdateDeferred | PlanNote, None, bool]:
    """Wait while an update lock is held in any of ``folders``; False if it still is at the
    end (the last event is then the UpdateDeferred).  The check and the kill that follows
    are two steps: the Supervisor closes that gap by taking the locks itself, which is not
    done here."""
    started = time.monotonic()
    reported = -1.0
    while True:
        held = [folder / name for folder in folders for name in LOCK_FILES
                if (folder / name).exists()]
        if not held:
            return True
        waited = time.monotonic() - started
        if waited >= timeout:
            yield PlanNote("", f"the lock is still held after {timeout:g} s: the old release "
                               "keeps running; `up` again applies the update once it goes")
            yield UpdateDeferred(held[0].parent.name, str(held[0]), waited)
            return False
        if waited - reported >= 5 or reported < 0:
            reported = waited
            yield UpdateDeferred(held[0].parent.name, str(held[0]), waited)
        time.sleep(poll)


def _app_containers(client: docker.DockerClient, app_id: int) -> list[Any]:
    return list(client.containers.list(all=True, filters={"label": [
        f"{APP_LABEL}={app_id}", f"{names.NAMESPACE_LABEL}={names.namespace()}",
        f"{names.KIND_LABEL}={RELEASE_KIND}"]}))


def _differs(current: Any, image_id: str, service: ServicePlan, grants: str) -> bool:
    """Whether ``service`` needs a new container: a new image, other settings, or other
    grants (``up --privileged`` after a plain ``up``)."""
    return current is None or current.attrs.get("Image") != image_id or \
        current.labels.get(SETTINGS_LABEL) != f"{service.settings_digest()}:{grants}"


def _local_image(client: docker.DockerClient, image: str, service: str) -> str:
    try:
        return str(client.images.get(image).id)
    except docker.errors.ImageNotFound:
        raise RunError(f"service {service}: image {image} is not on this engine, and no "
                       "registry answers here", fix=f"build it, or docker load {image}") from None


def _env(attrs: Mapping[str, Any]) -> dict[str, str]:
    pairs = (attrs.get("Config") or {}).get("Env") or []
    return dict(item.split("=", 1) for item in pairs if "=" in item)


def _reason(error: docker.errors.APIError) -> str:
    text = str(error.explanation or error)
    return text.rsplit(": ", 2)[-2] if text.count(": ") >= 2 else text


def _untag(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.remove(tag, noprune=False)
    except docker.errors.ImageNotFound:
        return False
    except docker.errors.APIError:
        return False  # still used (another release's container): the next clean-up takes it
    return True


def _remove_lock_folder(client: docker.DockerClient, folder: Path, images: set[str]) -> None:
    """Remove the app's lock folders.  Files a container made there are root's: a learner
    who is not root has the engine remove them, with one of the release's own images."""
    if not folder.exists():
        return
    try:
        shutil.rmtree(folder)
        return
    except PermissionError:
        pass
    for image in images:
        try:
            client.containers.run(image, ["/bin/sh", "-c", "rm -rf /locks/* /locks/.[!.]*"],
                                  volumes=[f"{folder}:/locks"], remove=True, entrypoint=[],
                                  user="root", labels=names.owned({names.KIND_LABEL: RELEASE_KIND}))
            break
        except docker.errors.DockerException:
            continue
    shutil.rmtree(folder, ignore_errors=True)
