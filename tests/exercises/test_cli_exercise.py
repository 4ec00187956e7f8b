"""``balena-lab exercise`` and ``balena-lab grade``: parse, call the library, exit codes."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from balena_lab.cli import main

from .classgen import STARTERS, write_class


def test_exercise_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "list"]) == 0
    out = capsys.readouterr().out
    assert "templates-mixed-fleet" in out and "07-keep-tmp-balena.ipynb" in out


@pytest.mark.slow
def test_exercise_run_starter_with_a_parameter_fails_its_checks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["exercise", "run", str(STARTERS / "05-pi4-own-dockerfile.ipynb"),
                 "-p", "check_builds", "False", "--timeout", "120"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  own-file" in out and "hint:" in out and "SKIP  builds" in out


def test_exercise_run_unknown_parameter_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["exercise", "run", str(STARTERS / "01-dockerfile-basics.ipynb"), "-p", "x", "1"])
    assert code == 2 and "unknown parameter" in capsys.readouterr().err


def test_exercise_run_a_broken_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text("{ not json")
    code = main(["exercise", "run", str(path), "--exercise", "dockerfile-basics"])
    assert code == 3 and "not-a-notebook" in capsys.readouterr().out


@pytest.mark.slow
def test_grade_command_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], docker_client: docker.DockerClient,
    base_images: dict[str, str],
) -> None:
    write_class(tmp_path / "class", "add-to-copy", ["correct", "untouched"])
    code = main(["grade", str(tmp_path / "class"), "--exercise", "add-to-copy", "--jobs", "2",
                 "--output", str(tmp_path / "out"), "--timeout", "120"])
    out = capsys.readouterr().out
    assert code == 0
    assert "learner00-correct" in out and "5/5" in out and "image(s) removed" in out
    assert (tmp_path / "out" / "report.csv").is_file()
