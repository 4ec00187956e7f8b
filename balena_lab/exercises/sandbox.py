"""Learner code in a container; the checks outside it.

``balena-lab grade`` executes each submission's notebook in a container made
for it (as otter-grader does), then takes the answer out and runs the
trusted checks on the engine itself.  The container
(:class:`~balena_lab.engine.containers.Locked`):

- has no engine socket and no network (loopback only);
- sees only its own notebook, read-only, at ``/work/in.ipynb``: not the
  submissions folder, not the grader's files, not the reference solutions
  (which live in ``tests/``, never in the package);
- sees the Python packages and ``balena_lab`` read-only; its root file
  system is read-only, ``/tmp`` is memory counted in its limit;
- runs as ``nobody``, every capability dropped, with no new privileges;
- has limits: 1 GiB of memory, 256 processes, one CPU, and the notebook's
  time limit (kept by the engine's container and by a reaper that outlives
  the grader);
- ends with everything it started: nothing outlives it, and it is removed.

What it does **not** stop, stated plainly:

- it shares the host's kernel: a kernel exploit escapes any container;
- the check code and its hints are readable (``balena_lab`` is public);
  what makes a check unfakeable is what exists only outside, at check time:
  the words stamped per run, the leftovers and stand-ins the checks place;
- a learner's code can spend its own time and memory up to the limits, and
  forge its own result line: that only ever changes its own grade, and the
  checks re-judge the answer anyway;
- the engine itself is trusted: whoever may use the Docker socket is root on
  the host.

The image (``balena-lab/sandbox:bookworm-<arch>``) is Debian's ``python3``
on the local Debian base image; the grader's own Python packages are bound
in read-only, so nothing is downloaded and both run the same code.  This
needs the grader's Python to be 3.11 like Debian bookworm's (checked).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import platform
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import docker
import docker.errors

from ..engine import baseimages, names
from ..engine.client import connect, engine_transport
from ..engine.containers import Locked, RunResult, run
from ..errors import BaseImageMissing, GradingError
from .execution import START_TIMEOUT, Execution
from .notebook import ExecutionFacts, grading_copy
from .sandboxed import ANSWER, RESULT

SANDBOX_KIND = "sandbox"
_SITE = "/opt/balena-lab/site-packages"
_SOURCE = "/opt/balena-lab/src"
#: The Python of Debian bookworm, which the image runs.
IMAGE_PYTHON = (3, 11)
_NATIVE = {"x86_64": "amd64", "aarch64": "aarch64"}
_ENVIRONMENT = {
    "HOME": "/tmp", "PYTHONPATH": f"{_SOURCE}:{_SITE}", "PYTHONDONTWRITEBYTECODE": "1",
    "JUPYTER_PATH": "/tmp/jupyter", "JUPYTER_RUNTIME_DIR": "/tmp/jupyter/runtime",
    "JUPYTER_CONFIG_DIR": "/tmp/jupyter/config", "IPYTHONDIR": "/tmp/ipython",
    "JUPYTER_PLATFORM_DIRS": "1", "MPLCONFIGDIR": "/tmp/matplotlib",
}


def image_tag() -> str:
    return f"{names.PREFIX}sandbox:bookworm-{_native_arch()}"


def _native_arch() -> str:
    try:
        return _NATIVE[platform.machine()]
    except KeyError:
        raise GradingError(f"the grading sandbox runs on x86_64 and aarch64 hosts, not "
                           f"{platform.machine()}", fix="grade with --no-sandbox") from None


def ensure_image(client: docker.DockerClient | None = None) -> str:
    """The sandbox image, made once (Debian's python3 on the local base image)."""
    if sys.version_info[:2] != IMAGE_PYTHON:
        raise GradingError(
            f"the grading sandbox runs the grader's own packages with Debian bookworm's "
            f"Python {IMAGE_PYTHON[0]}.{IMAGE_PYTHON[1]}; this grader runs Python "
            f"{sys.version_info[0]}.{sys.version_info[1]}",
            fix="run the grader in a Python 3.11 environment, or grade with --no-sandbox")
    client = client or connect()
    tag = image_tag()
    with engine_transport("stopped answering while making the sandbox image"):
        try:
            client.images.get(tag)
            return tag
        except docker.errors.ImageNotFound:
            pass
        base = baseimages.image_tag(_native_arch())
        try:
            client.images.get(base)
        except docker.errors.ImageNotFound:
            raise BaseImageMissing(
                f"the grading sandbox is made from {base}, which this engine does not have",
                image=base, fix="sudo balena-lab images bootstrap") from None
        dockerfile = (
            f"FROM {base}\n"
            "RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
            "--no-install-recommends python3 && rm -rf /var/lib/apt/lists/* && mkdir /work\n")
        try:
            client.images.build(
                fileobj=io.BytesIO(dockerfile.encode()), tag=tag, rm=True, forcerm=True,
                labels={names.MANAGED_LABEL: "true", names.KIND_LABEL: SANDBOX_KIND})
        except docker.errors.BuildError as error:
            raise GradingError(f"making the grading sandbox image failed: {error.msg}",
                               fix="check that containers reach Debian's mirror") from None
    return tag


def _binds(folder: Path) -> dict[str, str]:
    import balena_lab

    binds = {str(folder): "/work", str(Path(balena_lab.__file__).parent): f"{_SOURCE}/balena_lab"}
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths()[key]
        binds.setdefault(path, _SITE)
    return binds


def execute_sandboxed(
    notebook: Any,
    executed_path: Path,
    *,
    exercise: str,
    timeout: float,
    locked: Locked | None = None,
    client: docker.DockerClient | None = None,
) -> tuple[Execution, str | None]:
    """Execute ``notebook``'s grading copy in a sandbox; (how it ended, the answer's JSON text).

    The executed notebook is saved to ``executed_path``.  Raises
    :class:`~balena_lab.errors.EngineUnreachable` when the engine does not answer
    (the submission is then the engine's to retry, not the learner's to fail).
    """
    import nbformat

    client = client or connect()
    image = ensure_image(client)
    copy = grading_copy(notebook, exercise, ANSWER)
    with tempfile.TemporaryDirectory(prefix="balena-lab-sandbox-") as scratch:
        folder = Path(scratch)
        (folder / "in.ipynb").write_text(nbformat.writes(copy),  # type: ignore[no-untyped-call]
                                         encoding="utf-8")
        os.chmod(folder, 0o755)
        os.chmod(folder / "in.ipynb", 0o444)
        base = locked or Locked()
        confined = dataclasses.replace(base, binds={**_binds(folder), **base.binds})
        result = run(image, ["python3", "-m", "balena_lab.exercises.sandboxed", f"{timeout:g}"],
                     timeout=timeout + START_TIMEOUT + 30, environment=_ENVIRONMENT,
                     locked=confined, client=client)
    return _outcome(result, timeout, executed_path)


def _outcome(result: RunResult, timeout: float,
             executed_path: Path) -> tuple[Execution, str | None]:
    line = next((text for text in reversed(result.output.splitlines())
                 if text.startswith(RESULT)), None)
    data: dict[str, Any] | None = None
    if line is not None:
        try:
            loaded = json.loads(line[len(RESULT):])
            data = loaded if isinstance(loaded, dict) else None
        except (ValueError, RecursionError):
            data = None
    if data is None:
        if result.timed_out:
            status, message = "timeout", f"stopped at the time limit of {timeout:g} s"
        elif result.exit_code == 137:
            status, message = "kernel-died", ("the sandbox was stopped: out of memory "
                                              "(its limit is 1 GiB)?")
        else:
            status, message = "failed", (f"the sandbox ended without a result (exit code "
                                         f"{result.exit_code})")
        return Execution(status, message, result.seconds, ExecutionFacts()), None
    executed = data.get("executed")
    if isinstance(executed, str) and executed:
        executed_path.write_text(executed, encoding="utf-8")
    facts = data.get("facts") if isinstance(data.get("facts"), dict) else {}
    try:
        known = {k: v for k, v in (facts or {}).items()
                 if k in ExecutionFacts.__dataclass_fields__}
        known["errors"] = tuple(str(e) for e in known.get("errors", ()))
        parsed = ExecutionFacts(**known)
    except (TypeError, ValueError):
        parsed = ExecutionFacts()
    answer = data.get("answer")
    execution = Execution(str(data.get("status", "failed")), str(data.get("message", "")),
                          float(data.get("seconds", result.seconds) or 0), parsed)
    return execution, answer if isinstance(answer, str) else None
