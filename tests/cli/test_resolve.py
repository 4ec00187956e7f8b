"""``balena-lab resolve`` / ``compose``: the --json contract, exit codes, --matrix, text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from balena_lab.cli import main

from ..files import write_tree as write

KEYS = ["kind", "source", "dockerfile_name", "dockerfile", "candidates", "substitutions", "error"]




def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["resolve", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)  # exactly one JSON document, or this raises


def test_json_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile.template": "FROM %%BALENA_MACHINE_NAME%%:%%BALENA_APP_NAME%%\n",
                     "Dockerfile": "FROM x\n"})
    code, data = run_json(capsys, str(tmp_path), "--device-type", "raspberrypi3",
                          "--var", "BALENA_APP_NAME=fleet")
    assert code == 0 and list(data) == KEYS
    assert data["kind"] == "template" and data["source"] == "Dockerfile.template"
    assert data["dockerfile"] == "FROM raspberrypi3:fleet\n" and data["error"] is None
    assert [s["variable"] for s in data["substitutions"]] == ["BALENA_MACHINE_NAME",
                                                              "BALENA_APP_NAME"]
    assert {c["path"]: c["outcome"] for c in data["candidates"]} == {
        "Dockerfile.template": "chosen", "Dockerfile": "outranked"}


@pytest.mark.parametrize("files,extra,error_type,words", [
    ({}, [], "no-dockerfile", "Could not find a Dockerfile for this service"),
    ({"Dockerfile": "FROM x"}, ["--dockerfile", "sub/D"], "dockerfile-not-found",
     "Specified file not found or is invalid: sub/D"),
    ({"Dockerfile.template": "FROM %%BALENA_RELEASE_HASH%%"}, [], "template-variable",
     "BALENA_RELEASE_HASH"),
    ({"Dockerfile.template": "FROM <% x %>"}, [], "template-syntax", "does not run code"),
    ({"package.json": "{oops"}, [], "package-json", "package.json"),
    ({"package.json": '{"engines": {"node": "^77"}}'}, [], "node-version", "^77"),
])
def test_json_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict,
                            extra: list[str], error_type: str, words: str) -> None:
    write(tmp_path, files)
    code, data = run_json(capsys, str(tmp_path), "--device-type", "intel-nuc", *extra)
    assert code == 1 and list(data) == KEYS
    assert data["kind"] is None and data["dockerfile"] is None
    assert data["error"]["type"] == error_type and words in data["error"]["message"]


def test_json_unknown_device_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(tmp_path), "--device-type", "raspberrypi33")
    assert code == 1 and data["error"]["type"] == "unknown-device-type"
    assert "raspberrypi3" in data["error"]["message"]


def test_json_compose_service(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"docker-compose.yml": "services:\n  api:\n    build: api\n"
                     "    links: [x]\n", "api/Dockerfile.template": "FROM %%BALENA_SERVICE_NAME%%\n"})
    code, data = run_json(capsys, str(tmp_path), "--device-type", "intel-nuc",
                          "--service", "api")
    assert code == 1 and data["error"]["type"] == "compose" and "links" in data["error"]["message"]
    (tmp_path / "docker-compose.yml").write_text("services:\n  api:\n    build: api\n")
    code, data = run_json(capsys, str(tmp_path), "--device-type", "intel-nuc",
                          "--service", "api")
    assert code == 0 and data["dockerfile"] == "FROM api\n"


def test_text_output_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile.aarch64": "FROM %%BALENA_ARCH%%\n", "Dockerfile": "FROM x\n"})
    assert main(["resolve", str(tmp_path), "--device-type", "raspberrypi4-64"]) == 0
    out = capsys.readouterr().out
    assert "balena builds Dockerfile.aarch64 as Dockerfile" in out
    assert "%%BALENA_ARCH%% -> aarch64" in out and "FROM aarch64" in out


def test_matrix_groups_every_device_type_by_arch(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile.raspberrypi3": "FROM pi3\n", "Dockerfile.aarch64": "FROM a\n",
                     "Dockerfile.template": "FROM %%BALENA_ARCH%%\n"})
    assert main(["resolve", str(tmp_path), "--matrix", "--json"]) == 0
    arches = json.loads(capsys.readouterr().out)["arches"]
    assert sum(len(rows) for rows in arches.values()) == 145
    assert {r["source"] for r in arches["aarch64"]} == {"Dockerfile.aarch64"}
    armv7 = {r["device_type"]: r["source"] for r in arches["armv7hf"]}
    assert armv7["raspberrypi3"] == "Dockerfile.raspberrypi3"
    assert armv7["beaglebone-black"] == "Dockerfile.template"
    assert main(["resolve", str(tmp_path), "--matrix"]) == 0
    assert "armv7hf:" in capsys.readouterr().out


def test_compose_command_prints_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"Dockerfile": "FROM x\n"})
    assert main(["compose", str(tmp_path)]) == 0
    document = yaml.safe_load(capsys.readouterr().out)
    assert document["services"]["main"]["network_mode"] == "host"
    write(tmp_path, {"docker-compose.yml": "services:\n  a:\n    build: .\n    cpus: 2\n"})
    assert main(["compose", str(tmp_path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["error"]["type"] == "compose" and "cpus" in data["error"]["message"]


def test_installed_command_line(tmp_path: Path) -> None:
    """The real entry point: one JSON object on stdout and exit status 1 on error."""
    done = subprocess.run([sys.executable, "-m", "balena_lab", "resolve", str(tmp_path),
                           "--device-type", "intel-nuc", "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"]["type"] == "no-dockerfile"


def test_json_even_for_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    """The --json contract holds for unreadable input too: one object, a contract type."""
    (tmp_path / "Dockerfile").symlink_to("/proc/self/mem")  # reading it fails with EIO
    result = subprocess.run(
        [sys.executable, "-m", "balena_lab", "resolve", str(tmp_path), "--device-type",
         "raspberrypi3", "--json"], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["error"]["type"] == "dockerfile-not-found"
    assert "Dockerfile" in document["error"]["message"]


# Issue 12: a package.json nested ~1,500 deep killed `resolve --json` with a RecursionError
# traceback and nothing on stdout. Run as a real process: that is where the contract holds.
@pytest.mark.parametrize("files,extra,expect", [
    ({"package.json": "[" * 1500 + "]" * 1500}, [], "package-json"),
    ({"package.json": '{"scripts": {}, "engines": {"node": "4.x"}, "deep": '
      + "[" * 1500 + "]" * 1500 + "}"}, [], "nodejs"),
    ({"docker-compose.yml": "services:\n  main:\n    build: .\n    x: " + "[" * 1500
      + "]" * 1500 + "\n", "Dockerfile": "FROM x\n"}, ["--service", "main"], "compose"),
])
def test_deep_nesting_keeps_the_json_contract(tmp_path: Path, files: dict[str, str],
                                              extra: list[str], expect: str) -> None:
    write(tmp_path, files)
    done = subprocess.run([sys.executable, "-m", "balena_lab", "resolve", str(tmp_path),
                           "--device-type", "intel-nuc", "--json", *extra],
                          check=False, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    data = json.loads(done.stdout)  # exactly one JSON object
    assert list(data) == KEYS
    if expect == "nodejs":
        assert done.returncode == 0 and data["kind"] == "nodejs"
    else:
        assert done.returncode == 1 and data["error"]["type"] == expect
        assert str(tmp_path) in data["error"]["message"]  # names the file
