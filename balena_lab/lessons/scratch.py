"""Scratch copies of the masterclass projects: changed by a lesson, reset at will, gone
when the kernel stops.

A notebook that adds and removes files (notebook 04 adds ``Dockerfile.aarch64``
and watches the choice change) works on a copy, never on ``notebooks/projects``.
:func:`scratch_project` makes the copy in the system's temporary folder, outside
``notebooks/`` (so JupyterLab's file browser, git and the learner's workspace never
see it), and removes it when the Python process ends: the kernel stopping or
restarting, not a cell, which "Run All" would run too early.  :func:`reset` puts a
copy back to its starting state, for a teacher running a lesson a second time; the
:class:`~..widgets.reset.ResetButton` is a button over it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from ..errors import BalenaLabError, UnreadableInputError
from .projects import masterclass_project

#: Every scratch copy this process made: its folder -> the project it copies.
_MADE: dict[Path, Path] = {}
#: Their watchers (kept, so that no one is taken for garbage while it watches).
_WATCHERS: list[subprocess.Popen[bytes]] = []


def scratch_project(name: str) -> Path:
    """A fresh copy of the masterclass project ``name``, removed when the process ends."""
    source = masterclass_project(name)
    folder = Path(tempfile.mkdtemp(prefix=f"balena-lab-{name}-"))
    copy = folder / name
    shutil.copytree(source, copy, symlinks=True)
    if not _MADE:
        atexit.register(remove_all)
    _MADE[copy] = source
    # For a process killed without its atexit: see balena_lab.lessons.scratchreaper.
    _WATCHERS.append(subprocess.Popen(
        [sys.executable, "-m", "balena_lab.lessons.scratchreaper", str(copy), str(os.getpid())],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True))
    return copy


def reset(copy: Path) -> Path:
    """Put a copy made by :func:`scratch_project` back as it started; returns it."""
    source = _MADE.get(Path(copy))
    if source is None:
        raise UnreadableInputError(
            "not a scratch copy of this kernel: only those are reset (a project of yours "
            "is never touched)", path=copy,
            fix="make one with balena_lab.lessons.scratch.scratch_project(NAME)")
    staging = Path(tempfile.mkdtemp(prefix=".reset-", dir=copy.parent))
    try:
        shutil.copytree(source, staging / copy.name, symlinks=True)
        if copy.exists():
            copy.rename(staging / "old")  # aside first: a copy is in place at every moment
        (staging / copy.name).rename(copy)
    except OSError as error:
        raise UnreadableInputError(f"cannot reset it: {error.strerror or error}", path=copy,
                                   fix="restart the kernel: it makes a fresh copy") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return copy


def as_repository(copy: Path) -> Path:
    """Give a scratch copy the ``.git`` folder a clone has (a ``HEAD`` is enough for the
    builder's rule that ``.git`` is never sent); returns it."""
    if Path(copy) not in _MADE:
        raise UnreadableInputError("not a scratch copy of this kernel: only those are changed",
                                   path=copy, fix="make one with scratch_project(NAME)")
    (copy / ".git").mkdir(exist_ok=True)
    (copy / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return copy


def set_environment(copy: Path, service: str, **values: str) -> Path:
    """Set ``values`` in ``service``'s ``environment:`` in a scratch copy's
    ``docker-compose.yml`` (a new release to apply, say); returns the copy."""
    if Path(copy) not in _MADE:
        raise UnreadableInputError("not a scratch copy of this kernel: only those are changed",
                                   path=copy, fix="make one with scratch_project(NAME)")
    path = copy / "docker-compose.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec = document["services"][service]
    spec["environment"] = {**(spec.get("environment") or {}), **values}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return copy


def remove_all() -> None:
    """Remove every scratch copy this process made (at exit, or when asked), and take down
    a release ``up`` started from one (its containers restart for ever otherwise)."""
    release = sys.modules.get("balena_lab.supervisor.release")  # imported only if `up` ran
    started = release.started_here() if release else frozenset()
    for copy in list(_MADE):
        if release and copy.resolve() in started:
            try:
                release.down(copy)
            except BalenaLabError:  # no engine any more: nothing of it runs either
                pass
        shutil.rmtree(copy.parent, ignore_errors=True)
        del _MADE[copy]
