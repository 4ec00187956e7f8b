"""Node applications: a package.json that picks a node range and starts with npm start."""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import TYPE_CHECKING

from nodesemver import satisfies

from ...resolution.nodejs import node_versions, parse_package_json, resolve_node_project
from ..core import Check, CheckFailed, Exercise
from ._facts import builds_for, ran, run_failure, stamp_words

if TYPE_CHECKING:
    from ..context import CheckContext

DEVICE = "intel-nuc"
MAJOR = 8
MAIN = 'console.log("hello from node " + process.version);\n'
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def stamped(marker: str) -> dict[str, str]:
    """src/main.js as a check run builds it: it also prints a word only running it shows."""
    head, tail, _ = stamp_words(marker)
    return {"src/main.js": MAIN + f'const run = "{head}";\nconsole.log("run " + run + "{tail}");\n'}


def _runs_main(command: str) -> bool:
    """Whether one of the shell commands in ``command`` is ``node ... src/main.js``."""
    for part in re.split(r"&&|\|\||;", command):
        try:
            words = shlex.split(part)
        except ValueError:
            continue
        while words and _ASSIGNMENT.match(words[0]):
            words.pop(0)
        if (words and posixpath.basename(words[0]) in ("node", "nodejs")
                and any(posixpath.normpath(w) == "src/main.js" for w in words[1:])):
            return True
    return False


def _text(context: CheckContext) -> str:
    text = context.text("package.json")
    if text is None:
        raise CheckFailed("there is no package.json")
    return text


def valid(context: CheckContext) -> str | None:
    parse_package_json(_text(context))
    return None


def node_range(context: CheckContext) -> str | None:
    data = parse_package_json(_text(context))
    wanted = (data.get("engines") or {}).get("node") if isinstance(data.get("engines"),
                                                                      dict) else None
    if wanted is None:
        return "engines.node is not set, so balena falls back to node 0.10.22"
    project = resolve_node_project(_text(context), DEVICE)
    allowed = [v for v in node_versions() if _satisfies(v, str(wanted))]
    others = sorted({v.split(".")[0] for v in allowed if not v.startswith(f"{MAJOR}.")})
    if not project.version.startswith(f"{MAJOR}."):
        return f"engines.node {wanted!r} makes balena pick node {project.version}"
    if others:
        return f"engines.node {wanted!r} also allows node major version(s) {', '.join(others)}"
    return None


def _satisfies(version: str, wanted: str) -> bool:
    try:
        return bool(satisfies(version, wanted, loose=False))
    except ValueError:
        return False


def npm_start(context: CheckContext) -> str | None:
    project = resolve_node_project(_text(context), DEVICE)
    if not _runs_main(project.start_command):
        return f"npm start would run {project.start_command!r}"
    return None


builds = builds_for(DEVICE)


def starts(context: CheckContext) -> str | None:
    result = context.run(DEVICE)
    failure = run_failure(result, "hello from node", hide=context.marker)
    if failure is None and stamp_words(context.marker)[2] not in result.output:
        return ran(result, hide=context.marker) + ", but src/main.js itself did not run"
    return failure


EXERCISE = Exercise(
    name="node-npm-start",
    title="A Node.js app that starts with npm start",
    section="Node applications",
    notebook="06-node-npm-start.ipynb",
    answers={"PACKAGE_JSON": "package.json"},
    cells={"answer-package-json": ("PACKAGE_JSON",)},
    given={"src/main.js": MAIN},
    stamped=stamped,
    checks=(
        Check("valid-package-json", "package.json is valid JSON with the right types",
              "Strings in double quotes, no trailing commas.", valid, counts=False),
        Check("node-range", f"engines.node picks a Node.js {MAJOR} release and no other major",
              "engines.node takes an npm semver range; balena matches it against the versions "
              "it has.", node_range, after=("valid-package-json",)),
        Check("npm-start", "npm start runs src/main.js",
              "Without a start script npm start runs node server.js.", npm_start,
              after=("valid-package-json",)),
        Check("builds", "balena's generated Dockerfile builds (intel-nuc, node stand-in)",
              "Read the failing step: npm install runs at build time.", builds,
              needs_engine=True, after=("node-range",)),
        Check("starts", "the container starts the app with npm start",
              "The start script must run the app with node.", starts, needs_engine=True,
              after=("builds", "npm-start")),
    ),
)
