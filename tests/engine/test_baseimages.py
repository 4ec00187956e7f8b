"""The offline base images, made and inspected on the real engine."""

from __future__ import annotations

import contextlib
import time

import docker
import pytest

from balena_lab.catalog.arches import get_arch
from balena_lab.engine import baseimages, names, rootfs

from ..files import dockerfile_context


def test_image_names_share_one_namespace() -> None:
    assert baseimages.image_tag("aarch64") == "balena-lab/debian:bookworm-aarch64"
    assert baseimages.image_tag("i386-nlp") == "balena-lab/debian:bookworm-i386"


@pytest.mark.parametrize("arch_name", rootfs.DEFAULT_ARCHES)
def test_uname_inside_matches_the_arch(
    docker_client: docker.DockerClient, base_images: dict[str, str], arch_name: str
) -> None:
    arch = get_arch(arch_name)
    output = docker_client.containers.run(
        base_images[arch_name], ["uname", "-m"], remove=True, platform=arch.docker_platform
    )
    assert output.decode().strip() == {"amd64": "x86_64", "aarch64": "aarch64", "armv7hf": "armv7l"}[arch_name]


@pytest.mark.parametrize(
    ("arch_name", "architecture", "variant"),
    [("amd64", "amd64", None), ("aarch64", "arm64", "v8"), ("armv7hf", "arm", "v7")],
)
def test_inspected_platform_names_the_arch(
    docker_client: docker.DockerClient, base_images: dict[str, str],
    arch_name: str, architecture: str, variant: str | None,
) -> None:
    attrs = docker_client.images.get(base_images[arch_name]).attrs
    assert attrs["Architecture"] == architecture
    assert attrs.get("Variant") == variant
    labels = attrs["Config"]["Labels"]
    assert labels["io.balena-lab.kind"] == "base-image"
    assert labels["io.balena-lab.arch"] == arch_name


def test_the_debian_inside_is_bookworm_of_the_right_port(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    output = docker_client.containers.run(
        base_images["armv7hf"], ["sh", "-c", "cat /etc/debian_version; dpkg --print-architecture"],
        remove=True, platform="linux/arm/v7",
    ).decode().split()
    assert output[0].startswith("12.")
    assert output[1] == "armhf"


def test_a_second_bootstrap_is_a_no_op(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    before = {tag: docker_client.images.get(tag).id for tag in base_images.values()}
    started = time.monotonic()
    outcomes = baseimages.bootstrap(docker_client, rootfs.DEFAULT_ARCHES)
    elapsed = time.monotonic() - started
    assert [o.action for o in outcomes] == ["present"] * len(rootfs.DEFAULT_ARCHES)
    after = {tag: docker_client.images.get(tag).id for tag in base_images.values()}
    assert after == before
    assert elapsed < 10, f"a no-op bootstrap took {elapsed:.1f}s"


def test_list_shows_every_base_image(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    listed = {image.tag: image for image in baseimages.list_base_images(docker_client)}
    for arch_name, tag in base_images.items():
        assert listed[tag].arch == arch_name


# Tests prune only their own images: never the learners' on a shared engine.
TEST_LABEL = {"io.balena-lab.test": "test_baseimages"}


def _labelled_image(client: docker.DockerClient, base: str, label: str, who: str | None = None,
                    tag: str = "balena-lab/test-prune:latest") -> str:
    """A tiny real image built on a base image, labelled as balena_lab builds are, in the
    namespace ``who`` (default: this one's)."""
    context = dockerfile_context(f"FROM {base}\nRUN echo built > /built.txt\n")
    image, _ = client.images.build(
        fileobj=context, custom_context=True, tag=tag,
        labels={**names.owned({baseimages.KIND_LABEL: label, **TEST_LABEL}),
                **({names.NAMESPACE_LABEL: who} if who else {})},
        rm=True,
    )
    return image.id


def test_prune_removes_built_images_and_keeps_shared_ones(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    built = _labelled_image(docker_client, base_images["amd64"], "build")
    removed = baseimages.prune(docker_client, labels=TEST_LABEL)
    assert "balena-lab/test-prune:latest" in removed
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(built)
    for tag in base_images.values():
        docker_client.images.get(tag)  # base images stay


def test_prune_leaves_names_that_are_not_ours(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    built = _labelled_image(docker_client, base_images["amd64"], "build")
    docker_client.images.get(built).tag("someone-else/app", "mine")
    try:
        removed = baseimages.prune(docker_client, labels=TEST_LABEL)
        assert "balena-lab/test-prune:latest" in removed
        assert "someone-else/app:mine" not in removed
        assert docker_client.images.get("someone-else/app:mine").id == built
    finally:
        docker_client.images.remove("someone-else/app:mine")


def test_prune_command_keeps_base_images(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    import subprocess
    import sys

    _labelled_image(docker_client, base_images["amd64"], "build")
    result = subprocess.run([sys.executable, "-m", "balena_lab", "images", "prune",
                             "--label", "io.balena-lab.test=test_baseimages"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "removed balena-lab/test-prune:latest" in result.stdout
    for tag in base_images.values():
        docker_client.images.get(tag)


def test_bootstrap_node_makes_the_node_stand_ins(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "balena_lab", "images", "bootstrap", "--arch", "amd64",
         "--node", "--json"], capture_output=True, text=True, check=False, timeout=900)
    assert result.returncode == 0, result.stderr
    tags = {o["tag"]: o["action"] for o in json.loads(result.stdout)}
    for tag in ("balena-lab/node:bookworm-amd64", "balena-lab/node:bookworm-amd64-onbuild"):
        assert tags[tag] in ("present", "created")
        attrs = docker_client.images.get(tag).attrs
        assert attrs["Architecture"] == "amd64"
    onbuild = docker_client.images.get("balena-lab/node:bookworm-amd64-onbuild").attrs
    assert any("npm install" in trigger for trigger in onbuild["Config"]["OnBuild"])


def test_prune_touches_only_this_namespace_unless_all(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    theirs = _labelled_image(docker_client, base_images["amd64"], "build", who="someone-else",
                             tag="balena-lab/someone-else/test-prune:latest")
    mine = _labelled_image(docker_client, base_images["amd64"], "build")
    try:
        assert baseimages.prune(docker_client, labels=TEST_LABEL) == ["balena-lab/test-prune:latest"]
        assert docker_client.images.get(theirs)  # a classmate's build stays
        removed = baseimages.prune(docker_client, everyone=True, labels=TEST_LABEL)
        assert removed == ["balena-lab/someone-else/test-prune:latest"]
        for tag in base_images.values():
            docker_client.images.get(tag)  # shared: only with include_shared
    finally:
        for image in (theirs, mine):
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(image, force=True)
