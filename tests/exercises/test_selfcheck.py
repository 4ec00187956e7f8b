from __future__ import annotations

from pathlib import Path

import docker
import pytest
from nbclient import NotebookClient

from balena_lab.exercises import self_check, show_given

from .classgen import STARTERS, solved


def test_self_check_does_nothing_while_grading(capsys: pytest.CaptureFixture[str]) -> None:
    assert self_check("dockerfile-basics", {"grading": True}) is None
    assert "graded by balena-lab grade" in capsys.readouterr().out


def test_check_builds_false_keeps_to_static_checks() -> None:
    report = self_check("dockerfile-basics", {"check_builds": False, "DOCKERFILE": "FROM x\n"})
    assert report is not None
    assert {r.id for r in report.results if r.status == "skip"} == {"builds", "says-hello"}


def test_show_given_lists_the_project_files() -> None:
    given = show_given("add-to-copy")
    assert "app/hello.sh" in str(given) and "binary file" in str(given)
    assert "<pre>" in given._repr_html_()


@pytest.mark.slow
def test_solved_notebook_checks_itself_in_the_kernel(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    def self_check_images() -> set[str]:
        return {i.id for i in docker_client.images.list(
            filters={"label": "io.balena-lab.exercise=templates-mixed-fleet"})
            if i.labels.get("io.balena-lab.submission", "").startswith("self-check")}

    before = self_check_images()
    notebook = solved("templates-mixed-fleet")
    NotebookClient(notebook, timeout=300, kernel_name="balena-lab",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    last = notebook.cells[-1]
    shown = "".join(o.get("data", {}).get("text/html", "") for o in last.outputs)
    assert "6/6 checks pass" in shown  # is-template is setup: shown, not counted
    assert (STARTERS / "04-templates-mixed-fleet.ipynb").is_file()
    assert self_check_images() <= before  # what the self-check built, it removed


def test_the_grader_environment_wins_over_notebook_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from balena_lab.exercises.selfcheck import GRADING_ENV

    monkeypatch.setenv(GRADING_ENV, "1")
    assert self_check("dockerfile-basics", {"grading": False, "check_builds": True}) is None
    assert "graded by balena-lab grade" in capsys.readouterr().out
