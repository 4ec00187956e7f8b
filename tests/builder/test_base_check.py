"""balena_lab.builder.base_check: stand-ins replace FROM images where they stand, and
a FROM image that is not on the engine is named with what is on offer."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from balena_lab.builder.base_check import apply_stand_ins, check_base_images, local_offers
from balena_lab.catalog.arches import get_arch
from balena_lab.errors import BaseImageMissing


def test_stand_ins_follow_the_from_line_and_skip_stages() -> None:
    text = ("FROM \\\n  debian:trixie AS debian\n"
            "FROM debian\n"
            "FROM balenalib/raspberrypi3-alpine-node:18\n")
    rewritten, replaced = apply_stand_ins(text, get_arch("aarch64"))
    assert [(s.line, s.upstream) for s in replaced] == [(1, "debian:trixie")]
    assert rewritten.split("\n")[1] == "  balena-lab/debian:bookworm-aarch64 AS debian"
    assert rewritten.split("\n")[2] == "FROM debian"  # the stage, not the image
    assert "alpine-node" in rewritten  # no honest Debian stand-in for Alpine


def test_from_with_meta_args_is_judged_by_what_it_expands_to() -> None:
    text = ("ARG ARCH=aarch64\nARG MISSING\n"
            "FROM balenalib/${ARCH}-debian\n"
            "FROM balena-lab/debian:bookworm-${MISSING:-aarch64}\n")
    rewritten, replaced = apply_stand_ins(text, get_arch("aarch64"))
    assert [(s.line, s.upstream) for s in replaced] == [(3, "balenalib/aarch64-debian")]
    assert rewritten.split("\n")[2] == "FROM balena-lab/debian:bookworm-aarch64"
    _, overridden = apply_stand_ins(text, get_arch("aarch64"),
                                    build_args={"ARCH": "raspberrypi4-64"})
    assert overridden[0].upstream == "balenalib/raspberrypi4-64-debian"


def test_nested_meta_args_give_dockers_answer() -> None:
    """The FROM example of issue 10: the default of IMG uses BASE."""
    text = "ARG BASE=debian\nARG IMG=${BASE}:bookworm\nFROM $IMG\n"
    rewritten, replaced = apply_stand_ins(text, get_arch("amd64"))
    assert [(s.line, s.upstream) for s in replaced] == [(3, "debian:bookworm")]
    assert rewritten.split("\n")[2] == "FROM balena-lab/debian:bookworm-amd64"


def test_a_missing_image_is_named_with_its_line_and_the_offers(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    text = "ARG BASE=no-such-image\nARG IMG=${BASE}:bookworm\nFROM $IMG\n"
    with pytest.raises(BaseImageMissing) as caught:
        check_base_images(docker_client, text, get_arch("amd64"), "Dockerfile")
    assert caught.value.image == "no-such-image:bookworm"
    assert "Dockerfile:3: FROM no-such-image:bookworm" in caught.value.message
    assert base_images["amd64"] in caught.value.stand_ins
    assert base_images["amd64"] in local_offers(docker_client, get_arch("amd64"))


def test_a_local_image_of_another_platform_is_reported_not_refused(
    docker_client: docker.DockerClient, base_images: dict[str, str], tmp_path: Path
) -> None:
    text = "ARG ARCH=aarch64\nFROM balena-lab/debian:bookworm-${ARCH}\n"
    assert check_base_images(docker_client, text, get_arch("aarch64"), "Dockerfile") == []
    foreign, = check_base_images(docker_client, text, get_arch("amd64"), "Dockerfile")
    assert (foreign.line, foreign.image, foreign.platform) == (
        2, base_images["aarch64"], "arm64/v8")
    assert "an image for arm64/v8, but this build is for amd64" in foreign.message(get_arch("amd64"))
