"""What a check sees: the learner's project on disk, and the engine calls it may make.

A :class:`CheckContext` holds one answer written out as a project folder
(the exercise's given files plus the learner's), and memoizes the expensive
facts several checks share: the resolution per device type, the build per
device type (a real build on the local engine, labelled per submission and
stopped at a time limit) and runs of the built image.  A failure is memoized
too, so a build that fails fails once and every check that needs it reports
the same error.

Each context has a random :attr:`~CheckContext.marker` the learner cannot
know: an exercise's stamped files (see :class:`~.core.Exercise`) carry it, so
a check can tell the learner's own code path really ran them.
"""

from __future__ import annotations

import re
import secrets
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import docker
import docker.errors

from ..builder.build import build
from ..builder.events import BuildResult
from ..engine import names
from ..engine.client import TRANSPORT_ERRORS, connect
from ..engine.containers import RunResult, run
from ..errors import BalenaLabError, BuildError
from ..resolution.resolver import Resolution, resolve
from .limits import DEFAULT_BUILD_TIMEOUT

SUBMISSION_LABEL = f"{names.LABEL}.submission"
EXERCISE_LABEL = f"{names.LABEL}.exercise"
GRADING_RUN_LABEL = f"{names.LABEL}.grading-run"
_SAFE = re.compile(r"[^a-z0-9._-]+")


def safe_name(text: str) -> str:
    """A name usable in an image tag: lower case, [a-z0-9._-], never empty."""
    return _SAFE.sub("-", text.lower()).strip("-._")[:60] or "x"


@dataclass
class CheckOptions:
    """How far checks may go, and how to label what they build.

    ``engine``: build and run images (False: static checks only, the others
    are skipped).  ``submission``: names the images (``io.balena-lab.submission``).
    ``labels``: more labels for every image built (a grading run's id).
    ``run_timeout``: seconds a container may run.  ``build_timeout``:
    seconds one build may take; past it the build is stopped (its connection
    to the engine closed, which makes the engine kill the running step) and
    the check fails with "the build took longer than N s".
    """

    engine: bool = True
    submission: str = "self-check"
    labels: Mapping[str, str] = field(default_factory=dict)
    run_timeout: float = 60
    build_timeout: float = DEFAULT_BUILD_TIMEOUT


class CheckContext:
    """One answer as a project folder, with memoized resolutions, builds and runs."""

    def __init__(self, exercise: str, files: Mapping[str, str | bytes],
                 options: CheckOptions | None = None, marker: str | None = None) -> None:
        self.exercise = exercise
        self.marker = marker or new_marker()
        self.files = dict(files)
        self.options = options or CheckOptions()
        self._tmp = tempfile.TemporaryDirectory(prefix=f"balena-lab-{safe_name(exercise)}-")
        self.project = Path(self._tmp.name) / "project"
        write_project(self.project, self.files)
        self._memo: dict[tuple[Any, ...], Any] = {}
        self.built: list[BuildResult] = []
        #: every line the builds printed, in the one text form of build events
        self.build_log: list[str] = []

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def text(self, name: str) -> str | None:
        """The text of project file ``name`` (None when absent)."""
        value = self.files.get(name)
        if value is None:
            return None
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value

    def _cached(self, key: tuple[Any, ...], make: Any) -> Any:
        if key not in self._memo:
            try:
                self._memo[key] = ("ok", make())
            except BalenaLabError as error:
                self._memo[key] = ("error", error)
        state, value = self._memo[key]
        if state == "error":
            raise value
        return value

    def resolve(self, device_type: str, arch: str | None = None) -> Resolution:
        return self._cached(("resolve", device_type, arch),  # type: ignore[no-any-return]
                            lambda: resolve(self.project, device_type, arch))

    def image_tag(self, device_type: str) -> str:
        """``balena-lab/<namespace>/exercise-<exercise>-<submission>[-<run>]:<device>``: the grading
        run is in the name, so two gradings at once of learners with the same names (two
        classes on one engine) never build into each other's images."""
        run = self.options.labels.get(GRADING_RUN_LABEL, "")
        repository = (f"{names.PREFIX}{names.namespace()}/exercise-{safe_name(self.exercise)}-"
                      f"{safe_name(self.options.submission)}"
                      + (f"-{safe_name(run)[:12]}" if run else ""))
        return names.image_tag(self.project, device_type, repository_name=repository)

    def build(self, device_type: str) -> BuildResult:
        """A real build for ``device_type`` (upstream FROM names mapped to local stand-ins),
        stopped after ``options.build_timeout`` seconds."""
        def make() -> BuildResult:
            labels = {EXERCISE_LABEL: self.exercise, SUBMISSION_LABEL: self.options.submission,
                      **self.options.labels}
            self.build_log.append(f"# build for {device_type}")
            try:
                result = timed_build(self.project, device_type, self.options.build_timeout,
                                     tag=self.image_tag(device_type), stand_ins=True,
                                     labels=labels,
                                     on_event=lambda event: self.build_log.append(str(event)))
            except BalenaLabError as error:
                self.build_log.append(f"build failed: {error.for_notebook()}")
                raise
            self.built.append(result)
            return result
        return self._cached(("build", device_type), make)  # type: ignore[no-any-return]

    def run(self, device_type: str, command: str | None = None, *,
            prepare: Callable[[Any], None] | None = None) -> RunResult:
        """Run the image built for ``device_type`` (its CMD, or ``command`` in /bin/sh);
        ``prepare`` gets the created container before it starts (to put a check's own
        programs into it)."""
        image = self.build(device_type).image_id
        return self._cached(  # type: ignore[no-any-return]
            ("run", device_type, command, prepare),
            lambda: run(image, command, timeout=self.options.run_timeout, prepare=prepare))


def write_project(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``files`` (posix relative path -> content) under ``folder``, nothing outside it."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    root = folder.resolve()
    for name, content in files.items():
        path = (folder / name).resolve()
        if root not in path.parents:
            raise ValueError(f"{name!r} is not inside the project")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def new_marker() -> str:
    """A random word for one check run: in no source a learner can read."""
    return secrets.token_hex(8)


def _close_stream(response: Any) -> None:
    """Shut the socket of a streamed engine response, so that a blocked read returns."""
    connection = getattr(getattr(response, "raw", None), "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed already


def timed_build(project: Path, device_type: str, timeout: float,
                **options: Any) -> BuildResult:
    """:func:`~balena_lab.builder.build.build` with a time limit.

    The build gets an engine connection of its own; when ``timeout`` seconds
    pass, its streamed response is cut, which makes the engine cancel the
    build and kill the step's container, and :class:`BuildError` says so.
    """
    client = connect()
    responses: list[Any] = []
    client.api.hooks["response"].append(lambda response, *args, **kwargs: responses.append(response))
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        for response in responses.copy():  # the build thread may still append
            _close_stream(response)

    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    message = f"the build took longer than {timeout:g} s and was stopped"
    timer.start()
    try:
        result = build(project, device_type, client=client, **options)
    except Exception:
        if fired.is_set():
            raise BuildError(message) from None
        raise
    finally:
        timer.cancel()
        client.close()
    if fired.is_set():  # finished just as the time ran out: still over the limit
        raise BuildError(message)
    return result


def remove_images(run_id: str, client: docker.DockerClient | None = None) -> list[str]:
    """Remove every image labelled with this grading (or self-check) run; the removed names."""
    try:
        client = client or connect()
    except Exception:  # noqa: BLE001 - no engine: nothing was built either
        return []
    removed: list[str] = []
    try:
        for image in client.images.list(filters={"label": f"{GRADING_RUN_LABEL}={run_id}"}):
            for name in image.tags or [image.id]:
                try:
                    client.images.remove(name, force=True)
                    removed.append(name)
                except docker.errors.APIError:
                    pass
    except TRANSPORT_ERRORS:
        pass  # the engine went away: what it still holds is labelled with the run
    return removed
