"""balena_lab.engine.names: the one naming policy for the images a build makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from docker.utils.build import match_tag

from balena_lab.engine.names import NAMESPACE, image_tag, repository

PROJECTS = Path(__file__).resolve().parents[2] / "notebooks" / "projects"


def test_tags_are_in_the_namespace(tmp_path: Path) -> None:
    project = tmp_path / "My App"
    project.mkdir()
    assert image_tag(project, "raspberrypi4-64") == "balena-lab/my-app:raspberrypi4-64"
    assert image_tag(project, "intel-nuc", service="web") == "balena-lab/my-app-web:intel-nuc"
    assert repository(project).startswith(NAMESPACE)


def test_tags_name_the_device_type_and_a_foreign_arch_only() -> None:
    assert image_tag(PROJECTS / "precedence", "raspberrypi3") == "balena-lab/precedence:raspberrypi3"
    assert (image_tag(PROJECTS / "precedence", "raspberrypi4-64", "armv7hf")
            == "balena-lab/precedence:raspberrypi4-64-armv7hf")
    # The device type's own arch, named or not, is the same image.
    assert (image_tag("x", "raspberrypi4-64", "aarch64", repository_name="balena-lab/p")
            == "balena-lab/p:raspberrypi4-64")
    assert image_tag("x", "raspberrypi2") == "balena-lab/x:raspberry-pi2"  # an alias


def test_an_arch_override_never_names_the_device_types_own_image() -> None:
    """The bug of issue 10: an armv7hf build of a raspberrypi4-64 replaced its aarch64 image."""
    own = image_tag("app", "raspberrypi4-64")
    assert image_tag("app", "raspberrypi4-64", "armv7hf") != own
    assert image_tag("app", "raspberrypi4-64", "armv7hf", service="web") != image_tag(
        "app", "raspberrypi4-64", service="web")


@pytest.mark.parametrize("folder", ["lesson_-1", "a..b", "__x__", "My App!"])
def test_tags_are_valid_image_names(tmp_path: Path, folder: str) -> None:
    project = tmp_path / folder
    project.mkdir()
    for service in ("main", "web_", "__x"):
        for arch in (None, "armv7hf", "i386-nlp"):
            tag = image_tag(project, "raspberrypi4-64", arch, service=service)
            assert match_tag(tag), tag
