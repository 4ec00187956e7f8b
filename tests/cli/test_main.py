"""The ``balena-lab`` command itself: entry points, version, help."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


HEAVY = ("docker", "requests", "jsonschema", "papermill", "nbclient", "nbformat", "ipywidgets")
PROJECT = Path(__file__).resolve().parents[2] / "notebooks" / "projects" / "template-arch"
LIGHT_COMMANDS = [
    ["--version"],
    ["lint", str(PROJECT / "Dockerfile.template")],
    ["explain", str(PROJECT / "Dockerfile.template")],
    ["resolve", str(PROJECT), "--device-type", "raspberrypi4-64", "--json"],
    ["resolve", str(PROJECT), "--matrix"],
    ["compose", str(PROJECT)],
    ["exercise", "list"],
    ["build", "--help"],
    ["images", "--help"],
    ["grade", "--help"],
    ["up", "--help"],
    ["down", "--help"],
]


@pytest.mark.parametrize("argv", LIGHT_COMMANDS, ids=lambda argv: " ".join(argv[:2]))
def test_a_command_imports_only_what_it_needs(argv: list[str]) -> None:
    """The lazy CLI: no Docker SDK, papermill, jsonschema, nbformat or widgets for commands
    that do not use them (whole processes, as a person types them)."""
    code = ("import sys, contextlib, io\nfrom balena_lab.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    try:\n        main({argv!r})\n    except SystemExit:\n        pass\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", (argv, result.stdout)
