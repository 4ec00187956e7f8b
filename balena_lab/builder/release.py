"""Multi-service releases: every service of a root ``docker-compose.yml``, built.

Each service is resolved with its own build context (:func:`.compose.compose`)
and built by :func:`.build.iter_build`, several at once (the engine builds
them in parallel; ``jobs`` bounds how many), with every event tagged by its
service.  Services that only name an ``image:`` are not built.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import docker

from ..engine import names
from ..engine.client import connect
from ..errors import BalenaLabError
from ..resolution.compose import Composition, compose
from .build import iter_build
from .events import BuildEvent, BuildFinished, BuildResult, Notice, ReleaseFinished, ReleaseResult

_DONE = object()


def iter_build_release(
    project_dir: str | Path,
    device_type: str,
    arch: str | None = None,
    *,
    variables: Mapping[str, str] | None = None,
    no_cache: bool = False,
    stand_ins: bool | None = None,
    jobs: int = 2,
    labels: Mapping[str, str] | None = None,
    client: docker.DockerClient | None = None,
    composition: Composition | None = None,
) -> Iterator[BuildEvent]:
    """Build every service; yields their events as they come, then ReleaseFinished.

    If a service fails, the others still finish; then the first failure is
    raised, its ``service`` naming the service.
    """
    started = time.monotonic()
    client = client or connect()
    composition = composition or compose(project_dir, device_type, arch, variables)
    events: queue.Queue[object] = queue.Queue()
    results: dict[str, BuildResult] = {}
    failures: list[BalenaLabError] = []
    crashes: list[BaseException] = []
    to_build = [s for s in composition.services if s.resolution is not None]
    for service in composition.services:
        if service.resolution is None:
            events.put(Notice(service.name, f"image {service.image}: nothing to build"))

    def worker(batch: list[Any]) -> None:
        try:
            for service in batch:
                try:
                    for event in iter_build(
                        service.resolution.project_dir, device_type, arch,
                        resolution=service.resolution, service=service.name, client=client,
                        build_args=service.build_args,
                        tag=names.image_tag(project_dir, device_type, arch, service=service.name),
                        no_cache=no_cache, stand_ins=stand_ins, labels=labels,
                    ):
                        events.put(event)
                except BalenaLabError as error:
                    error.service = service.name
                    failures.append(error)
                    events.put(Notice(service.name, f"failed: {error.message.splitlines()[0]}"))
        except BaseException as error:  # noqa: BLE001 - a bug: hand it to the caller, never hang
            crashes.append(error)
        finally:
            events.put(_DONE)

    lanes = max(1, min(jobs, len(to_build)))
    batches = [to_build[i::lanes] for i in range(lanes)]
    threads = [threading.Thread(target=worker, args=(batch,), daemon=True) for batch in batches]
    for thread in threads:
        thread.start()
    finished = 0
    while finished < len(threads):
        item = events.get()
        if item is _DONE:
            finished += 1
            continue
        if isinstance(item, BuildFinished):
            results[item.service] = item.result
        yield item  # type: ignore[misc]
    while not events.empty():  # notices queued before the threads started
        item = events.get()
        if item is not _DONE:
            yield item  # type: ignore[misc]
    if crashes:
        raise crashes[0]
    if failures:
        raise failures[0]
    ordered = {s.name: results[s.name] for s in to_build}
    yield ReleaseFinished("release", ReleaseResult(ordered, time.monotonic() - started))
