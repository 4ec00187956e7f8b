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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nodesemver import max_satisfying

from .. import _data, _json
from .._text import snippet
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


# npm's semver 7 refuses a number after a wildcard part ("8.x.1", "x.1", "8.*.0": "Invalid
# comparator"); node-semver for Python reads them as "8.x". Not after "-" or "+": "1.0.0-x.1"
# is a prerelease tag.
_NUMBER_AFTER_WILDCARD = re.compile(r"(?:^|[\s.=<>~^v|])[xX*]\.\d")


# npm's semver refuses a version longer than 256 characters and a major, minor or patch
# above Number.MAX_SAFE_INTEGER ("Invalid major version"); node-semver for Python
# accepts both, and takes quadratic time on a long run of digits.
_MAX_VERSION_LENGTH = 256
_MAX_SAFE_INTEGER = 2**53 - 1
_VERSION_WORD = re.compile(r"[^\s<>=~^|]+")
_MAIN_NUMBERS = re.compile(r"^v?(\d+)(?:\.(\d+)(?:\.(\d+))?)?")


def _beyond_npm_limits(node_range: str) -> bool:
    """Does a version in ``node_range`` break npm's length or integer limits?"""
    for word in _VERSION_WORD.findall(node_range):
        if len(word) > _MAX_VERSION_LENGTH:
            return True
        main = _MAIN_NUMBERS.match(word)
        if main and any(int(part) > _MAX_SAFE_INTEGER for part in main.groups() if part):
            return True
    return False


@functools.lru_cache(maxsize=256)
def _max_satisfying(available: tuple[str, ...], node_range: str) -> str | None:
    # npm's maxSatisfying: an invalid range satisfies nothing (null), not an exception.
    # Cached: a widget re-resolves the same project on every device type change.
    if _NUMBER_AFTER_WILDCARD.search(node_range) or _beyond_npm_limits(node_range):
        return None
    try:
        version = max_satisfying(list(available), node_range, loose=False)
    except ValueError:
        return None
    return str(version) if version is not None else None


def _js_type(value: object) -> str:
    """The type name a JavaScript programmer would use for a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _js_keys(value: object) -> list[str]:
    """``Object.keys(value)`` for a JSON value other than null: what the builder lists."""
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, (str, list)):
        return [str(index) for index in range(len(value))]  # indices, never script names
    return []  # numbers and booleans have no own keys


def parse_package_json(text: str, *, path: str = "package.json") -> dict[str, Any]:
    """package.json as a dict; :class:`PackageJsonError` for invalid JSON or a non-object.

    Read as the builder's ``JSON.parse`` reads it (:mod:`balena_lab._json`): any
    depth of nesting is fine, never a RecursionError.
    """
    try:
        data = _json.parse(text)
    except json.JSONDecodeError as error:
        raise PackageJsonError(
            f"package.json: {error.msg} at line {error.lineno} column {error.colno}",
            path=path,
            line=error.lineno,
            fix="fix the JSON syntax (a linter or `node -e 'require(\"./package.json\")'`)",
        ) from None
    if data is None or isinstance(data, list):
        # typeof null and typeof [] are 'object': the builder goes on, and fails later
        # (a TypeError reading its fields, or "engines.node must be specified").
        raise PackageJsonError(
            f"package.json: must be a JSON object, not {_js_type(data)} (balena's builder "
            "reads its fields anyway, and fails)", path=path)
    if not isinstance(data, dict):
        raise PackageJsonError("package.json: must be a JSON object", path=path,
                               fix=f"make the file an object, not a {_js_type(data)}: {{...}}")
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
    markers = tuple(native_markers)

    scripts = data.get("scripts")
    if scripts is None and not markers:
        # `hasScripts || Object.keys(scripts)...`: a marker file skips the Object.keys call.
        differences.append(
            "no \"scripts\" object: balena's current builder crashes "
            "(Object.keys(undefined): \"Cannot convert undefined or null to object\"); "
            "with a wscript or *.gyp file it would not even look"
        )
    elif scripts is not None and not isinstance(scripts, dict):
        # The builder only asks Object.keys(scripts) for install scripts; a string or an
        # array lists its indices, a number or a boolean nothing: never a script name.
        differences.append(
            f"\"scripts\" is a {_js_type(scripts)}, not an object: balena's builder accepts "
            f"it (Object.keys() lists {_js_keys(scripts)[:3] or 'no names'}), so no install "
            "script runs; npm itself expects an object of named scripts"
        )
    scripts = {} if scripts is None else scripts
    script_names = _js_keys(scripts)

    engines = data.get("engines")
    # engines?.node: on anything but an object (a string, an array, ...) it is undefined.
    node_range = engines.get("node") if isinstance(engines, dict) else None
    if engines is not None and not isinstance(engines, dict):
        differences.append(
            f"\"engines\" is a {_js_type(engines)}, not an object: the builder reads "
            "engines.node as undefined"
        )
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
            f"Couldn't satisfy node version {snippet(node_range, 80)}",
            range=node_range,
            path=path,
            fix=f"use a range that one of these satisfies: {', '.join(available)}",
        )
    differences.append(
        f"balena's builder matches against the live Docker Hub tags of resin/{device_type}-node; "
        "balena_lab uses its shipped catalogue (data/node-versions.yaml)"
    )

    present = tuple(name for name in INSTALL_SCRIPTS if name in script_names)
    template = _WITH_SCRIPTS if (present or markers) else _ONBUILD
    start = scripts.get("start") if isinstance(scripts, dict) else None
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
