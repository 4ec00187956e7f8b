"""Scratch copies of the masterclass projects: outside notebooks/, reset at will, removed
when the process that made them ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from balena_lab.errors import UnreadableInputError
from balena_lab.lessons import scratch
from balena_lab.lessons.projects import masterclass_project


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_copy_is_outside_notebooks_and_leaves_the_project_alone() -> None:
    source = masterclass_project("precedence")
    before = _files(source)
    copy = scratch.scratch_project("precedence")
    try:
        assert _files(copy) == before
        assert source.parents[1] not in copy.parents  # not under notebooks/
        (copy / "Dockerfile.aarch64").write_text("FROM debian\n")
        (copy / "Dockerfile.raspberrypi3").unlink()
        assert _files(source) == before
    finally:
        scratch.remove_all()
    assert not copy.exists()


def test_reset_puts_the_copy_back_as_it_started() -> None:
    source = masterclass_project("precedence")
    copy = scratch.scratch_project("precedence")
    try:
        (copy / "Dockerfile.aarch64").write_text("FROM debian\n")
        (copy / "Dockerfile.template").write_text("changed\n")
        (copy / "Dockerfile.raspberrypi3").unlink()
        assert scratch.reset(copy) == copy
        assert _files(copy) == _files(source)
        assert [p.name for p in copy.parent.iterdir()] == [copy.name]  # no staging left
    finally:
        scratch.remove_all()


def test_a_copy_made_a_repository_keeps_its_files_and_resets_without_git() -> None:
    copy = scratch.scratch_project("single-container")
    try:
        files = _files(copy)
        scratch.as_repository(copy)
        assert (copy / ".git" / "HEAD").read_text().startswith("ref: ")
        assert {k: v for k, v in _files(copy).items() if not k.startswith(".git")} == files
        scratch.reset(copy)
        assert not (copy / ".git").exists()
    finally:
        scratch.remove_all()


def test_only_a_scratch_copy_is_made_a_repository(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="not a scratch copy"):
        scratch.as_repository(tmp_path)
    assert not (tmp_path / ".git").exists()


def test_only_a_scratch_copy_is_reset(tmp_path: Path) -> None:
    mine = tmp_path / "precedence"
    mine.mkdir()
    (mine / "Dockerfile").write_text("my work\n")
    with pytest.raises(UnreadableInputError, match="not a scratch copy"):
        scratch.reset(mine)
    assert (mine / "Dockerfile").read_text() == "my work\n"


def test_copies_go_when_the_process_ends() -> None:
    program = ("from balena_lab.lessons.scratch import scratch_project\n"
               "print(scratch_project('precedence'))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          check=True, timeout=60)
    copy = Path(done.stdout.strip())
    assert copy.name == "precedence" and not copy.parent.exists()


def test_a_new_release_is_an_environment_change_in_the_copy() -> None:
    import yaml

    copy = scratch.scratch_project("update-lock")
    try:
        scratch.set_environment(copy, "main", RELEASE="2")
        spec = yaml.safe_load((copy / "docker-compose.yml").read_text())["services"]["main"]
        assert spec["environment"]["RELEASE"] == "2" and spec["environment"]["HOLD_SECONDS"]
        original = masterclass_project("update-lock") / "docker-compose.yml"
        assert "RELEASE: '1'" in original.read_text()
    finally:
        scratch.remove_all()
    with pytest.raises(UnreadableInputError, match="not a scratch copy"):
        scratch.set_environment(masterclass_project("update-lock"), "main", RELEASE="2")


@pytest.mark.docker
def test_a_release_up_from_a_copy_goes_with_it(base_images: dict[str, str],
                                               docker_client: object) -> None:
    """A kernel that ends takes its scratch projects' releases down: their containers
    would restart for ever otherwise."""
    from balena_lab.supervisor import release

    copy = scratch.scratch_project("single-container")
    (copy / "Dockerfile").write_text(f"FROM {base_images['amd64']}\nCMD [\"sleep\", \"600\"]\n")
    try:
        state = release.up(copy, "intel-nuc")
        assert state.services and copy.resolve() in release.started_here()
    finally:
        scratch.remove_all()
    assert release.device_state(state.app_id).services == ()
    assert copy.resolve() not in release.started_here()
