"""Update locks, simulated honestly with real containers.

On a device the Supervisor bind-mounts a host folder on ``/tmp/balena`` in
every service container. A service that must not be interrupted creates
``/tmp/balena/updates.lock`` with exclusive-create semantics (``O_CREAT|O_EXCL``,
what ``lockfile`` from procmail does) and removes it when done. Before it
stops a service to apply an update, the Supervisor takes the same lock the
same way: if the file already exists it defers the update and tries again;
when it gets the lock it replaces the service and releases it.

Here, on a plain Docker engine:

- ``/tmp/balena`` is a real named volume shared by the containers (a device
  uses a bind mount of a host folder; the semantics seen from inside are the
  same: a mount point that cannot be removed);
- the service is a real container whose shell takes the lock with ``set -C``
  (noclobber: dash opens with ``O_CREAT|O_EXCL``), works, then releases it;
- the *simulated Supervisor* is this module: every attempt is a short real
  container on the same volume taking the lock with the same ``O_EXCL``
  create; a failed create defers the update. It then "applies" the update by
  killing the old service container and starting the new release's one.

What is simulated: the Supervisor's loop (its back-off, the API, the
override switch ``RESIN_OVERRIDE_LOCK`` and the flock used for host OS
updates are not modelled). The lock files, the mounts and the containers are real.
"""

from __future__ import annotations

import html
import time
import uuid
from dataclasses import dataclass, field

import docker
import docker.errors

from ..engine.client import connect
from ..engine.names import LABEL, owned
from ..errors import RunError

LOCK_DIR = "/tmp/balena"
LOCK_PATH = f"{LOCK_DIR}/updates.lock"

# The service: take the lock exclusively, work while holding it, release it, keep running.
_SERVICE = """set -C
if : > {lock}; then echo "service v1: took {lock}"; else echo "service v1: lock busy"; fi
echo "service v1: critical work for {hold} s, do not update me now"
{wipe}sleep {hold}
rm -f {lock}
echo "service v1: work done, lock released"
exec sleep 600
"""
_WIPE = ("echo 'service v1: a start-up script cleans /tmp/balena'; "
         "rm -rf " + LOCK_DIR + " 2>&1 | sed 's/^/service v1: /'\n")
# One Supervisor attempt: exclusive create, exit 0 when the lock was ours.
_TAKE = f"set -C; : > {LOCK_PATH} 2>/dev/null"
_NEW = 'echo "service v2: started (the new release)"; exec sleep 600'


@dataclass(frozen=True)
class LockEvent:
    """Something that happened, ``seconds`` after the simulation started."""

    seconds: float
    actor: str  # "service" or "supervisor"
    message: str


@dataclass(frozen=True)
class UpdateSimulation:
    """What the simulated Supervisor did while a service held (or lost) its lock."""

    image: str
    hold_seconds: float
    wiped: bool  # the service's start-up script ran rm -rf /tmp/balena
    deferrals: int  # update attempts refused because the lock was held
    interrupted: bool  # the update killed the service before its work was done
    applied_at: float | None  # seconds; None when the timeout came first
    events: tuple[LockEvent, ...] = field(default=())

    def __str__(self) -> str:
        return "\n".join(f"{e.seconds:5.1f} s  {e.actor:10}  {e.message}" for e in self.events)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{e.seconds:.1f} s</td><td>{html.escape(e.actor)}</td>"
            f"<td>{html.escape(e.message)}</td></tr>" for e in self.events)
        verdict = ("the update killed the service in the middle of its work" if self.interrupted
                   else f"the update waited: {self.deferrals} attempt(s) deferred")
        return (f"<p><b>{html.escape(verdict)}</b></p><table><tr><th>time</th><th>who</th>"
                f"<th>what</th></tr>{rows}</table>")


def _labels() -> dict[str, str]:
    return owned({f"{LABEL}.kind": "updatelock"})


def simulate_update(
    image: str,
    *,
    hold_seconds: float = 3,
    wipe_tmp_balena: bool = False,
    poll_seconds: float = 0.5,
    timeout: float = 60,
    client: docker.DockerClient | None = None,
) -> UpdateSimulation:
    """Run a service that holds the update lock, and a Supervisor that wants to update it.

    ``image`` is any local image with ``/bin/sh`` (e.g. a base image). With
    ``wipe_tmp_balena`` the service's start-up script runs ``rm -rf /tmp/balena``
    after taking the lock, the mistake the page warns about: the mount point
    itself survives ("Device or resource busy"), the lock inside does not.
    """
    client = client or connect()
    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        raise RunError(f"no image {image} on this engine", fix="build it first") from None
    volume = client.volumes.create(f"balena-lab-updatelock-{uuid.uuid4().hex[:12]}",
                                   labels=_labels())
    mounts = {volume.name: {"bind": LOCK_DIR, "mode": "rw"}}
    started = time.monotonic()
    events: list[LockEvent] = []
    seen = 0

    def note(actor: str, message: str) -> None:
        events.append(LockEvent(round(time.monotonic() - started, 1), actor, message))

    def drain(container: docker.models.containers.Container) -> list[str]:
        nonlocal seen
        lines: list[str] = container.logs().decode("utf-8", errors="replace").splitlines()
        new, seen = lines[seen:], len(lines)
        for line in new:
            actor, _, message = line.partition(": ")
            note("service", f"{actor}: {message}" if message else line)
        return new

    def attempt() -> bool:
        probe = client.containers.run(image, ["/bin/sh", "-c", _TAKE], volumes=mounts,
                                      detach=True, labels=_labels())
        try:
            return int(probe.wait(timeout=30)["StatusCode"]) == 0
        finally:
            probe.remove(force=True)

    script = _SERVICE.format(lock=LOCK_PATH, hold=hold_seconds,
                             wipe=_WIPE if wipe_tmp_balena else "")
    containers = []
    deferrals, applied_at, interrupted = 0, None, False
    try:
        service = client.containers.run(image, ["/bin/sh", "-c", script], volumes=mounts,
                                        detach=True, labels=_labels())
        containers.append(service)
        while not any("critical work" in line for line in drain(service)):
            if time.monotonic() - started > timeout:
                raise RunError("the service never started its work")
            time.sleep(0.1)
        time.sleep(0.3)  # let a start-up script run
        drain(service)
        note("supervisor", "release v2 downloaded; taking the update lock before stopping v1")
        while time.monotonic() - started < timeout:
            if attempt():
                drain(service)
                done = any("work done" in line for line in service.logs().decode().splitlines())
                interrupted = not done
                note("supervisor", "took the lock (O_EXCL create succeeded): applying v2")
                service.kill()
                note("supervisor", "stopped v1" + ("" if done else " IN THE MIDDLE OF ITS WORK"))
                new = client.containers.run(image, ["/bin/sh", "-c", _NEW], volumes=mounts,
                                            detach=True, labels=_labels())
                containers.append(new)
                time.sleep(0.5)
                seen = 0
                drain(new)
                client.containers.run(image, ["rm", "-f", LOCK_PATH], volumes=mounts,
                                      remove=True, labels=_labels())
                note("supervisor", "update applied; released the lock")
                applied_at = events[-1].seconds
                break
            deferrals += 1
            drain(service)
            note("supervisor", f"{LOCK_PATH} exists (O_EXCL create failed): update deferred")
            time.sleep(poll_seconds)
    finally:
        for container in containers:
            try:
                container.remove(force=True)
            except docker.errors.APIError:
                pass
        for container in client.containers.list(all=True, filters={
                "label": f"{LABEL}.kind=updatelock", "volume": volume.name}):
            try:
                container.remove(force=True)
            except docker.errors.APIError:
                pass
        try:
            volume.remove(force=True)
        except docker.errors.APIError:
            pass
    return UpdateSimulation(image, hold_seconds, wipe_tmp_balena, deferrals, interrupted,
                            applied_at, tuple(events))
