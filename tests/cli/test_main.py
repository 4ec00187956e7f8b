"""The ``balena-lab`` command itself: entry points, version, help."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from balena_lab import __version__
from balena_lab.cli import main


def test_version_through_python_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "balena_lab", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"balena-lab {__version__}"


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("balena-lab")
    assert script.exists() or shutil.which("balena-lab")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == f"balena-lab {__version__}"


def test_no_command_prints_help_and_fails(capsys: object) -> None:
    assert main([]) == 2


def test_unknown_arch_is_a_clean_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "balena_lab", "images", "bootstrap", "--arch", "armv9"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert "Traceback" not in result.stderr
