"""The connection to the Docker engine, and what the engine says about itself.

Everything that talks to Docker goes through :func:`connect`, so that "no
engine" is always the same clear :class:`~balena_lab.errors.EngineUnreachable`
with the command that starts one, never a ``requests`` traceback.
"""

from __future__ import annotations

import http.client
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import docker
import docker.errors
import requests.exceptions
import urllib3.exceptions

from .._values import JsonValue
from ..errors import EngineUnreachable

#: The command that brings up an engine on the machines this project supports.
START_ENGINE_FIX = "sudo bash scripts/engine-up   (or: sudo systemctl start docker)"

# The Docker SDK for Python speaks only the classic builder's API: it has no
# BuildKit session, so heredocs and RUN --mount cannot work through it even on
# an engine whose CLI would use BuildKit.
SDK_BUILDER = "classic"


@dataclass(frozen=True)
class EngineInfo(JsonValue):
    """What the engine reports about itself."""

    address: str
    server_version: str
    api_version: str
    os_type: str
    architecture: str
    storage_driver: str
    cgroup_version: str | None
    #: the engine's default builder for its own CLI ("BuildKit" or "classic")
    engine_default_builder: str
    #: the builder balena_lab's builds use: always classic through the SDK
    sdk_builder: str = SDK_BUILDER

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def engine_address() -> str:
    """Where the SDK will look for the engine (``DOCKER_HOST`` or the default socket)."""
    return os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")


#: What a lost connection to the engine raises, from whichever layer notices first: requests
#: when a call starts, urllib3 or http.client in the middle of a streamed answer (a build's
#: log, a container's output), the socket itself (reset, broken pipe).  Timeouts are not
#: here: a caller that set one knows what it means.
TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.ProtocolError,
    http.client.HTTPException,
    ConnectionError,
)


@contextmanager
def engine_transport(what: str) -> Iterator[None]:
    """Turn a lost connection inside the block into :class:`EngineUnreachable`.

    ``what`` ends the message: "the Docker engine at ADDRESS {what}".
    """
    try:
        yield
    except TRANSPORT_ERRORS as error:
        raise EngineUnreachable(
            f"the Docker engine at {engine_address()} {what} ({_short_reason(error)})",
            fix=START_ENGINE_FIX) from None


#: Seconds the first ping may take: an engine that accepts connections and never answers
#: is told apart in this time, not after the 120 s a long engine call may take.
PING_TIMEOUT = 10


def connect(timeout: int = 120, *, ping_timeout: float = PING_TIMEOUT) -> docker.DockerClient:
    """A client for the local engine, checked with a ping of at most ``ping_timeout`` s.

    ``timeout`` is then the limit of every other call.  Raises
    :class:`EngineUnreachable` with the command that starts an engine when
    nothing answers, or nothing answers in time.
    """
    address = engine_address()
    try:
        client = docker.from_env(timeout=ping_timeout)
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        raise EngineUnreachable(
            f"no Docker engine answers at {address} ({_short_reason(error)})",
            fix=START_ENGINE_FIX,
        ) from None
    client.api.timeout = timeout
    return client


def engine_info(client: docker.DockerClient) -> EngineInfo:
    """Versions, storage driver and builder of the engine behind ``client``."""
    try:
        with engine_transport("stopped answering"):
            version = client.version()
            info = client.info()
            ping = client.api._get(client.api._url("/_ping"))  # headers carry Builder-Version
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        raise EngineUnreachable(
            f"the Docker engine at {engine_address()} stopped answering ({_short_reason(error)})",
            fix=START_ENGINE_FIX,
        ) from None
    # Engines since 20.10 send Builder-Version: 2 when BuildKit is their default.
    default_builder = "BuildKit" if ping.headers.get("Builder-Version") == "2" else "classic"
    return EngineInfo(
        address=engine_address(),
        server_version=str(version.get("Version", "?")),
        api_version=str(version.get("ApiVersion", "?")),
        os_type=str(info.get("OSType", "?")),
        architecture=str(info.get("Architecture", "?")),
        storage_driver=str(info.get("Driver", "?")),
        cgroup_version=info.get("CgroupVersion"),
        engine_default_builder=default_builder,
    )


def _short_reason(error: Exception) -> str:
    """The last, most specific line of a connection error, without the URL noise."""
    text = str(error).strip() or type(error).__name__
    for marker in ("Connection refused", "No such file or directory", "Permission denied",
                   "Connection reset", "Connection aborted", "Connection broken",
                   "Broken pipe", "Remote end closed connection"):
        if marker in text:
            return marker
    return text.splitlines()[-1][:200]
