"""Node.js projects: a ``package.json`` with no Dockerfile, turned into one.

The page: ``npm install`` at build (a ``preinstall`` script runs then),
``npm start`` at run (``node server.js`` when there is no start script), the
node version from ``engines.node`` matched against the base images balena
has, ``0.10.22`` when none is given, an error when nothing matches.

The generated Dockerfile text is byte for byte the one balena's builder
writes (``@balena/compose`` 8.0.5 ``lib/resolve/resolvers/nodeResolver.ts``),
so wherever the builder succeeds the two agree. Where the builder differs
from the page, :attr:`NodeProject.builder_differences` says how.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nodesemver import max_satisfying

from .. import _data
from ..errors import NodeVersionError, PackageJsonError

# npm runs these around `npm install`; any of them (or a native addon marker,
# wscript / top-level *.gyp) makes the builder use the explicit Dockerfile.
INSTALL_SCRIPTS: tuple[str, ...] = ("preinstall", "install", "postinstall")

_WITH_SCRIPTS = (
    "\n\t\t\t\t\t\tFROM resin/{device_type}-node:{version}"
    "\n\t\t\t\t\t\tRUN mkdir -p /usr/src/app && ln -s /usr/src/app /app"
    "\n\t\t\t\t\t\tWORKDIR /usr/src/app"
    "\n\t\t\t\t\t\tCOPY . /usr/src/app"
    "\n\t\t\t\t\t\tRUN DEBIAN_FRONTEND=noninteractive JOBS=MAX npm install --unsafe-perm"
    '\n\t\t\t\t\t\tCMD [ "npm", "start" ]'
    "\n\t\t\t\t\t\t"
)
# The -onbuild image's ONBUILD steps copy package.json, npm install, copy the
# app; its CMD is `npm start` (shared/data/base-images.yaml onbuild_dockerfile).
_ONBUILD = (
    "\n\t\t\t\t\t\tFROM resin/{device_type}-node:{version}-onbuild"
    "\n\t\t\t\t\t\tRUN ln -s /usr/src/app /app"
    "\n\t\t\t\t\t"
)


@dataclass(frozen=True)
class NodeProject:
    """What balena builds for a Node.js project, and why."""

    range: str  # the semver range matched (engines.node, or the default version)
    range_source: str  # "engines.node" or "default"
    version: str  # the chosen node version, the image tag
    install_scripts: tuple[str, ...]  # preinstall/install/postinstall present
    native_markers: tuple[str, ...]  # wscript / *.gyp files seen
    start_command: str  # what `npm start` runs on the device
    dockerfile: str
    builder_differences: tuple[str, ...]

    @property
    def image(self) -> str:
        return self.dockerfile.split("FROM ", 1)[1].split("\n", 1)[0]


def node_versions() -> tuple[str, ...]:
    """The node versions shipped as available ``resin/<device>-node`` tags."""
    return tuple(str(v) for v in _data.load("node-versions.yaml")["versions"])


def default_node_version() -> str:
    """The version the page uses when ``engines.node`` is absent (0.10.22)."""
    return str(_data.load("node-versions.yaml")["default"])


@functools.lru_cache(maxsize=256)
def _max_satisfying(available: tuple[str, ...], node_range: str) -> str | None:
    # npm's maxSatisfying: an invalid range satisfies nothing (null), not an exception.
    # Cached: a widget re-resolves the same project on every device type change.
    try:
        version = max_satisfying(list(available), node_range, loose=False)
    except ValueError:
        return None
    return str(version) if version is not None else None


def _reject_constant(name: str) -> Any:
    # JavaScript's JSON.parse has no NaN/Infinity; keep the same grammar.
    raise ValueError(f"Unexpected token {name[0]} (not JSON)")


def parse_package_json(text: str, *, path: str = "package.json") -> dict[str, Any]:
    """package.json as a dict; :class:`PackageJsonError` for invalid JSON or a non-object."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise PackageJsonError(
            f"package.json: {error.msg} at line {error.lineno} column {error.colno}",
            path=path,
            line=error.lineno,
            fix="fix the JSON syntax (a linter or `node -e 'require(\"./package.json\")'`)",
        ) from None
    except ValueError as error:
        raise PackageJsonError(f"package.json: {error}", path=path) from None
    if not isinstance(data, dict):
        raise PackageJsonError(
            f"package.json: must be a JSON object, not {type(data).__name__}", path=path
        )
    return data


def resolve_node_project(
    text: str,
    device_type: str,
    *,
    native_markers: Iterable[str] = (),
    versions: Iterable[str] | None = None,
    path: str = "package.json",
) -> NodeProject:
    """The Dockerfile balena generates for a package.json, following the page.

    ``native_markers`` are the project's ``wscript`` / top-level ``*.gyp`` files;
    ``versions`` overrides the shipped catalogue of available node versions.
    """
    data = parse_package_json(text, path=path)
    differences: list[str] = []

    scripts = data.get("scripts")
    if scripts is None:
        scripts = {}
        differences.append(
            "no \"scripts\" object: balena's current builder crashes "
            "(Object.keys(undefined): \"Cannot convert undefined or null to object\")"
        )
    elif not isinstance(scripts, dict):
        raise PackageJsonError("package.json: scripts must be an object if present", path=path)

    engines = data.get("engines")
    if engines is not None and not isinstance(engines, dict):
        raise PackageJsonError("package.json: engines must be an object if present", path=path)
    node_range = (engines or {}).get("node")
    if node_range is None:
        node_range, range_source = default_node_version(), "default"
        differences.append(
            "no engines.node: the page defaults to 0.10.22, balena's current builder fails "
            "with \"package.json: engines.node must be specified\" (since 2019-04)"
        )
    elif not isinstance(node_range, str):
        raise PackageJsonError("package.json: engines.node must be a string if present", path=path)
    else:
        range_source = "engines.node"

    available = tuple(versions) if versions is not None else node_versions()
    version = _max_satisfying(available, node_range)
    if version is None:
        raise NodeVersionError(
            f"Couldn't satisfy node version {node_range}",
            range=node_range,
            path=path,
            fix=f"use a range that one of these satisfies: {', '.join(available)}",
        )
    differences.append(
        f"balena's builder matches against the live Docker Hub tags of resin/{device_type}-node; "
        "balena_lab uses its shipped catalogue (data/node-versions.yaml)"
    )

    present = tuple(name for name in INSTALL_SCRIPTS if name in scripts)
    markers = tuple(native_markers)
    template = _WITH_SCRIPTS if (present or markers) else _ONBUILD
    start = scripts.get("start")
    start_command = start if isinstance(start, str) else "node server.js"
    return NodeProject(
        range=node_range,
        range_source=range_source,
        version=str(version),
        install_scripts=present,
        native_markers=markers,
        start_command=start_command,
        dockerfile=template.format(device_type=device_type, version=version),
        builder_differences=tuple(differences),
    )
