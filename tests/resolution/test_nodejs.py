"""Node.js projects: package.json to Dockerfile, versions with npm's semver rules."""

from __future__ import annotations

import json
import time

import pytest

from balena_lab.errors import NodeVersionError, PackageJsonError
from balena_lab.resolution.nodejs import default_node_version, node_versions, resolve_node_project

TEXT2SPEECH = json.dumps({"name": "text2speech", "scripts": {"preinstall": "bash deps.sh"},
                          "engines": {"node": "0.10.22"}})


def test_page_example_runs_preinstall_at_build_and_npm_start() -> None:
    project = resolve_node_project(TEXT2SPEECH, "raspberrypi3")
    assert project.version == "0.10.22" and project.range_source == "engines.node"
    assert project.install_scripts == ("preinstall",)
    lines = [line.strip() for line in project.dockerfile.strip().splitlines()]
    assert lines[0] == "FROM resin/raspberrypi3-node:0.10.22"
    assert "RUN DEBIAN_FRONTEND=noninteractive JOBS=MAX npm install --unsafe-perm" in lines
    assert lines[-1] == 'CMD [ "npm", "start" ]'
    assert project.start_command == "node server.js"  # no start script
    assert project.image == "resin/raspberrypi3-node:0.10.22"


def test_without_install_scripts_uses_onbuild_image() -> None:
    project = resolve_node_project(
        json.dumps({"scripts": {"start": "node app.js"}, "engines": {"node": "^6.0.0"}}),
        "intel-nuc")
    assert project.image == "resin/intel-nuc-node:6.13.1-onbuild"
    assert project.start_command == "node app.js"


def test_native_markers_force_explicit_install() -> None:
    project = resolve_node_project(json.dumps({"scripts": {}, "engines": {"node": "4.x"}}),
                                   "intel-nuc", native_markers=["binding.gyp"])
    assert project.image == "resin/intel-nuc-node:4.8.7"
    assert project.native_markers == ("binding.gyp",)


@pytest.mark.parametrize("node_range,expected", [
    (">=4 <5", "4.8.7"), ("~0.12", "0.12.18"), ("8.x || 9.x", "9.5.0"), ("^10.10.0", "10.10.0"),
    ("0.10.22", "0.10.22"), ("*", "10.10.0"), ("<1", "0.12.18"),
])
def test_max_satisfying_over_the_shipped_catalogue(node_range: str, expected: str) -> None:
    body = json.dumps({"scripts": {}, "engines": {"node": node_range}})
    assert resolve_node_project(body, "intel-nuc").version == expected


def test_default_version_and_builder_difference() -> None:
    project = resolve_node_project(json.dumps({"scripts": {}}), "intel-nuc")
    assert project.version == default_node_version() == "0.10.22"
    assert project.range_source == "default"
    assert any("engines.node must be specified" in d for d in project.builder_differences)


def test_missing_scripts_is_fine_for_the_page_but_noted() -> None:
    project = resolve_node_project(json.dumps({"engines": {"node": "6.x"}}), "intel-nuc")
    assert any("crashes" in d for d in project.builder_differences)


@pytest.mark.parametrize("node_range", ["^99", "not a range!", ">=11"])
def test_unsatisfiable_range_names_it(node_range: str) -> None:
    with pytest.raises(NodeVersionError) as caught:
        resolve_node_project(json.dumps({"scripts": {}, "engines": {"node": node_range}}), "x")
    assert caught.value.reason == f"Couldn't satisfy node version {node_range}"
    assert caught.value.range == node_range and caught.value.type == "node-version"


@pytest.mark.parametrize("body,message", [
    ('{"name": "x",}', "package.json: "),
    ("[1, 2]", "must be a JSON object"),
    ('{"engines": {"node": 8}}', "package.json: engines.node must be a string if present"),
    ('{"engines": {"node": NaN}}', "not JSON"),
    ("null", "must be a JSON object, not null"),
    ('"a string"', "package.json: must be a JSON object"),
])
def test_invalid_json_and_wrong_types(body: str, message: str) -> None:
    with pytest.raises(PackageJsonError, match=message.replace("(", r"\(")) as caught:
        resolve_node_project(body, "intel-nuc")
    assert caught.value.type == "package-json"


def test_invalid_json_reports_line() -> None:
    with pytest.raises(PackageJsonError) as caught:
        resolve_node_project('{\n  "a": 1\n  "b": 2\n}', "intel-nuc")
    assert caught.value.line == 3


def test_catalogue_is_plain_versions() -> None:
    versions = node_versions()
    assert "0.10.22" in versions and all(v.count(".") == 2 for v in versions)


# Issue 12: balena's builder accepts a "scripts" that is not an object, because
# Object.keys() tolerates it; balena_lab refused it ("scripts must be an object").
@pytest.mark.parametrize("scripts", [5, "preinstall", ["preinstall", "install"], True, False,
                                     0, ""])
def test_scripts_not_an_object_builds_as_the_builder_does(scripts: object) -> None:
    body = json.dumps({"scripts": scripts, "engines": {"node": "4.x"}})
    project = resolve_node_project(body, "intel-nuc")
    # Object.keys() of a string or an array lists indices, never "preinstall": -onbuild.
    assert project.install_scripts == () and project.image.endswith("-onbuild")
    assert project.start_command == "node server.js"
    assert any("not an object: balena's builder accepts it" in d
               for d in project.builder_differences)


def test_engines_not_an_object_reads_as_no_engines_node() -> None:
    # engines?.node of a string is undefined: the builder says "engines.node must be
    # specified", the page's default applies here (as for a missing engines).
    project = resolve_node_project('{"scripts": {}, "engines": "node 8"}', "intel-nuc")
    assert project.range_source == "default"
    assert any("engines.node must be specified" in d for d in project.builder_differences)
    assert any('"engines" is a string' in d for d in project.builder_differences)


@pytest.mark.parametrize("depth", [1500, 20000])
def test_deep_nesting_reads_as_json_parse_does(depth: int) -> None:
    """Issue 12: 1,500 nested [ crashed with a RecursionError; JSON.parse reads any depth."""
    with pytest.raises(PackageJsonError, match="must be a JSON object, not array"):
        resolve_node_project("[" * depth + "]" * depth, "intel-nuc")
    deep = "[" * depth + "]" * depth
    body = f'{{"scripts": {{"postinstall": {deep}}}, "engines": {{"node": "4.x"}}, "x": {deep}}}'
    assert resolve_node_project(body, "intel-nuc").install_scripts == ("postinstall",)
    with pytest.raises(PackageJsonError) as caught:
        resolve_node_project('{"x": ' + "[" * depth + "]" * (depth - 1) + "}", "intel-nuc")
    assert caught.value.line == 1 and caught.value.path == "package.json"


@pytest.mark.parametrize(
    "node_range",
    [">=" + "0" * 100_000,          # node-semver for Python: 31 s, quadratic in the digits
     ">=4.0.0-" + "a" * 300,        # npm: "version is longer than 256 characters"
     ">=4." + "1" * 20],            # npm: "Invalid minor version" (beyond 2**53 - 1)
)
def test_ranges_beyond_npm_limits_satisfy_nothing_at_once(node_range: str) -> None:
    text = json.dumps({"scripts": {}, "engines": {"node": node_range}})
    started = time.monotonic()
    with pytest.raises(NodeVersionError) as raised:
        resolve_node_project(text, "raspberrypi3")
    assert time.monotonic() - started < 1
    assert len(str(raised.value)) < 1000  # the range is quoted short, not 100 KB of it
