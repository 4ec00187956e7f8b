"""resolve(): precedence, specified paths, errors, and that the project is left alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from balena_lab.errors import (
    DockerfileNotFoundError,
    NoDockerfileError,
    ResolutionError,
    TemplateVariableError,
    UnknownDeviceTypeError,
)
from balena_lab.resolution.resolver import Resolution, remove_extension, resolve

from ..files import write_tree as project

ALL = {
    "Dockerfile.raspberrypi3": "FROM device\n",
    "Dockerfile.armv7hf": "FROM arch %%BALENA_MACHINE_NAME%%\n",
    "Dockerfile.template": "FROM tmpl-%%BALENA_ARCH%%\n",
    "Dockerfile": "FROM plain %%BALENA_ARCH%%\n",
    "package.json": '{"scripts": {}, "engines": {"node": "^6"}}',
}


@pytest.mark.parametrize("remove,kind,source", [
    ((), "arch-specific", "Dockerfile.raspberrypi3"),
    (("Dockerfile.raspberrypi3",), "arch-specific", "Dockerfile.armv7hf"),
    (("Dockerfile.raspberrypi3", "Dockerfile.armv7hf"), "template", "Dockerfile.template"),
    (("Dockerfile.raspberrypi3", "Dockerfile.armv7hf", "Dockerfile.template"), "dockerfile",
     "Dockerfile"),
    (("Dockerfile.raspberrypi3", "Dockerfile.armv7hf", "Dockerfile.template", "Dockerfile"),
     "nodejs", "package.json"),
])
def test_precedence_chain(tmp_path: Path, remove: tuple[str, ...], kind: str,
                          source: str) -> None:
    files = {k: v for k, v in ALL.items() if k not in remove}
    result = resolve(project(tmp_path, files), "raspberrypi3")
    assert (result.kind, result.source, result.dockerfile_name) == (kind, source, "Dockerfile")
    chosen = [c for c in result.candidates if c.outcome == "chosen"]
    assert [c.path for c in chosen] == [source]
    # Every other file present was a candidate of this device and lost.
    assert {c.path: c.outcome for c in result.candidates if c.path != source} == {
        name: "outranked" for name in files if name != source}


def test_arch_files_are_templated_and_device_beats_arch_reason(tmp_path: Path) -> None:
    files = {k: ALL[k] for k in ("Dockerfile.raspberrypi3", "Dockerfile.armv7hf")}
    result = resolve(project(tmp_path, files), "raspberrypi3")
    arch_candidate = next(c for c in result.candidates if c.path == "Dockerfile.armv7hf")
    assert arch_candidate.outcome == "outranked" and "device-type" in arch_candidate.reason
    other = resolve(tmp_path, "beaglebone-black")  # armv7hf, no device file
    assert other.dockerfile == "FROM arch beaglebone-black\n"
    assert other.substitutions[0].variable == "BALENA_MACHINE_NAME"


def test_plain_dockerfile_is_never_templated(tmp_path: Path) -> None:
    result = resolve(project(tmp_path, {"Dockerfile": "FROM %%NOPE%%\n"}), "intel-nuc")
    assert result.dockerfile == "FROM %%NOPE%%\n" and result.substitutions == ()
    assert any("not a template" in note for note in result.notes)


def test_files_for_other_devices_are_ignored(tmp_path: Path) -> None:
    project(tmp_path, {"Dockerfile.raspberrypi5": "FROM x\n",
                       "Dockerfile.aarch64.template": "FROM y\n"})
    with pytest.raises(NoDockerfileError) as caught:
        resolve(tmp_path, "intel-nuc")
    assert caught.value.reason == "Could not find a Dockerfile for this service"
    reasons = {c.path: (c.outcome, c.reason) for c in caught.value.candidates}
    assert reasons["Dockerfile.raspberrypi5"][0] == "ignored"
    assert "raspberrypi5" in reasons["Dockerfile.raspberrypi5"][1]
    assert reasons["Dockerfile.aarch64.template"][0] == "ignored"


def test_only_top_level_and_case_sensitive(tmp_path: Path) -> None:
    project(tmp_path, {"app/Dockerfile": "FROM x\n", "dockerfile": "FROM y\n"})
    with pytest.raises(NoDockerfileError):
        resolve(tmp_path, "intel-nuc")


def test_failing_winner_does_not_fall_back(tmp_path: Path) -> None:
    project(tmp_path, {"Dockerfile.template": "FROM %%MISSING_VAR%%\n", "Dockerfile": "FROM x\n"})
    with pytest.raises(TemplateVariableError) as caught:
        resolve(tmp_path, "intel-nuc")
    assert caught.value.variable == "MISSING_VAR" and caught.value.line == 1
    assert caught.value.candidates  # what was considered travels with the error


def test_service_name_and_caller_variables(tmp_path: Path) -> None:
    project(tmp_path, {"Dockerfile.template":
                       "%%BALENA_SERVICE_NAME%% %%BALENA_APP_NAME%% %%BALENA_ARCH%%"})
    result = resolve(tmp_path, "intel-nuc", variables={"BALENA_APP_NAME": "fleet",
                                                       "BALENA_ARCH": "override"})
    assert result.dockerfile == "main fleet override"  # caller wins, as in the builder
    with pytest.raises(TemplateVariableError):
        resolve(tmp_path, "intel-nuc", service_name=None, variables={"BALENA_APP_NAME": "x"})


def test_arch_override_and_alias(tmp_path: Path) -> None:
    project(tmp_path, {"Dockerfile.rpi": "FROM %%BALENA_MACHINE_NAME%%\n"})
    result = resolve(tmp_path, "raspberrypi", arch="rpi")
    # Issue 12: the builder uses the alias as given, not the canonical slug.
    assert result.device_type == "raspberrypi" and result.dockerfile == "FROM raspberrypi\n"
    assert any("alias of the device type raspberry-pi" in n for n in result.notes)
    result = resolve(tmp_path, "raspberrypi3", arch="rpi")  # armv7hf devices run rpi images
    assert result.kind == "arch-specific" and not any("cannot run" in n for n in result.notes)
    assert any("cannot run" in n for n in resolve(tmp_path, "intel-nuc", arch="rpi").notes)


def test_specified_path_and_its_siblings(tmp_path: Path) -> None:
    project(tmp_path, {"docker/Dockerfile.custom": "FROM plain\n",
                       "docker/Dockerfile.custom.template": "FROM t-%%BALENA_ARCH%%\n",
                       "docker/Dockerfile.custom.aarch64": "FROM a\n",
                       "Dockerfile.aarch64": "FROM root\n", "package.json": "{}"})
    result = resolve(tmp_path, "raspberrypi4-64", dockerfile="docker/Dockerfile.custom")
    assert (result.kind, result.source, result.dockerfile_name) == (
        "arch-specific", "docker/Dockerfile.custom.aarch64", "docker/Dockerfile")
    result = resolve(tmp_path, "intel-nuc", dockerfile="./docker/Dockerfile.custom")
    assert (result.kind, result.dockerfile_name, result.dockerfile) == (
        "template", "docker/Dockerfile", "FROM t-amd64\n")
    (tmp_path / "docker/Dockerfile.custom.template").unlink()
    result = resolve(tmp_path, "intel-nuc", dockerfile="docker/Dockerfile.custom")
    assert (result.kind, result.dockerfile_name) == ("dockerfile", "docker/Dockerfile.custom")


def test_specified_missing_disables_nodejs(tmp_path: Path) -> None:
    project(tmp_path, {"Dockerfile": "FROM x\n", "package.json": "{}"})
    with pytest.raises(DockerfileNotFoundError) as caught:
        resolve(tmp_path, "intel-nuc", dockerfile="sub/Dockerfile.custom")
    assert caught.value.reason == "Specified file not found or is invalid: sub/Dockerfile.custom"
    assert caught.value.type == "dockerfile-not-found"


def test_dotted_folder_name_is_cut_like_the_builder(tmp_path: Path) -> None:
    project(tmp_path, {"my.app/Dockerfile.template": "FROM x\n"})
    result = resolve(tmp_path, "intel-nuc", dockerfile="my.app/Dockerfile")
    assert result.dockerfile_name == "my"
    assert any("folder name" in n for n in result.notes)
    assert remove_extension("a.b/c") == "a" and remove_extension("Dockerfile") == "Dockerfile"


def test_unknown_device_type(tmp_path: Path) -> None:
    with pytest.raises(UnknownDeviceTypeError):
        resolve(project(tmp_path, {"Dockerfile": "FROM x"}), "raspberry-pie")


def test_reads_without_changing_the_project(tmp_path: Path) -> None:
    project(tmp_path, ALL)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")}
    os.chmod(tmp_path, 0o555)  # a write would fail loudly
    try:
        for device in ("raspberrypi3", "intel-nuc", "raspberrypi4-64"):
            resolve(tmp_path, device)
    finally:
        os.chmod(tmp_path, 0o755)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")}
    assert before == after


def test_value_is_frozen_and_serializes(tmp_path: Path) -> None:
    result = resolve(project(tmp_path, {"Dockerfile.template": "FROM %%BALENA_ARCH%%\n"}),
                     "intel-nuc")
    assert isinstance(result, Resolution)
    with pytest.raises(AttributeError):
        result.kind = "x"  # type: ignore[misc]
    data = json.loads(result.to_json())
    assert list(data) == ["kind", "source", "dockerfile_name", "dockerfile", "candidates",
                          "substitutions", "error"]
    assert data["substitutions"][0]["variable"] == "BALENA_ARCH"
    html = result._repr_html_()
    assert '<mark title="%%BALENA_ARCH%%">amd64</mark>' in html
    assert result.builder_resolver == "Dockerfile.template"


# --- issue 12: a device type alias is used exactly as given, as balena's builder does ---


def test_alias_device_file_beats_arch_file(tmp_path: Path) -> None:
    """The builder takes Dockerfile.beaglebone for --deviceType beaglebone; balena_lab
    used to replace the alias by beaglebone-black first, and build Dockerfile.armv7hf."""
    project(tmp_path, {"Dockerfile.beaglebone": "FROM alias %%BALENA_MACHINE_NAME%%\n",
                       "Dockerfile.armv7hf": "FROM arch\n"})
    result = resolve(tmp_path, "beaglebone")
    assert (result.kind, result.source) == ("arch-specific", "Dockerfile.beaglebone")
    assert result.dockerfile == "FROM alias beaglebone\n"
    assert result.device_type == "beaglebone" and result.arch == "armv7hf"
    note = next(n for n in result.notes if "alias" in n)
    assert "beaglebone-black" in note and "Dockerfile.beaglebone-black" in note


def test_alias_ignores_the_canonical_slug_file(tmp_path: Path) -> None:
    project(tmp_path, {"Dockerfile.beaglebone-black": "FROM slug\n",
                       "Dockerfile.template": "FROM %%RESIN_MACHINE_NAME%%\n"})
    result = resolve(tmp_path, "beaglebone")
    assert result.kind == "template" and result.dockerfile == "FROM beaglebone\n"
    ignored = next(c for c in result.candidates if c.path == "Dockerfile.beaglebone-black")
    assert ignored.outcome == "ignored" and "exact name" in ignored.reason
    # And the other way round: the slug does not take the alias's file.
    project(tmp_path, {"Dockerfile.beaglebone": "FROM alias\n"})
    assert resolve(tmp_path, "beaglebone-black").source == "Dockerfile.beaglebone-black"


def test_alias_names_the_node_image(tmp_path: Path) -> None:
    project(tmp_path, {"package.json": '{"scripts": {}, "engines": {"node": "4.x"}}'})
    result = resolve(tmp_path, "parallella-hdmi-resin")
    assert result.node is not None
    assert result.node.image.startswith("resin/parallella-hdmi-resin-node:")
    assert not any("alias" in n for n in resolve(tmp_path, "parallella").notes)


@pytest.mark.parametrize("name", ["Dockerfile", "Dockerfile.template", "package.json"])
def test_a_link_out_of_the_project_is_never_read(tmp_path: Path, name: str) -> None:
    """`Dockerfile -> /etc/shadow` must not print the shadow file (docker build refuses it)."""
    secret = tmp_path / "outside" / "secret"
    secret.parent.mkdir()
    secret.write_text("FROM secret-base\n# the secret\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / name).symlink_to(secret)
    with pytest.raises(ResolutionError) as caught:
        resolve(project, "intel-nuc")
    assert "outside the project" in caught.value.message
    assert "the secret" not in str(caught.value)


def test_a_link_inside_the_project_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.Dockerfile").write_text("FROM inside\n")
    (tmp_path / "Dockerfile").symlink_to("real.Dockerfile")
    assert resolve(tmp_path, "intel-nuc").dockerfile == "FROM inside\n"
