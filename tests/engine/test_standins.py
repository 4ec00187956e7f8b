"""balena_lab.engine.standins: which upstream images have a local stand-in, and the
stand-ins themselves, made and inspected on the real engine."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from balena_lab.catalog.arches import get_arch
from balena_lab.engine import names, standins
from balena_lab.engine.containers import run
from balena_lab.errors import BaseImageMissing

from ..files import dockerfile_context

AMD64, ARM64, RPI = get_arch("amd64"), get_arch("aarch64"), get_arch("rpi")


@pytest.mark.parametrize("reference,expected", [
    ("debian:trixie", "balena-lab/debian:bookworm-aarch64"),
    ("docker.io/library/debian", "balena-lab/debian:bookworm-aarch64"),
    ("balenalib/raspberrypi4-64-debian:bookworm", "balena-lab/debian:bookworm-aarch64"),
    ("balenalib/raspberrypi4-64", "balena-lab/debian:bookworm-aarch64"),
    ("resin/raspberrypi3-debian", "balena-lab/debian:bookworm-armv7hf"),  # the name's arch
    ("node:20", "balena-lab/node:bookworm-aarch64"),
    ("balenalib/raspberrypi4-64-debian-node:18", "balena-lab/node:bookworm-aarch64"),
    ("resin/raspberrypi3-node:10-onbuild", "balena-lab/node:bookworm-armv7hf-onbuild"),
    ("node:onbuild", "balena-lab/node:bookworm-aarch64-onbuild"),
    ("debian@sha256:" + "0" * 64, "balena-lab/debian:bookworm-aarch64"),
])
def test_upstream_names_with_an_honest_stand_in(reference: str, expected: str) -> None:
    assert standins.stand_in_for(reference, ARM64) == expected


@pytest.mark.parametrize("reference,arch", [
    ("balenalib/aarch64-debian", "aarch64"), ("balenalib/armv7hf-debian:bookworm", "armv7hf"),
    ("balenalib/raspberrypi4-64-node", "aarch64"), ("balenalib/raspberrypi3-debian-node", "armv7hf"),
    ("resin/raspberry-pi-node:6", "rpi"), ("balenalib/genericx86-64-ext-debian", "amd64"),
    ("balenalib/raspberrypi3", "armv7hf"),
    ("debian:trixie", None), ("node", None), ("balenalib/nosuchboard-debian", None),
])
def test_a_balenalib_name_pins_the_arch_it_was_published_for(reference: str, arch: str | None,
                                                              ) -> None:
    pinned = standins.named_arch(reference)
    assert (pinned.name if pinned else None) == arch
    # An armv7hf build of an aarch64-only name gets the aarch64 stand-in, as Docker Hub
    # would give it the aarch64 image; a multi-platform name follows the build.
    local = standins.stand_in_for(reference, get_arch("armv7hf"))
    if local is not None:
        assert local.split(":")[1].startswith(f"bookworm-{arch or 'armv7hf'}")


@pytest.mark.docker
@pytest.mark.emulated
def test_the_engine_builds_from_a_single_platform_base_as_it_is(
    docker_client: docker.DockerClient, base_images: dict[str, str], tmp_path: Path,
) -> None:
    """The fact the pinned stand-ins rest on: Docker 20.10's classic builder, asked for
    linux/arm/v7, builds from a local arm64-only image and gives an arm64 image."""
    buffer = dockerfile_context(f"FROM {base_images['aarch64']}\nRUN uname -m > /machine\n")
    tag = f"{names.PREFIX}test/single-platform:{tmp_path.name[-12:].lower()}"
    try:
        list(docker_client.api.build(fileobj=buffer, custom_context=True, tag=tag,
                                     platform="linux/arm/v7", rm=True, forcerm=True,
                                     decode=True))
        attrs = docker_client.images.get(tag).attrs
        assert (attrs["Architecture"], attrs.get("Variant")) == ("arm64", "v8")
        assert run(tag, ["cat", "/machine"]).output.strip() == "aarch64"
    finally:
        try:
            docker_client.images.remove(tag, force=True)
        except docker.errors.ImageNotFound:
            pass


@pytest.mark.parametrize("reference", [
    "alpine:3.19", "ubuntu:22.04", "balenalib/raspberrypi4-64-alpine",
    "balenalib/raspberrypi4-64-python:3", "balenalib/raspberrypi4-64-alpine-node",
    "balena-lab/debian:bookworm-amd64",  # already local
    "myregistry.example:5000/team/app",
])
def test_no_stand_in_where_debian_would_not_be_honest(reference: str) -> None:
    assert standins.stand_in_for(reference, ARM64) is None


def test_references_split_as_docker_reads_them() -> None:
    assert standins.split_reference("docker.io/library/node:18-onbuild") == ("node", "18-onbuild")
    assert standins.split_reference("localhost:5000/x") == ("localhost:5000/x", "latest")
    assert standins.split_reference("debian@sha256:abc") == ("debian", "latest")


def test_stand_in_tags_follow_the_image_arch() -> None:
    assert standins.node_tag(get_arch("i386-nlp")) == "balena-lab/node:bookworm-i386"
    assert standins.node_tag(RPI, onbuild=True) == "balena-lab/node:bookworm-rpi-onbuild"
    assert standins.NODE_REPOSITORY.startswith(names.PREFIX)


def test_a_missing_debian_stand_in_names_the_bootstrap_command(
    docker_client: docker.DockerClient,
) -> None:
    with pytest.raises(BaseImageMissing) as caught:
        list(standins.ensure(docker_client, "balena-lab/debian:bookworm-nonesuch", RPI))
    assert caught.value.fix == "sudo balena-lab images bootstrap --arch rpi"


def test_a_present_stand_in_is_left_as_it_is(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    assert list(standins.ensure(docker_client, base_images["amd64"], AMD64)) == []


def test_the_node_stand_ins_are_real_node_images(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    for arch, machine in ((AMD64, "x86_64"), (ARM64, "aarch64")):
        for line in standins.ensure(docker_client, standins.node_tag(arch), arch):
            print(line)  # made once per machine (`images bootstrap --node` does it first)
        tag = standins.node_tag(arch)
        result = run(tag, "node -e 'console.log(process.arch)'; uname -m; npm --version",
                     client=docker_client, timeout=120)
        assert result.ok, result.output
        assert machine in result.output.split()
        labels = docker_client.images.get(tag).attrs["Config"]["Labels"]
        assert labels[names.KIND_LABEL] == names.STAND_IN_KIND
        assert labels[f"{names.LABEL}.arch"] == arch.image_arch


def test_the_onbuild_stand_in_carries_balenas_onbuild_triggers(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    tag = standins.node_tag(AMD64, onbuild=True)
    for line in standins.ensure(docker_client, tag, AMD64):
        print(line)
    config = docker_client.images.get(tag).attrs["Config"]
    assert config["OnBuild"] == [
        "COPY package.json /usr/src/app/",
        "RUN DEBIAN_FRONTEND=noninteractive JOBS=MAX npm install --unsafe-perm",
        "COPY . /usr/src/app",
    ]
    assert config["WorkingDir"] == "/usr/src/app" and config["Cmd"] == ["npm", "start"]


def test_the_host_certificate_authorities_go_into_the_stand_in(
    docker_client: docker.DockerClient, base_images: dict[str, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same context and build as a Node.js stand-in, with a Dockerfile that only
    shows what reached it (apt-get would take a minute)."""
    (tmp_path / "school-proxy.crt").write_text("-----BEGIN CERTIFICATE-----\nX\n")
    (tmp_path / "not-a-cert.txt").write_text("no")
    monkeypatch.setattr(standins, "HOST_CA_DIR", tmp_path)
    tag = "balena-lab/node:test-host-ca"
    dockerfile = f"FROM {base_images['amd64']}\nCOPY host-ca/ /ca/\nCMD [\"ls\", \"/ca\"]\n"
    try:
        lines = list(standins._build(docker_client, dockerfile, tag, AMD64))
        assert any(line.startswith("Step 2/") for line in lines)
        assert run(tag, client=docker_client).output.split() == ["school-proxy.crt"]
    finally:
        docker_client.images.remove(tag, force=True)
