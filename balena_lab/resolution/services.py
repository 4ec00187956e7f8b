"""A compose service's build spec: its folder, its dockerfile and its build args.

The one reader of a service's ``build:`` entry, in either of compose's two
forms (``build: ./folder`` or ``build: {context, dockerfile, args}``), used by
the composition, the resolve command, the template widget and the release
builder.  :func:`service_folder` checks the folder as balena does.  The
document is already validated (:func:`.compose.validate_compose`).
"""

from __future__ import annotations

import dataclasses
import decimal
import math
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

    @property
    def resolver_dockerfile(self) -> str | None:
        """The dockerfile the builder resolves with: ``Dockerfile`` when none is written.

        balena's builder (``@balena/compose`` 8) reads compose files with compose-go,
        which fills in ``build.dockerfile: Dockerfile``, and multibuild passes it on as
        a specified file. So a service of a compose file never gets the Node.js
        resolver (a folder with only ``package.json`` has nothing to build), and one
        with nothing to build fails as ``Specified file not found or is invalid:
        Dockerfile``. A single-container release (no compose file) is not affected.
        ``dockerfile: ""`` is left out by compose-go: no specified file (None).
        """
        return "Dockerfile" if self.dockerfile is None else self.dockerfile or None


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
    """Build args as compose-go hands them on: strings, valueless ones dropped.

    A mapping value of null, or a list item without ``=``, takes its value from the
    environment balena CLI runs in; balena_lab reads no environment, so it is dropped,
    as compose-go drops an unset variable. Numbers and booleans are written as Go writes
    them (``true``, ``1.5``, ``100`` for ``100.0``, ``1e+20``).
    """
    if isinstance(args, Mapping):
        return {str(k): _go_text(v) for k, v in args.items() if v is not None}
    if isinstance(args, list):
        return dict(str(item).split("=", 1) for item in args if "=" in str(item))
    return {}


def _go_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    return str(value)


def _go_float(value: float) -> str:
    """Go's strconv.FormatFloat(value, 'g', -1, 64): shortest digits, %e from 1e6 up or below 1e-4."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digits, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # digits before the decimal point
    minus = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{point - 1:+03d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{minus}{text}{'0' * (point - len(text))}"
    return f"{minus}{text[:point]}.{text[point:]}"


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
