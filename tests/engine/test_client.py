"""balena_lab.engine.client: an engine that never answers is told apart in seconds."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import docker
import pytest

from balena_lab.engine.client import connect
from balena_lab.errors import EngineUnreachable


@pytest.fixture
def silent_engine() -> Iterator[str]:
    """A TCP address that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_an_engine_that_never_answers_is_an_error_within_the_ping_limit(
        silent_engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", silent_engine)
    started = time.monotonic()
    with pytest.raises(EngineUnreachable) as caught:
        connect(ping_timeout=1)
    assert time.monotonic() - started < 5
    assert silent_engine in caught.value.message and caught.value.fix


def test_nothing_listening_is_an_error_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///tmp/balena-lab-no-engine.sock")
    with pytest.raises(EngineUnreachable, match="no Docker engine answers"):
        connect()


def test_a_real_engine_keeps_the_long_timeout_after_the_ping(
        docker_client: docker.DockerClient) -> None:
    client = connect(timeout=120, ping_timeout=3)
    try:
        assert client.api.timeout == 120 and client.ping()
    finally:
        client.close()
