"""Running an image as a container: output streamed, time bounded, always removed.

The single-container defaults the page shows (privileged, host networking,
the ``resin-data`` volume on ``/data``) are the device's business; here
privileged mode and host networking are used only when asked for, and named
volumes are real Docker volumes, so ``/data`` survives from one container to
the next exactly as on a device.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import docker
import docker.errors
import docker.types
import requests.exceptions

from .._values import JsonValue
from ..context.archive import made_context
from ..errors import EngineUnreachable, RunError
from . import names, reaper
from .client import START_ENGINE_FIX, TRANSPORT_ERRORS, connect

# A wait past its timeout is a ReadTimeout or a transport error, depending on urllib3.
_WAIT_ERRORS: tuple[type[Exception], ...] = (requests.exceptions.ReadTimeout, *TRANSPORT_ERRORS)
_REMOVE_ERRORS: tuple[type[Exception], ...] = (docker.errors.APIError, *TRANSPORT_ERRORS)
_FOLLOW_ERRORS: tuple[type[Exception], ...] = (*_REMOVE_ERRORS, requests.exceptions.RequestException)
_VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")  # Docker's rule for volume names


#: Output kept per container: a flood of printing costs this much memory and no more
#: (the oldest lines go first; the last lines, where results are, stay).
MAX_OUTPUT = 16 * 1024 * 1024
# The engine's own log of a container is capped too, so a flood cannot fill the disk.
_LOG_CONFIG = docker.types.LogConfig(type="json-file", config={"max-size": "16m", "max-file": "1"})


@dataclass(frozen=True)
class Locked:
    """How a locked-down container is confined (for code nobody vouches for).

    No network (loopback only), a read-only root file system with a small
    ``/tmp`` in memory, every capability dropped and no new privileges, a user
    that is not root, and limits on memory (``/tmp`` counts in it), processes
    and CPU.  ``binds`` are host folders, always read-only.
    """

    memory: str = "1g"
    pids: int = 256
    cpus: float = 1.0
    tmp_size: str = "256m"
    user: str = "65534:65534"  # nobody
    network: bool = False
    binds: Mapping[str, str] = field(default_factory=dict)  # host path -> container path


@dataclass(frozen=True)
class RunResult(JsonValue):
    image: str
    command: tuple[str, ...] | None
    exit_code: int | None  # None when it was stopped at the timeout
    output: str
    seconds: float
    timed_out: bool
    architecture: str
    container_id: str = ""  # already removed when the result exists

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        status = "timed out" if self.timed_out else f"exit code {self.exit_code}"
        return f"{self.output.rstrip()}\n[{self.image}: {status} after {self.seconds:.2f} s]"


def run(
    image: str,
    command: str | Sequence[str] | None = None,
    *,
    timeout: float = 60,
    volumes: Mapping[str, str] | None = None,
    environment: Mapping[str, str] | None = None,
    privileged: bool = False,
    host_network: bool = False,
    files: Mapping[str, tuple[bytes, int]] | None = None,
    prepare: Callable[[Any], None] | None = None,
    on_output: Callable[[str], None] | None = None,
    locked: Locked | None = None,
    entrypoint: Sequence[str] | None = None,
    client: docker.DockerClient | None = None,
) -> RunResult:
    """Run ``image`` (its CMD, or ``command``) and wait at most ``timeout`` seconds.

    ``volumes`` maps a named volume to a path in the container (``{"resin-data":
    "/data"}``); the volume is the current namespace's own (:func:`~.names.volume_name`),
    created if missing and labelled as balena_lab's, so learners sharing an engine never
    share a ``/data``.
    ``files`` maps absolute paths to (content, mode): put into the container
    before it starts, so a check can place a program the image's own files
    cannot replace (a stand-in ``uname`` on the PATH, say); ``prepare`` is then
    called with the created container (a docker-py ``Container``), before it
    starts, for what needs the image's own files.  ``on_output``
    receives each line as the container prints it.  ``locked`` confines the
    container (:class:`Locked`: for a learner's code).  The container is removed
    whatever happens, and the output kept is at most :data:`MAX_OUTPUT`.
    ``entrypoint`` replaces the image's ENTRYPOINT (``command`` is then its arguments).
    """
    client = client or connect()
    try:
        attrs = client.images.get(image).attrs
    except docker.errors.ImageNotFound:
        raise RunError(f"no image {image} on this engine", fix="build it first") from None
    except docker.errors.APIError as error:  # e.g. an invalid name such as "MyImage"
        raise RunError(f"{image}: {error.explanation}", fix="image names are lower case") from None
    for name in (volumes or {}):
        if not _VOLUME_NAME.match(name):
            raise RunError(
                f"{name!r} is not a volume name: balena services get named volumes only "
                "(no bind mounts), e.g. resin-data:/data")
    platform = "linux/" + "/".join(
        part for part in (attrs.get("Architecture"), attrs.get("Variant")) if part
    )
    mounts = {names.volume_name(name): path for name, path in (volumes or {}).items()}
    for name in mounts:
        _ensure_volume(client, name)
    if isinstance(command, str):
        cmd: list[str] | None = ["/bin/sh", "-c", command]
    else:
        cmd = list(command) if command else None
    started = time.monotonic()
    binds = {name: {"bind": path, "mode": "rw"} for name, path in mounts.items()}
    confinement: dict[str, Any] = {}
    if locked is not None:
        binds.update({host: {"bind": path, "mode": "ro"} for host, path in locked.binds.items()})
        confinement = {
            "network_mode": None if locked.network else "none", "read_only": True,
            "tmpfs": {"/tmp": f"size={locked.tmp_size},mode=1777"}, "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"], "user": locked.user,
            "mem_limit": locked.memory, "memswap_limit": locked.memory,
            "pids_limit": locked.pids, "nano_cpus": int(locked.cpus * 1e9)}
    else:
        confinement = {"network_mode": "host" if host_network else None}
    # The reaper is started first, with the name the container will have: a client killed
    # between the create and the reaper's start would leave a container nobody removes.
    name = f"balena-lab-run-{secrets.token_hex(8)}"
    watchdog = reaper.start(name, timeout)
    try:
        container = client.containers.create(
            image, cmd, name=name, platform=platform, detach=True,
            environment=dict(environment or {}), privileged=privileged,
            volumes=binds, log_config=_LOG_CONFIG,
            labels=names.owned({names.KIND_LABEL: names.RUN_KIND}),
            **({"entrypoint": list(entrypoint)} if entrypoint is not None else {}),
            **confinement,
        )
    except docker.errors.APIError as error:
        reaper.stop(watchdog)
        raise RunError(f"cannot create a container of {image}: {error.explanation}") from None
    except TRANSPORT_ERRORS:
        reaper.hand_over(watchdog)  # a create that reached the engine is removed when it answers
        raise EngineUnreachable("the Docker engine does not answer", fix=START_ENGINE_FIX) from None
    except BaseException:  # a read timeout, Ctrl-C: a create may still land, the reaper waits
        reaper.hand_over(watchdog)
        raise
    lines: deque[str] = deque()
    try:
        if files:
            with made_context({path.lstrip("/"): entry for path, entry in files.items()}) as tar:
                container.put_archive("/", tar.read())
        if prepare is not None:
            prepare(container)
        container.start()
        reader = threading.Thread(target=_follow, args=(container, lines, on_output), daemon=True)
        reader.start()
        timed_out = False
        try:
            exit_code: int | None = int(container.wait(timeout=timeout)["StatusCode"])
        except _WAIT_ERRORS as error:
            # docker-py reports a wait timeout as either, depending on urllib3's mood.
            if "timed out" not in str(error).lower():
                raise EngineUnreachable("the Docker engine stopped answering during the run",
                                        fix=START_ENGINE_FIX) from None
            timed_out, exit_code = True, None
            try:
                container.kill()
            except docker.errors.APIError:
                pass  # it ended by itself meanwhile
        reader.join(timeout=5)
        output = "\n".join(lines) + ("\n" if lines else "")
    except docker.errors.APIError as error:
        raise RunError(f"running {image} failed: {error.explanation}") from None
    except TRANSPORT_ERRORS:
        raise EngineUnreachable("the Docker engine stopped answering during the run",
                                fix=START_ENGINE_FIX) from None
    finally:
        try:
            container.remove(force=True)
            reaper.stop(watchdog)
        except docker.errors.NotFound:
            reaper.stop(watchdog)
        except _REMOVE_ERRORS:
            reaper.hand_over(watchdog)  # it removes the container once the engine answers
    return RunResult(
        image=image, command=tuple(cmd) if cmd else None, exit_code=exit_code,
        output=output, seconds=time.monotonic() - started, timed_out=timed_out,
        architecture=platform.removeprefix("linux/"), container_id=container.id or "",
    )


def _follow(container: Any, lines: deque[str], on_output: Callable[[str], None] | None) -> None:
    partial = ""
    kept = 0

    def keep(line: str) -> None:
        nonlocal kept
        lines.append(line)
        kept += len(line) + 1
        while kept > MAX_OUTPUT and len(lines) > 1:
            kept -= len(lines.popleft()) + 1
        if on_output:
            on_output(line)

    try:
        for chunk in container.logs(stream=True, follow=True):
            partial += chunk.decode("utf-8", errors="replace")
            *complete, partial = partial.split("\n")
            for line in complete:
                keep(line)
            if len(partial) > MAX_OUTPUT:  # one endless line
                keep(partial[-MAX_OUTPUT:])
                partial = ""
    except _FOLLOW_ERRORS:
        pass  # the engine went away: run() says so; what was read so far is kept
    if partial:
        keep(partial)


def _ensure_volume(client: docker.DockerClient, name: str) -> None:
    try:
        client.volumes.get(name)
    except docker.errors.NotFound:
        client.volumes.create(name, labels=names.owned())


def remove_volume(name: str, client: docker.DockerClient | None = None) -> bool:
    """Remove the current namespace's volume ``name``; True if it existed."""
    client = client or connect()
    try:
        client.volumes.get(names.volume_name(name)).remove(force=True)
        return True
    except docker.errors.NotFound:
        return False
