"""A learner's workspace: copied once, handed to the learner, never overwritten."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from balena_lab.classroom.learners import Learner
from balena_lab.classroom.workspace import provision
from balena_lab.errors import ClassroomError


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    source = tmp_path / "notebooks"
    (source / "projects" / "hello").mkdir(parents=True)
    (source / "projects" / "hello" / "Dockerfile").write_text("FROM debian\n")
    (source / "projects" / "hello" / "link").symlink_to("Dockerfile")
    (source / "01-dockerfiles.ipynb").write_text("{}")
    (source / ".ipynb_checkpoints").mkdir()
    (source / ".ipynb_checkpoints" / "01-dockerfiles-checkpoint.ipynb").write_text("{}")
    (source / "__pycache__").mkdir()
    return source


@pytest.fixture
def learner(tmp_path: Path) -> Learner:
    home = tmp_path / "home" / "ann"
    home.mkdir(parents=True)
    return Learner("ann", os.getuid(), os.getgid(), home)


def test_the_first_spawn_copies_the_masterclass(notebooks: Path, learner: Learner) -> None:
    target = provision(learner, notebooks)
    assert target == learner.home / "balena-lab"
    assert (target / "projects" / "hello" / "Dockerfile").read_text() == "FROM debian\n"
    assert (target / "projects" / "hello" / "link").is_symlink()  # links travel as links
    assert (target / "01-dockerfiles.ipynb").is_file()
    assert not (target / ".ipynb_checkpoints").exists()
    assert not (target / "__pycache__").exists()
    assert {p.stat().st_uid for p in (target, *target.rglob("*"))} == {learner.uid}
    assert [p.name for p in learner.home.iterdir()] == ["balena-lab"]  # no staging left


def test_a_workspace_that_exists_is_never_touched(notebooks: Path, learner: Learner) -> None:
    target = provision(learner, notebooks)
    (target / "01-dockerfiles.ipynb").write_text('{"my": "work"}')
    (target / "projects" / "hello").rename(target / "projects" / "mine")
    (notebooks / "02-new.ipynb").write_text("{}")
    assert provision(learner, notebooks) == target
    assert (target / "01-dockerfiles.ipynb").read_text() == '{"my": "work"}'
    assert not (target / "projects" / "hello").exists()
    assert not (target / "02-new.ipynb").exists()


def test_a_folder_that_is_not_the_masterclass_is_refused(tmp_path: Path, learner: Learner) -> None:
    with pytest.raises(ClassroomError, match="has no projects/"):
        provision(learner, tmp_path)
    assert not (learner.home / "balena-lab").exists()


def test_a_missing_home_is_refused(notebooks: Path, tmp_path: Path) -> None:
    ghost = Learner("ghost", os.getuid(), os.getgid(), tmp_path / "nowhere")
    with pytest.raises(ClassroomError, match="home .* does not exist") as caught:
        provision(ghost, notebooks)
    assert caught.value.fix == "balena-lab class add ghost"
