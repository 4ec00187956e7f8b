"""The masterclass notebooks: committed clean, and run for real as regression tests.

Three ways, each catching something the others do not:

- **nbval** (``--nbval-lax``) runs every notebook as a teacher would, top to
  bottom on the ``balena-lab`` kernel, with the committed parameters.
  Why ``--nbval-lax`` and not ``--nbval``: the notebooks are committed
  without outputs (the issue asks for it), so strict ``--nbval`` would
  compare every cell with an empty stored output and fail on the first
  ``print``. Instead of stored outputs, the checks are explicit: each
  notebook asserts what it teaches (the layer that ADD unpacked, ``/data``
  counting 2 after a restart, the file that wins for a device type, a
  deferred update...), so a cell that raises fails nbval. Widget outputs
  are never compared (nbval skips widget-view data, and lax mode compares
  nothing unmarked). The shared sanitize file ``notebooks/sanitize.cfg`` is
  passed all the same, so a cell marked ``# NBVAL_CHECK_OUTPUT`` (or a run
  of strict ``--nbval`` against a saved executed copy) ignores image ids,
  times, sizes, scratch paths, volume names and widget model ids.
- **papermill** runs every notebook again with ``device_type`` injected,
  for one x86 device type and one ARM one (built under QEMU), so no notebook
  works only for its default device type.
- the committed notebooks carry no outputs, a ``parameters`` cell first,
  and the project's kernel.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import docker
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = NOTEBOOKS / "sanitize.cfg"
MASTERCLASS = sorted(p.name for p in NOTEBOOKS.glob("0[1-9]-*.ipynb"))
NBVAL = ["00-ready.ipynb", *MASTERCLASS]
# Different arches, one of them ARM: amd64 (native) and aarch64 (QEMU).
PAPERMILL_DEVICE_TYPES = ("genericx86-64-ext", "raspberrypi4-64")


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


def _projects_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((NOTEBOOKS / "projects").rglob("*")):
        digest.update(str(path.relative_to(NOTEBOOKS)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_the_masterclass_has_seven_notebooks() -> None:
    assert [name[:2] for name in MASTERCLASS] == ["01", "02", "03", "04", "05", "06", "07"]


def test_notebooks_are_committed_without_outputs() -> None:
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
        assert notebook.metadata["kernelspec"]["name"] == "balena-lab", path.name


@pytest.mark.parametrize("name", MASTERCLASS)
def test_notebook_starts_with_a_parameters_cell(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"], name
    for parameter in ("device_type", "arch", "build"):
        assert f"{parameter} = " in code[0].source, (name, parameter)
    assert sum("parameters" in c.metadata.get("tags", []) for c in notebook.cells) == 1


@pytest.mark.docker
def test_ready_notebook_shows_the_checks_and_an_arm_answer(
    docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    notebook = _execute("00-ready.ipynb")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert "docker engine" in _text(code[0])
    assert "balena-lab/debian:bookworm-aarch64" in _text(code[1])
    assert "'aarch64'" in _text(code[2])


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("name", NBVAL)
def test_nbval(name: str, docker_client: docker.DockerClient,
               base_images: dict[str, str]) -> None:
    before = _projects_digest()
    # A child pytest: nbval is a collection plugin for .ipynb files, and the
    # project's own configuration (testpaths, conftest) must not apply to it.
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "/dev/null",
         "--rootdir", str(NOTEBOOKS), "-p", "no:cacheprovider", "-q",
         "--nbval-lax", "--nbval-sanitize-with", str(SANITIZE),
         "--nbval-cell-timeout", "900", str(NOTEBOOKS / name)],
        check=False, cwd=NOTEBOOKS, capture_output=True, text=True, timeout=1800,
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    assert " passed" in completed.stdout and "failed" not in completed.stdout
    assert _projects_digest() == before, "a notebook wrote into notebooks/projects/"


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("device_type", PAPERMILL_DEVICE_TYPES)
@pytest.mark.parametrize("name", MASTERCLASS)
def test_papermill(name: str, device_type: str, tmp_path: Path,
                   docker_client: docker.DockerClient, base_images: dict[str, str]) -> None:
    import papermill

    output = tmp_path / name
    papermill.execute_notebook(
        str(NOTEBOOKS / name), str(output), parameters={"device_type": device_type},
        kernel_name="balena-lab", cwd=str(NOTEBOOKS), progress_bar=False,
        execution_timeout=900,
    )
    executed = nbformat.read(output, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and f'device_type = "{device_type}"' in injected[0].source
    assert not any(o.get("output_type") == "error"
                   for c in executed.cells if c.cell_type == "code" for o in c.outputs)
