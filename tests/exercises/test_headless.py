from __future__ import annotations

from pathlib import Path

import docker
import nbformat
import pytest

from balena_lab.exercises import run_notebook
from balena_lab.exercises.context import SUBMISSION_LABEL

from .classgen import solved

pytestmark = pytest.mark.slow


def test_solved_notebook_passes_and_its_images_are_removed(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    path = tmp_path / "Solved Keep.ipynb"
    nbformat.write(solved("keep-tmp-balena"), path)
    before = path.read_bytes()
    result = run_notebook(path, output_dir=tmp_path / "out", timeout=120)
    assert result.status == "graded" and result.report.all_passed, str(result.report)
    assert path.read_bytes() == before
    assert result.executed and (tmp_path / "out" / result.executed).is_file()
    left = docker_client.images.list(filters={"label": f"{SUBMISSION_LABEL}=solved-keep"})
    assert left == []
