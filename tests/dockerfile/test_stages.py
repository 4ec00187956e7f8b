"""balena_lab.dockerfile.stages: the one FROM/ARG reader, and the real engine's answer."""

from __future__ import annotations

import io

import docker
import pytest

from balena_lab.dockerfile import parse
from balena_lab.dockerfile.stages import base_images, expand, from_lines, meta_args, stages


def test_the_issue_example_gives_dockers_answer() -> None:
    text = "ARG BASE=debian\nARG IMG=${BASE}:bookworm\nFROM $IMG\n"
    assert [f.image for f in base_images(text)] == ["debian:bookworm"]
    assert [f.image for f in base_images(text, {"BASE": "ubuntu"})] == ["ubuntu:bookworm"]
    # A build argument replaces the value as it is: it is not expanded again.
    assert [f.image for f in base_images(text, {"IMG": "$BASE"})] == ["$BASE"]


def test_expansion_forms() -> None:
    values = {"X": "1", "Y": None, "E": ""}
    assert expand("a-${X:+set}-${Y:-dflt}-$X", values) == "a-set-dflt-1"
    assert expand("${E:-empty}${E:+no}", values) == "empty"
    assert expand("${Y:-${X}0}", values) == "10"  # the word is expanded too
    assert expand("'$X'\"$X\"\\$X", values) == "$X1$X"  # quotes and the escape character
    assert expand("$", values) == "$" and expand("$-", values) == "$-"
    assert expand("a`X", values, escape="`") == "aX"


def test_the_names_of_one_arg_see_only_the_args_above_it() -> None:
    parsed = parse("ARG A=1\nARG B=$A C=$B\nFROM x\nARG LATE=1\n")
    assert meta_args(parsed) == {"A": "1", "B": "1", "C": ""}


def test_stages_scratch_and_earlier_stages_name_no_image() -> None:
    text = "FROM debian AS build\nRUN x\nFROM scratch\nFROM BUILD\nCOPY a b\n"
    kinds = [(f.image, f.kind, f.stage) for f in from_lines(text)]
    assert kinds == [("debian", "image", "build"), ("scratch", "scratch", None),
                     ("BUILD", "stage", None)]
    assert [f.image for f in base_images(text)] == ["debian"]
    assert [[i.name for i in s.instructions] for s in stages(parse(text))] == [
        ["FROM", "RUN"], ["FROM"], ["FROM", "COPY"]]


# Each case names a local base image only if it is read as Docker reads it.
CASES = [
    ("ARG BASE=balena-lab/debian\nARG IMG=${BASE}:bookworm-amd64\nFROM $IMG\n", {}),
    ("ARG A=amd64\nFROM balena-lab/debian:bookworm-${A}\n", {}),
    ("ARG A\nFROM balena-lab/debian:bookworm-${A:-amd64}\n", {}),
    ("ARG A=x\nARG B\nFROM balena-lab/debian:bookworm-${A:+amd64}${B:+aarch64}\n", {}),
    ("ARG A=aarch64\nFROM balena-lab/debian:bookworm-$A\n", {"A": "amd64"}),
    ("ARG T=bookworm-amd64 U=$T\nFROM balena-lab/debian:${T}${U}\n", {}),
    ("ARG T=amd64\nARG N=${T:-x}\nFROM balena-lab/debian:bookworm-${X:-${N}}\n", {}),
    ('FROM "balena-lab/debian:bookworm-amd64"\n', {}),
]


@pytest.mark.parametrize("text,build_args", CASES)
def test_from_names_the_image_the_engine_builds_from(
    docker_client: docker.DockerClient, base_images: dict[str, str], text: str,
    build_args: dict[str, str],
) -> None:
    ours = base_images_of(text, build_args)
    # A Dockerfile that is only a FROM builds the very image it names.
    image, _ = docker_client.images.build(fileobj=io.BytesIO(text.encode()), buildargs=build_args,
                                          rm=True, pull=False)
    assert image.id == docker_client.images.get(ours).id, (text, ours)


def base_images_of(text: str, build_args: dict[str, str]) -> str:
    (item,) = base_images(text, build_args)
    return item.image
