"""A compose service's build spec: its folder, its dockerfile and its build args.

The one reader of a service's ``build:`` entry, in either of compose's two
forms (``build: ./folder`` or ``build: {context, dockerfile, args}``), used by
the composition, the resolve command, the template widget and the release
builder.  :func:`service_folder` checks the folder as balena does.  The
document is already validated (:func:`.compose.validate_compose`).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ComposeError


@dataclass(frozen=True)
class BuildSpec:
    """What one service of a compose file builds."""

    service: str
    context: str  # as written (``.`` when the long form leaves it out)
    dockerfile: str | None = None  # ``build.dockerfile``, None when not specified
    args: Mapping[str, str] = dataclasses.field(default_factory=dict)  # ``build.args``
    field: str = "build"  # where the context is written: ``build`` or ``build.context``

    @property
    def folder(self) -> str:
        """The context, posix-normalized (``./app/`` -> ``app``)."""
        return posixpath.normpath(self.context)


def build_spec(service: str, spec: Mapping[str, Any]) -> BuildSpec | None:
    """The build spec of ``service``, or None for a service that only names an ``image:``."""
    build = spec.get("build")
    if build is None:
        return None
    if isinstance(build, str):
        return BuildSpec(service, build)
    return BuildSpec(service, str(build.get("context", ".")), build.get("dockerfile"),
                     _args(build.get("args")), "build.context")


def _args(args: object) -> dict[str, str]:
    # Compose's two forms: a mapping (a null value is the empty string) or KEY=VALUE items.
    if isinstance(args, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in args.items()}
    if isinstance(args, list):
        return dict(str(item).partition("=")[::2] for item in args)
    return {}


def service_folder(project: Path, compose_file: Path, build: BuildSpec) -> Path:
    """The folder a service builds from, checked as balena checks it.

    A project subfolder, no git URL, and (symlinks resolved) never outside the
    project: the build context must not leave it.
    """
    name, context, where = build.service, build.context, build.field
    if "://" in context or context.startswith("git@"):
        raise ComposeError(f"service {name!r}, field {where!r}: git URLs are not "
                           "supported; use a project subfolder", service=name,
                           field=where, path=compose_file)
    normalized = build.folder
    if posixpath.isabs(normalized) or normalized.split("/")[0] == "..":
        raise ComposeError(f"service {name!r}, field {where!r}: {context!r} is not a "
                           "project subfolder", service=name, field=where, path=compose_file)
    folder = project / normalized
    if not folder.is_dir():
        raise ComposeError(f"service {name!r}, field {where!r}: no folder {context!r}",
                           service=name, field=where, path=compose_file)
    if not folder.resolve().is_relative_to(project.resolve()):
        raise ComposeError(f"service {name!r}, field {where!r}: {context!r} is a link "
                           "that leads out of the project", service=name, field=where,
                           path=compose_file)
    return folder
