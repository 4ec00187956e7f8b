"""balena_lab.engine.names: the one naming policy for the images a build makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from docker.utils.build import match_tag

from balena_lab.engine import names
from balena_lab.engine.names import PREFIX, image_tag, repository

PROJECTS = Path(__file__).resolve().parents[2] / "notebooks" / "projects"


@pytest.fixture(autouse=True)
def _ann(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(names.NAMESPACE_ENV, "ann")


def test_tags_are_in_the_namespace(tmp_path: Path) -> None:
    project = tmp_path / "My App"
    project.mkdir()
    assert image_tag(project, "raspberrypi4-64") == "balena-lab/ann/my-app:raspberrypi4-64"
    assert image_tag(project, "intel-nuc", service="web") == "balena-lab/ann/my-app-web:intel-nuc"
    assert repository(project).startswith(PREFIX)


def test_tags_name_the_device_type_and_a_foreign_arch_only() -> None:
    assert image_tag(PROJECTS / "precedence", "raspberrypi3") == "balena-lab/ann/precedence:raspberrypi3"
    assert (image_tag(PROJECTS / "precedence", "raspberrypi4-64", "armv7hf")
            == "balena-lab/ann/precedence:raspberrypi4-64-armv7hf")
    # The device type's own arch, named or not, is the same image.
    assert (image_tag("x", "raspberrypi4-64", "aarch64", repository_name="balena-lab/p")
            == "balena-lab/p:raspberrypi4-64")
    assert image_tag("x", "raspberrypi2") == "balena-lab/ann/x:raspberry-pi2"  # an alias


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


def test_each_namespace_has_its_own_images_and_volumes(monkeypatch: pytest.MonkeyPatch) -> None:
    tags, volumes, labels = set(), set(), set()
    for who in ("ann", "Bob.Lee", "ann "):
        monkeypatch.setenv(names.NAMESPACE_ENV, who)
        tags.add(image_tag(PROJECTS / "precedence", "raspberrypi3"))
        volumes.add(names.volume_name("resin-data"))
        labels.add(names.owned()[names.NAMESPACE_LABEL])
    assert tags == {"balena-lab/ann/precedence:raspberrypi3",
                    "balena-lab/bob-lee/precedence:raspberrypi3"}
    assert volumes == {"balena-lab-ann_resin-data", "balena-lab-bob-lee_resin-data"}
    assert labels == {"ann", "bob-lee"}


def test_without_a_namespace_set_it_is_the_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    monkeypatch.delenv(names.NAMESPACE_ENV)
    assert names.namespace() == names.name_component(getpass.getuser(), "user")
