"""balena_lab.lessons.projects: the masterclass projects are found wherever a notebook runs from."""

from __future__ import annotations

from pathlib import Path

import pytest

from balena_lab.lessons.projects import (
    NOTEBOOKS_ENV,
    SESSION_ENV,
    ProjectsNotFound,
    masterclass_project,
    masterclass_projects,
)

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ROOT / "notebooks" / "projects"


@pytest.fixture(autouse=True)
def _no_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NOTEBOOKS_ENV, raising=False)
    monkeypatch.delenv(SESSION_ENV, raising=False)


@pytest.mark.parametrize("cwd", [ROOT, ROOT / "notebooks", ROOT / "tests"])
def test_found_from_the_repository_root_notebooks_and_elsewhere(
    cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(cwd)
    assert masterclass_project("precedence") == PROJECTS / "precedence"
    assert masterclass_project("node-app").is_absolute()
    assert masterclass_projects() == PROJECTS


def _copy(tmp_path: Path) -> Path:
    notebooks = tmp_path / "class" / "notebooks"
    (notebooks / "projects" / "precedence").mkdir(parents=True)
    return notebooks


def test_the_notebooks_own_folder_comes_before_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebooks = _copy(tmp_path)  # a scratch copy, as the browser test and graders make
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(SESSION_ENV, str(notebooks / "04-multiple-dockerfiles.ipynb"))
    assert masterclass_project("precedence") == notebooks / "projects" / "precedence"


def test_the_variable_wins_and_a_wrong_one_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebooks = _copy(tmp_path)
    monkeypatch.chdir(ROOT / "notebooks")
    monkeypatch.setenv(NOTEBOOKS_ENV, str(notebooks))
    assert masterclass_project("precedence") == notebooks / "projects" / "precedence"
    with pytest.raises(ProjectsNotFound) as caught:
        masterclass_project("node-app")  # not in the copy: not looked for elsewhere
    assert caught.value.looked == (notebooks / "projects",)
    assert NOTEBOOKS_ENV in str(caught.value) and str(notebooks / "projects") in str(caught.value)


def test_an_unknown_project_names_every_place_looked(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectsNotFound) as caught:
        masterclass_project("no-such-project")
    message = str(caught.value)
    assert "'no-such-project'" in message and str(tmp_path / "projects") in message
    assert str(PROJECTS) in message and "fix:" in message
