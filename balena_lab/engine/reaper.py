"""A container's time limit kept by a process of its own, so it holds if the client dies.

:func:`~.containers.run` waits for its container and removes it; but a client
killed with SIGKILL (a closed laptop lid, a grader's hard limit, ``kill -9``)
runs no ``finally``, and Docker has no server-side "stop after N seconds".
So each run starts a reaper: ``python -m balena_lab.engine.reaper ID PID
SECONDS``, in a session of its own (a signal to the client's process group
does not reach it).  It removes the container, with force, as soon as the
client process ``PID`` is gone or ``SECONDS`` have passed, whichever comes
first, retrying while the engine does not answer.  A client that ends
normally removes the container itself and stops its reaper; a client that
could not remove it (the engine stopped answering) hands it over at once
(:func:`hand_over`), so the container goes as soon as the engine answers again,
not at the end of its time limit.

Why not ``auto_remove``: the engine then removes the container the moment it
exits, racing the client's read of the exit code and of its last lines (the
Docker CLI avoids this with a wait registered before the start, which the
SDK cannot express); and an auto-removed container still runs forever when
nobody stops it.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

#: Seconds after its time limit a container is given before the reaper takes it: the
#: client stops it at the limit itself when it is alive.
GRACE = 5.0
#: Seconds the reaper keeps trying to reach an engine that does not answer.
RETRY_FOR = 600.0
_POLL = 0.5
#: Seconds a container that is not there is looked for before it is taken to be gone: a
#: create still in flight when the client died may land that late (the engine was busy).
_LOOK_FOR = 30.0
#: Seconds the client may spend creating, filling and starting the container before its
#: time limit starts: the reaper's own clock starts before the create.
SETUP = 60.0


#: The reaper's module, as its command line names it (``python -m MODULE``).
MODULE = "balena_lab.engine.reaper"
#: Every reaper's module: this one, and the one that takes a lesson's scratch project and
#: its release away when the kernel that made them dies (balena_lab.lessons.scratchreaper).
MODULES = (MODULE, "balena_lab.lessons.scratchreaper")


def is_reaper(cmdline: list[str]) -> bool:
    """Whether a process with this command line is a reaper: whoever stops a process tree
    (a grader stopping its workers) must spare it, or what it watches is never removed."""
    return any(module in cmdline[1:3] for module in MODULES)


def start(container: str, seconds: float) -> subprocess.Popen[bytes]:
    """Start the reaper of ``container`` (its id or name: the client starts it with the
    name, before the container exists), to act at ``seconds`` (plus :data:`SETUP` and
    :data:`GRACE`: the client's own limit starts only once the container has started)."""
    return subprocess.Popen(
        [sys.executable, "-m", MODULE, container, str(os.getpid()),
         str(seconds + SETUP + GRACE)],
        # Its stdin is a pipe from the client: a line on it, or its end (the client
        # died), means "now".
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )


def stop(reaper: subprocess.Popen[bytes]) -> None:
    """Stop a reaper whose container is already removed."""
    reaper.kill()
    reaper.wait()
    if reaper.stdin is not None:
        reaper.stdin.close()


def hand_over(reaper: subprocess.Popen[bytes]) -> None:
    """Ask the reaper to remove its container now (the client could not)."""
    if reaper.stdin is None:
        return
    try:
        reaper.stdin.write(b"now\n")
        reaper.stdin.close()
    except OSError:
        pass  # it has ended already: it removed the container, or gave up


def alive(pid: int) -> bool:
    """Is ``pid`` running (a killed client not yet reaped by its parent is not)?"""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rpartition(b")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def _remove(container: str) -> None:
    import docker
    import docker.errors

    from .client import TRANSPORT_ERRORS

    deadline = time.monotonic() + RETRY_FOR
    missing_since: float | None = None
    while time.monotonic() < deadline:
        try:
            client = docker.from_env(timeout=30)
            client.api.remove_container(container, force=True)
            return
        except docker.errors.NotFound:
            # The reaper starts before the container is created (so that a client
            # killed mid-create leaves nothing): a create still in flight may land
            # after this look, so look for a while before taking "not there" for an answer.
            missing_since = missing_since or time.monotonic()
            if time.monotonic() - missing_since >= _LOOK_FOR:
                return
            time.sleep(2)
        except (docker.errors.DockerException, *TRANSPORT_ERRORS):
            time.sleep(2)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m balena_lab.engine.reaper CONTAINER_ID CLIENT_PID SECONDS",
              file=sys.stderr)
        return 2
    container_id, pid, seconds = argv[0], int(argv[1]), float(argv[2])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive(pid):
        readable, _, _ = select.select([sys.stdin], [], [], _POLL)
        if readable:  # handed over, or the client's end closed: now
            break
    _remove(container_id)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
