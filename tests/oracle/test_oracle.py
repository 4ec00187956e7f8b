"""balena_lab's resolve() against balena's own resolver, project by project.

Each corpus project is written to disk, packed into a tar as balena CLI
would send it, and resolved by both for every device type of the sweep:
kind, resolved name and text must be identical, or both must fail with the
same kind of error. Hypothesis then generates random projects and templates
for the same comparison. Skips when the oracle is not installed, fails
instead under ``BALENA_LAB_REQUIRE_ORACLE=1``.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from balena_lab.errors import ResolutionError, TemplateVariableError
from balena_lab.resolution.nodejs import node_versions
from balena_lab.resolution.resolver import Resolution, resolve

from ._oracle import REQUIRE_ORACLE, Oracle, missing_reason, pack
from .corpus import CORPUS, DEVICE_TYPES, Project


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    reason = missing_reason()
    if reason:
        if REQUIRE_ORACLE:
            pytest.fail(f"BALENA_LAB_REQUIRE_ORACLE=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    running = Oracle()
    yield running
    running.close()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for project in CORPUS:
        folder = project.write(root / "projects")
        (root / f"{project.name}.tar").write_bytes(pack(folder))
    return root


def builder_error_type(result: dict[str, Any]) -> str:
    """The balena_lab error type that matches the builder's error."""
    message = result["error"]
    if message == "Could not find a Dockerfile for this service":
        return "no-dockerfile"
    if message.startswith("Specified file not found or is invalid: "):
        return "dockerfile-not-found"
    if result["errorName"] == "DockerfileTemplateVariableError":
        if re.fullmatch(r"[A-Z][A-Z_]+ is not defined", message):
            return "template-variable"
        return "template-syntax"
    if message.startswith("Couldn't satisfy node version"):
        return "node-version"
    if message.startswith("package.json:"):
        return "package-json"
    return f"unexpected: {message}"


def ours(folder: Path, device_type: str, dockerfile: str | None,
         variables: dict[str, str], arch: str | None = None) -> Resolution | ResolutionError:
    try:
        return resolve(folder, device_type, arch, dockerfile=dockerfile, variables=variables)
    except ResolutionError as error:
        return error


def compare(mine: Resolution | ResolutionError, theirs: dict[str, Any], expect: str) -> None:
    """Assert the relation ``expect`` (see corpus.py) between the two outcomes."""
    if expect == "js-code":
        assert isinstance(mine, ResolutionError) and mine.type == "template-syntax", mine
        return
    if expect == "page":
        assert isinstance(mine, Resolution) and mine.kind == "nodejs", mine
        assert theirs["error"] is not None, theirs
        return
    if theirs["error"] is not None:
        assert isinstance(mine, ResolutionError), (
            f"builder failed ({theirs['error']}) but balena_lab resolved {mine}")
        assert mine.type == builder_error_type(theirs), (mine, theirs["error"])
        if mine.type in ("no-dockerfile", "dockerfile-not-found", "node-version"):
            assert mine.reason == theirs["error"]
        if isinstance(mine, TemplateVariableError):
            assert theirs["error"] == f"{mine.variable} is not defined"
        if theirs["error"].startswith("package.json: engines.node"):
            assert mine.reason == theirs["error"]
        return
    assert isinstance(mine, Resolution), f"builder resolved {theirs} but balena_lab: {mine!r}"
    assert (mine.kind, mine.dockerfile_name) == (theirs["kind"], theirs["name"])
    assert mine.dockerfile == theirs["contents"]
    if theirs["resolvedName"] is not None:
        assert mine.dockerfile_name == theirs["resolvedName"]


def _builder_vars(project: Project) -> dict[str, str]:
    # balena's multibuild adds BALENA_SERVICE_NAME, as resolve()'s service_name does.
    return {"BALENA_SERVICE_NAME": "main", **project.variables}


@pytest.mark.parametrize("device_type,arch", DEVICE_TYPES, ids=[d for d, _ in DEVICE_TYPES])
@pytest.mark.parametrize("project", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_matches_balena(oracle: Oracle, corpus_dir: Path, project: Project,
                               device_type: str, arch: str) -> None:
    folder = corpus_dir / "projects" / project.name
    theirs = oracle.resolve(corpus_dir / f"{project.name}.tar", device_type, arch,
                            dockerfile=project.dockerfile, variables=_builder_vars(project),
                            node_versions=list(node_versions()))
    mine = ours(folder, device_type, project.dockerfile, project.variables)
    compare(mine, theirs, project.expect)


def test_corpus_covers_every_kind_and_error(oracle: Oracle, corpus_dir: Path) -> None:
    """The corpus is only evidence if balena itself reaches every outcome on it."""
    seen: set[str] = set()
    for project in CORPUS:
        for device_type, arch in DEVICE_TYPES:
            theirs = oracle.resolve(corpus_dir / f"{project.name}.tar", device_type, arch,
                                    dockerfile=project.dockerfile,
                                    variables=_builder_vars(project),
                                    node_versions=list(node_versions()))
            seen.add(theirs["kind"] or builder_error_type(theirs))
    assert seen >= {"arch-specific", "template", "dockerfile", "nodejs", "no-dockerfile",
                    "dockerfile-not-found", "template-variable", "template-syntax",
                    "package-json", "node-version"}


# --- generated projects ---------------------------------------------------------------

TOKENS = [
    "FROM ", "RUN echo ", "%%BALENA_ARCH%%", "%%BALENA_MACHINE_NAME%%", "%%RESIN_ARCH%%",
    "%%RESIN_MACHINE_NAME%%", "%%BALENA_SERVICE_NAME%%", "%%BALENA_APP_NAME%%", "%%MISSING%%",
    "%%ab%%", "%%A%%", "%%", "%", "#", " ", "\t", "\r", "\ufeff", "$VAR", "${X}", "é", "\\",
    "'", '"', "%%%BALENA_ARCH%%", "_", "A", "<", ">", "<%", "%>", "-", "=",
]
template_text = st.lists(
    st.lists(st.sampled_from(TOKENS) | st.text(string.ascii_letters, max_size=3), max_size=8)
    .map("".join), max_size=5).map("\n".join)

FILE_NAMES = [
    "Dockerfile", "Dockerfile.template", "Dockerfile.raspberrypi3", "Dockerfile.armv7hf",
    "Dockerfile.aarch64", "Dockerfile.raspberrypi4-64", "Dockerfile.intel-nuc",
    "Dockerfile.amd64", "Dockerfile.aarch64.template", "dockerfile", "sub/Dockerfile",
    "docker/Dockerfile.custom", "docker/Dockerfile.custom.template",
    "docker/Dockerfile.custom.aarch64", "docker/Dockerfile.custom.raspberrypi3",
    "package.json", "package.json", "package.json",
]
PACKAGE_JSONS = [
    '{"scripts": {"start": "node a.js"}, "engines": {"node": "^6"}}',
    '{"scripts": {"preinstall": "x"}, "engines": {"node": ">=0.10"}}',
    '{"scripts": {}, "engines": {"node": "^42"}}',
    '{"scripts": {}, "engines": {"node": 4}}',
    "{broken",
]
projects = st.fixed_dictionaries({
    "files": st.dictionaries(st.sampled_from(FILE_NAMES), template_text, max_size=5),
    "package_json": st.sampled_from(PACKAGE_JSONS),
    "dockerfile": st.sampled_from([None, None, None, None, "docker/Dockerfile.custom",
                                   "Dockerfile.template", "Dockerfile"]),
    "device": st.sampled_from(DEVICE_TYPES),
    "app_name": st.sampled_from([None, "fleet"]),
    # None: the device type's own arch; else a fleet arch other than the device's.
    "arch": st.sampled_from([None, None, None, "rpi", "aarch64", "amd64"]),
})


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=projects)
def test_generated_projects_match_balena(oracle: Oracle, tmp_path: Path,
                                         case: dict[str, Any]) -> None:
    files = dict(case["files"])
    if "package.json" in files:
        files["package.json"] = case["package_json"]
    variables = {"BALENA_APP_NAME": case["app_name"]} if case["app_name"] else {}
    name = f"gen{abs(hash(repr(case)))}"
    project = Project(name, files, dockerfile=case["dockerfile"], variables=variables)
    folder = project.write(tmp_path)
    tar = tmp_path / f"{name}.tar"
    tar.write_bytes(pack(folder))
    device_type, arch = case["device"]
    arch = case["arch"] or arch
    theirs = oracle.resolve(tar, device_type, arch, dockerfile=project.dockerfile,
                            variables=_builder_vars(project),
                            node_versions=list(node_versions()))
    mine = ours(folder, device_type, project.dockerfile, variables, arch=arch)
    event(mine.type if isinstance(mine, ResolutionError) else mine.kind)
    if isinstance(mine, ResolutionError) and mine.type == "template-syntax":
        # balena's builder runs what balena_lab refuses to: only check it was code.
        assert re.search(r"<%[\s\S]+?%>|%%(JSON|URL)%%", _winning_text(folder, mine)), mine
        return
    compare(mine, theirs, "same")


def _winning_text(folder: Path, error: ResolutionError) -> str:
    assert error.path is not None
    return Path(error.path).read_bytes().decode("utf-8", errors="replace")


# --- generated templates, the substitution step alone ------------------------------------

TEMPLATE_ALPHABET = st.sampled_from([
    "%", "%%", "<%", "%>", "<%-", "<%=", "#", "\n", "\r", "\r\n", "\ufeff", " ", "\t", "A", "B",
    "_", "a", "1", "$", "{", "}", "'", '"', "\\", "`", "é", "\u2028", "BALENA_ARCH", "RESIN_ARCH",
    "BALENA_MACHINE_NAME", "MISSING", "JSON", "URL", "%%BALENA_ARCH%%", "%%BALENA_APP_NAME%%",
])
templates_text = st.lists(TEMPLATE_ALPHABET | st.text(max_size=3), max_size=30).map("".join)
VARIABLES = {"BALENA_ARCH": "aarch64", "RESIN_ARCH": "aarch64",
             "BALENA_MACHINE_NAME": "raspberrypi4-64", "RESIN_MACHINE_NAME": "raspberrypi4-64",
             "BALENA_SERVICE_NAME": "main"}


@settings(max_examples=1500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=templates_text, app_name=st.sampled_from([None, "", "fleet $1 \\ '"]))
def test_generated_templates_match_balena(oracle: Oracle, text: str, app_name: str | None) -> None:
    from balena_lab.errors import TemplateSyntaxError
    from balena_lab.resolution.templates import render

    variables = dict(VARIABLES)
    if app_name is not None:
        variables["BALENA_APP_NAME"] = app_name
    theirs = oracle.process_template(text, variables)
    try:
        mine = render(text, variables)
    except TemplateVariableError as error:
        event("template-variable")
        assert theirs["error"] == f"{error.variable} is not defined", theirs
        return
    except TemplateSyntaxError:
        event("template-syntax")
        # balena's builder ran code or a JavaScript global here; never run it, only check
        # that a line with it exists, outside # comments.
        assert any(re.search(r"<%[\s\S]+?%>|%%(JSON|URL)%%", line)
                   for line in text.split("\n") if not line.startswith("#")), text
        return
    event("substituted" if mine.substitutions else "unchanged")
    assert theirs["error"] is None, (text, theirs)
    assert mine.text == theirs["contents"]


# --- the default composition ------------------------------------------------------------


@pytest.mark.parametrize("dockerfile", [None, "Dockerfile.custom"])
def test_default_composition_differs_only_where_documented(oracle: Oracle,
                                                           dockerfile: str | None) -> None:
    """The page's file equals balena's defaultComposition() up to the recorded differences."""
    import json
    import subprocess

    from balena_lab.resolution.compose import DEFAULT_BUILDER_DIFFERENCES, default_composition

    from ._oracle import NODE_MODULES

    script = ("const {defaultComposition} = require('@balena/compose/dist/parse');"
              f"console.log(JSON.stringify(defaultComposition(undefined, {json.dumps(dockerfile)})))")
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True,
                          env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    theirs = json.loads(done.stdout)
    main = theirs["services"]["main"]
    # The three differences DEFAULT_BUILDER_DIFFERENCES states, undone:
    assert main.pop("tty") is True
    main["labels"] = {k.replace("io.resin.", "io.balena.").replace("resin-api", "balena-api"): v
                      for k, v in main["labels"].items()}
    assert "version" not in theirs
    theirs = {"version": "2.1", **theirs}
    assert theirs == default_composition(dockerfile)
    assert len(DEFAULT_BUILDER_DIFFERENCES) == 3


def test_entry_name_parsing_matches_node(oracle: Oracle) -> None:
    """split_ext / normalize_entry against Node's path.posix and tar-utils, exhaustively."""
    import itertools
    import json
    import subprocess

    from balena_lab.resolution.entries import normalize_entry, split_ext

    from ._oracle import NODE_MODULES

    pieces = [".", "a", "/", "D", ".t"]
    names = sorted({"".join(p) for n in range(1, 6) for p in itertools.product(pieces, repeat=n)})
    names += ["Dockerfile.template", "Dockerfile.aarch64.template", "..", "a/..", "./x/../y"]
    script = (
        "const path = require('path'); const {normalizeTarEntry} = require('tar-utils');"
        "const {parsePosixPath} = require('@balena/compose/dist/resolve/utils');"
        "const names = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(names.map((n) => { const p = parsePosixPath(n);"
        " return [p.minusExt, p.ext, normalizeTarEntry(n)]; })))"
    )
    done = subprocess.run(["node", "-e", script], input=json.dumps(names), capture_output=True,
                          text=True, check=True, env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    theirs = json.loads(done.stdout)
    mismatches = []
    for name, (minus_ext, ext, normalized) in zip(names, theirs, strict=True):
        # Entry names in a tar are normalized first, so split_ext only sees normalized names.
        if normalize_entry(name) != normalized:
            mismatches.append((name, "normalize", normalize_entry(name), normalized))
        if normalized == name and split_ext(name) != (minus_ext, ext):
            mismatches.append((name, "split", split_ext(name), (minus_ext, ext)))
    assert not mismatches, mismatches[:20]
