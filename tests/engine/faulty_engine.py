"""The real engine behind a proxy that can drop every connection at once, as a dying engine does.

The client under test talks to ``proxy.address`` (a unix socket); every byte
goes to and from the real engine.  :meth:`CuttableEngine.cut` closes every
open connection mid-stream and refuses new ones, which is what a client sees
when ``dockerd`` dies or its socket goes away; :meth:`restore` lets
connections through again, as an engine that came back.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

UPSTREAM = "/var/run/docker.sock"


class CuttableEngine:
    def __init__(self, folder: Path, upstream: str = UPSTREAM) -> None:
        self.path = str(folder / "engine.sock")
        self.upstream = upstream
        self.address = f"unix://{self.path}"
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._cut = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stopped.set()
        self._thread.join()
        self._drop_all()
        self._listener.close()
        os.unlink(self.path)

    def cut(self) -> None:
        """Drop every connection now, and every new one until :meth:`restore`."""
        self._cut.set()
        self._drop_all()

    def restore(self) -> None:
        self._cut.clear()

    def _drop_all(self) -> None:
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            if self._cut.is_set():
                client.close()
                continue
            engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            engine.connect(self.upstream)
            with self._lock:
                self._open.extend((client, engine))
            for source, target in ((client, engine), (engine, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # cut: both ends are closed already


@pytest.fixture()
def cuttable_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[CuttableEngine]:
    """The real engine behind a :class:`CuttableEngine`, as ``DOCKER_HOST`` for this test
    and every process it starts (workers, kernels, reapers)."""
    folder = Path(tempfile.mkdtemp(prefix="bl-", dir="/tmp"))  # a socket path fits in 108 bytes
    with CuttableEngine(folder) as proxy:
        monkeypatch.setenv("DOCKER_HOST", proxy.address)
        yield proxy
    folder.rmdir()
