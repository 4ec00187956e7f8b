"""Where the masterclass notebooks find their example projects.

The notebooks read (never write) the projects in ``notebooks/projects/``. A
notebook does not know where it was started from: JupyterLab starts its kernel
in the notebook's folder, papermill and nbclient in whatever folder they are
given (the repository root, say), a grader in a scratch copy. So no notebook
says ``Path("projects/...")``; it asks :func:`masterclass_project`, which
looks, in this order, and takes the first folder that has the project:

1. ``$BALENA_LAB_NOTEBOOKS/projects`` when the variable is set (and only there:
   a wrong setting is an error, not a reason to look elsewhere);
2. next to the notebook: ``projects/`` in the folder of the notebook the
   kernel runs (``JPY_SESSION_NAME``, which Jupyter Server sets);
3. the working directory: ``./projects`` or ``./notebooks/projects``;
4. the repository this package is imported from (an editable install):
   ``<checkout>/notebooks/projects``.

When none has it, :class:`ProjectsNotFound` says every place it looked and
how to point at the right one.

"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ProjectsNotFound

#: A notebooks folder (the one that holds ``projects/``); overrides every guess.
NOTEBOOKS_ENV = "BALENA_LAB_NOTEBOOKS"
#: Set by Jupyter Server in a kernel's environment: the path of its notebook.
SESSION_ENV = "JPY_SESSION_NAME"
#: The example projects notebooks 01-08 read, in the order they appear.
PROJECTS = ("instructions", "single-container", "template-machine-name", "template-arch",
            "precedence", "node-app", "node-template", "multi-service", "multiarch",
            "arch-specific", "update-lock")


def candidate_folders() -> list[Path]:
    """The ``projects`` folders :func:`masterclass_project` tries, in order, absolute."""
    configured = os.environ.get(NOTEBOOKS_ENV)
    if configured:
        return [Path(configured).expanduser().resolve() / "projects"]
    folders: list[Path] = []
    session = os.environ.get(SESSION_ENV)
    if session:
        notebook = Path(session).expanduser()
        if notebook.suffix == ".ipynb":
            folders.append(notebook.resolve().parent / "projects")
    cwd = Path.cwd()
    folders += [cwd / "projects", cwd / "notebooks" / "projects"]
    folders.append(Path(__file__).resolve().parents[2] / "notebooks" / "projects")
    return list(dict.fromkeys(folders))


def masterclass_project(name: str) -> Path:
    """The absolute folder of the example project ``name`` (``"single-container"``, ...).

    Raises :class:`ProjectsNotFound`, naming every folder it looked in.
    """
    looked = candidate_folders()
    for folder in looked:
        if (folder / name).is_dir():
            return folder / name
    raise ProjectsNotFound(name, looked, env=NOTEBOOKS_ENV)


def masterclass_projects() -> Path:
    """The absolute ``projects`` folder: the first candidate that holds every one of
    :data:`PROJECTS` (another folder called ``projects`` is not taken for it)."""
    looked = candidate_folders()
    for folder in looked:
        if all((folder / name).is_dir() for name in PROJECTS):
            return folder
    raise ProjectsNotFound(", ".join(PROJECTS), looked, env=NOTEBOOKS_ENV)
