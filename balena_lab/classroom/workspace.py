"""A learner's own copy of the masterclass, in their home folder.

Before JupyterHub starts a learner's server, :func:`provision` copies the
notebooks (with their ``projects/`` and ``exercises/``) into
``~/<folder>`` and gives the copy to the learner.  A workspace that exists is
never touched again: it holds the learner's work, and a restart of the
server, of the hub or of the whole class must not lose it.

The copy is made in a hidden folder of the home, handed to the learner, then
renamed into place in one step, so a learner never sees a half-copied
workspace, even if the hub dies mid-copy (the next spawn starts again).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import ClassroomError
from .learners import Learner

#: The workspace's folder in a learner's home.
FOLDER = "balena-lab"
#: What is never copied: Jupyter's and Python's leftovers from the teacher's own runs.
_SKIPPED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


def workspace(learner: Learner, folder: str = FOLDER) -> Path:
    """Where ``learner``'s workspace is (or will be)."""
    return learner.home / folder


def provision(learner: Learner, notebooks: Path, folder: str = FOLDER) -> Path:
    """``learner``'s workspace, copied from ``notebooks`` if it does not exist yet.

    Returns the workspace's path.  An existing workspace is returned as it is.
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
    staging = Path(tempfile.mkdtemp(prefix=f".{folder}-", dir=learner.home))
    try:
        copy = staging / folder
        shutil.copytree(notebooks, copy, symlinks=True, ignore=_SKIPPED)
        for path in (copy, *copy.rglob("*")):
            os.lchown(path, learner.uid, learner.gid)
        copy.rename(target)
    except OSError as error:
        if target.is_dir():  # another spawn of the same learner got there first
            return target
        raise ClassroomError(f"cannot copy the notebooks into {target}: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
