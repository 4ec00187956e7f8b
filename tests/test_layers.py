"""The layer contract of ``pyproject.toml`` holds, and it would catch a broken layer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# In CI (CI set, as .ci/run sets it) a missing import-linter fails the contract tests.
pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists() and os.environ.get("CI") is None,
                                reason="import-linter is not installed")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
                          check=False)


def test_every_contract_is_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module,line,contract", [
    ("catalog/arches.py", "import docker", "never import the engine's"),
    ("resolution/templates.py", "from ..builder import events", "Layers"),
    ("builder/log.py", "from . import build", "No import cycles"),
])
def test_a_broken_layer_is_caught(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copytree(ROOT / "balena_lab", tmp_path / "balena_lab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "balena_lab" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    broken = result.stdout[result.stdout.index("Broken contracts"):]
    assert contract in broken, broken
