"""The masterclass notebooks run top to bottom on the project's kernel."""

from __future__ import annotations

from pathlib import Path

import docker
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _execute(name: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="balena-lab",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
        parts.append(output.get("data", {}).get("text/html", ""))
    return "".join(parts)


def test_notebooks_are_committed_without_outputs() -> None:
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
        assert notebook.metadata["kernelspec"]["name"] == "balena-lab", path.name


@pytest.mark.docker
def test_ready_notebook_shows_the_checks_and_an_arm_answer(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    notebook = _execute("00-ready.ipynb")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert "docker engine" in _text(code[0])
    assert "balena-lab/debian:bookworm-aarch64" in _text(code[1])
    assert "'aarch64'" in _text(code[2])
