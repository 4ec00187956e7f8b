"""A learner's own copy of the masterclass, in their home folder.

Before JupyterHub starts a learner's server, :func:`provision` copies the
notebooks (with their ``projects/`` and ``exercises/``) into
``~/<folder>`` and gives the copy to the learner.  A workspace that exists is
never touched again: it holds the learner's work, and a restart of the
server, of the hub or of the whole class must not lose it.

The copy is made in a hidden folder of the home, then renamed into place in
one step, so a learner never sees a half-copied workspace, even if the hub
dies mid-copy (the next spawn starts again).

The hub runs as root, and the home is the learner's: whatever root wrote
there, the learner could first swap for a symlink to ``/etc``.  So the hub
only reads: it packs the masterclass into a tar, and a child process running
as the learner (their uid, gid and no other group, Python in isolated mode)
unpacks it with tarfile's ``data`` filter.  The child can write nowhere the
learner could not, needs no ``chown``, and the learner need not be able to
read the teacher's folder.  A hub that is not root copies in-process.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from ..errors import ClassroomError
from .learners import Learner

#: The workspace's folder in a learner's home.
FOLDER = "balena-lab"
#: How long the learner's copy may take before the spawn is given up.
COPY_SECONDS = 300
#: What is never copied: Jupyter's and Python's leftovers from the teacher's own runs.
_SKIPPED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


def workspace(learner: Learner, folder: str = FOLDER) -> Path:
    """Where ``learner``'s workspace is (or will be)."""
    return learner.home / folder


def provision(learner: Learner, notebooks: Path, folder: str = FOLDER, *,
              python: str = sys.executable) -> Path:
    """``learner``'s workspace, copied from ``notebooks`` if it does not exist yet.

    Returns the workspace's path.  An existing workspace is returned as it is.
    ``python`` (the hub's own, in the class venv every learner can run) makes the
    copy as the learner when the hub is root.
    """
    target = workspace(learner, folder)
    if target.exists() or target.is_symlink():
        return target
    if not (notebooks / "projects").is_dir():
        raise ClassroomError(f"{notebooks} is not the masterclass's notebooks folder "
                             "(it has no projects/)", fix="point --notebooks at notebooks/")
    if not learner.home.is_dir():
        raise ClassroomError(f"{learner.name}'s home {learner.home} does not exist",
                             fix=f"balena-lab class add {learner.name}")
    if os.geteuid() == 0 and learner.uid != 0:
        _copy_as(learner, notebooks, target, python)
    else:
        _copy(notebooks, target)
    return target


def _copy(notebooks: Path, target: Path) -> None:
    """Copy ``notebooks`` to ``target`` by way of a hidden folder beside it."""
    _into_place(target, lambda copy: shutil.copytree(notebooks, copy, symlinks=True,
                                                     ignore=_SKIPPED))


def _into_place(target: Path, make: Callable[[Path], object]) -> None:
    """``make`` the copy in a hidden folder beside ``target``, then rename it into place."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        copy = staging / target.name
        make(copy)
        copy.rename(target)
    except (OSError, tarfile.TarError) as error:
        if target.is_dir():  # another spawn of the same learner got there first
            return
        raise ClassroomError(f"cannot copy the notebooks into {target}: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack_stdin(target: Path) -> None:
    """The learner's side: unpack the tar on stdin into ``target``."""
    with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as tar:
        _into_place(target, lambda copy: tar.extractall(copy, members=_inside(tar)))


def _inside(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Files, folders and links that stay inside the copy, nothing else.  (tarfile's own
    ``data`` filter does this from Python 3.11.4; Debian 12's Python is 3.11.2.)"""
    for member in tar:
        name = PurePosixPath(member.name)
        link = PurePosixPath(os.path.normpath(name.parent / member.linkname))
        if (name.is_absolute() or ".." in name.parts
                or not (member.isfile() or member.isdir() or member.issym())
                or (member.issym() and (link.is_absolute() or link.parts[:1] == ("..",)))):
            raise tarfile.TarError(f"refused {member.name!r}: not a plain file inside the copy")
        member.mode &= 0o755
        yield member


def _packed(notebooks: Path) -> bytes:
    """The masterclass as a tar, read by the hub (the learner may not read the source)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(notebooks.rglob("*")):
            relative = path.relative_to(notebooks)
            if any(_SKIPPED(str(relative.parent), [part]) for part in relative.parts):
                continue
            info = tar.gettarinfo(path, arcname=str(relative))
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if info.isreg():
                with path.open("rb") as handle:
                    tar.addfile(info, handle)
            else:
                tar.addfile(info)
    return buffer.getvalue()


# The child's whole program: unpack the tar it is given into the workspace.
_CHILD = ("import sys; from pathlib import Path;"
          " from balena_lab.classroom.workspace import _unpack_stdin;"
          " from balena_lab.errors import BalenaLabError\n"
          "try: _unpack_stdin(Path(sys.argv[1]))\n"
          "except BalenaLabError as error: sys.exit(error.message)")


def _copy_as(learner: Learner, notebooks: Path, target: Path, python: str) -> None:
    try:
        done = subprocess.run(
            [python, "-I", "-c", _CHILD, str(target)], input=_packed(notebooks),
            user=learner.uid, group=learner.gid, extra_groups=[], cwd="/",
            env={"PATH": "/usr/bin:/bin", "HOME": str(learner.home), "LANG": "C.UTF-8"},
            capture_output=True, timeout=COPY_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise ClassroomError(f"copying the notebooks into {target} took more than "
                             f"{COPY_SECONDS} s", fix="check the disk, then spawn again") from None
    except OSError as error:  # e.g. a Python under /root, which learners cannot run
        raise ClassroomError(f"cannot start {python} as {learner.name}: {error.strerror}",
                             fix="serve the class from the venv `make classroom` "
                                 "installs") from None
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise ClassroomError(f"as {learner.name}: {last}",
                             fix=f"{learner.name} must be able to write in their home")
