"""balena_lab's resolve() against balena's own resolver, project by project.

Each corpus project is written to disk, packed into a tar as balena CLI
would send it, and resolved by both for every device type of the sweep:
kind, resolved name and text must be identical, or both must fail with the
same kind of error (``_compare.py``). Hypothesis then generates random templates for
the substitution step alone; whole generated projects and compose files are in
``test_generated.py``. Skips when the oracle is not installed, fails instead under
``BALENA_LAB_REQUIRE_ORACLE=1``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from balena_lab.errors import TemplateVariableError
from balena_lab.resolution.nodejs import node_versions

from ._compare import builder_error_type, compare, ours
from ._oracle import Oracle, pack
from .corpus import CORPUS, DEVICE_TYPES, Project


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for project in CORPUS:
        folder = project.write(root / "projects")
        (root / f"{project.name}.tar").write_bytes(pack(folder))
    return root


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

    from balena_lab.resolution.compose import (
        DEFAULT_BUILDER_DIFFERENCES,
        builder_default_composition,
        default_composition,
    )

    from ._oracle import NODE_MODULES

    script = ("const {defaultComposition} = require('@balena/compose/dist/parse');"
              f"console.log(JSON.stringify(defaultComposition(undefined, {json.dumps(dockerfile)})))")
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True,
                          env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    theirs = json.loads(done.stdout)
    assert theirs == builder_default_composition(dockerfile)  # what notebook 02 shows
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


def test_empty_dockerfile_is_no_specified_file_as_in_balena_cli(oracle: Oracle,
                                                                tmp_path: Path) -> None:
    """Deliberate: ``--dockerfile ""`` means no specified file, as balena CLI treats it.

    resolveInput() alone keeps "": the plain-Dockerfile resolver then matches nothing,
    while the others run as unspecified, and the result is named "". balena_lab follows
    the CLI, which passes no dockerfile at all.
    """
    folder = Project("empty-dockerfile", {"Dockerfile": "FROM plain\n"}).write(tmp_path)
    tar = tmp_path / "p.tar"
    tar.write_bytes(pack(folder))
    mine = ours(folder, "intel-nuc", "", {})
    as_cli = oracle.resolve(tar, "intel-nuc", "amd64", variables={"BALENA_SERVICE_NAME": "main"})
    compare(mine, as_cli, "same")
    raw = oracle.resolve(tar, "intel-nuc", "amd64", dockerfile="",
                         variables={"BALENA_SERVICE_NAME": "main"})
    assert raw["error"] == "Could not find a Dockerfile for this service"  # resolveInput's own
