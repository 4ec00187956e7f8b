"""What a check sees: the learner's project on disk, and the engine calls it may make.

A :class:`CheckContext` holds one answer written out as a project folder
(the exercise's given files plus the learner's), and memoizes the expensive
facts several checks share: the resolution per device type, the build per
device type (a real build on the local engine, labelled per submission) and
runs of the built image.  A failure is memoized too, so a build that fails
fails once and every check that needs it reports the same error.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from .. import baseimages
from ..build import build
from ..buildevents import BuildResult
from ..errors import BalenaLabError
from ..resolution import Resolution, resolve
from ..run import RunResult, run

SUBMISSION_LABEL = f"{baseimages.LABEL}.submission"
EXERCISE_LABEL = f"{baseimages.LABEL}.exercise"
GRADING_RUN_LABEL = f"{baseimages.LABEL}.grading-run"
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
    ``run_timeout``: seconds a container may run.
    """

    engine: bool = True
    submission: str = "self-check"
    labels: Mapping[str, str] = field(default_factory=dict)
    run_timeout: float = 60


class CheckContext:
    """One answer as a project folder, with memoized resolutions, builds and runs."""

    def __init__(self, exercise: str, files: Mapping[str, str | bytes],
                 options: CheckOptions | None = None) -> None:
        self.exercise = exercise
        self.files = dict(files)
        self.options = options or CheckOptions()
        self._tmp = tempfile.TemporaryDirectory(prefix=f"balena-lab-{safe_name(exercise)}-")
        self.project = Path(self._tmp.name) / "project"
        write_project(self.project, self.files)
        self._memo: dict[tuple[Any, ...], Any] = {}
        self.built: list[BuildResult] = []

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
        return (f"{baseimages.NAMESPACE}exercise-{safe_name(self.exercise)}-"
                f"{safe_name(self.options.submission)}:{safe_name(device_type)}")

    def build(self, device_type: str) -> BuildResult:
        """A real build for ``device_type`` (upstream FROM names mapped to local stand-ins)."""
        def make() -> BuildResult:
            labels = {EXERCISE_LABEL: self.exercise, SUBMISSION_LABEL: self.options.submission,
                      **self.options.labels}
            result = build(self.project, device_type, tag=self.image_tag(device_type),
                           stand_ins=True, labels=labels)
            self.built.append(result)
            return result
        return self._cached(("build", device_type), make)  # type: ignore[no-any-return]

    def run(self, device_type: str, command: str | None = None) -> RunResult:
        """Run the image built for ``device_type`` (its CMD, or ``command`` in /bin/sh)."""
        image = self.build(device_type).image_id
        return self._cached(  # type: ignore[no-any-return]
            ("run", device_type, command),
            lambda: run(image, command, timeout=self.options.run_timeout))


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
