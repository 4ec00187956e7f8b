"""Client for ``resolve.js``: packs project folders and asks balena's own resolver.

One Node.js process serves many jobs (one JSON line each way), so a whole
pytest session or benchmark pays Node's start-up once.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / ".cache" / "oracle" / "node_modules"
SCRIPT = Path(__file__).with_name("resolve.js")
REQUIRE_ORACLE = os.environ.get("BALENA_LAB_REQUIRE_ORACLE") == "1"

# balena's resolver names -> balena_lab's kinds
KIND_OF_RESOLVER = {
    "Architecture-specific Dockerfile": "arch-specific",
    "Dockerfile.template": "template",
    "Standard Dockerfile": "dockerfile",
    "NodeJS": "nodejs",
}


def missing_reason() -> str | None:
    """Why the oracle cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (NODE_MODULES / "@balena" / "compose" / "package.json").is_file():
        return "@balena/compose is not installed: run scripts/install-oracle.sh"
    return None


def compose_parser_missing_reason() -> str | None:
    """Why balena's compose parser cannot run here (scripts/install-oracle.sh), or None."""
    reason = missing_reason()
    binary = NODE_MODULES / "@balena" / "compose-parser" / "bin" / "balena-compose-parser"
    if reason is None and not binary.is_file():
        reason = "@balena/compose-parser has no binary: run scripts/install-oracle.sh"
    return reason


def pack(project: Path) -> bytes:
    """A tar of the project's files, as balena CLI sends a service directory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(project.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(project).as_posix(), recursive=False)
    return buffer.getvalue()


class Oracle:
    """A running ``resolve.js``; call :meth:`resolve` per project, :meth:`close` at the end."""

    def __init__(self) -> None:
        env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
        self._process = subprocess.Popen(
            ["node", str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=env, text=True, encoding="utf-8", bufsize=1,
        )

    def resolve(
        self,
        tar_path: Path,
        device_type: str,
        arch: str,
        *,
        dockerfile: str | None = None,
        variables: Mapping[str, str] | None = None,
        node_versions: list[str] | None = None,
        repeat: int = 0,
    ) -> dict[str, Any]:
        job: dict[str, Any] = {"tar": str(tar_path), "deviceType": device_type, "arch": arch,
                               "vars": dict(variables or {}), "repeat": repeat,
                               "nodeVersions": node_versions or []}
        if dockerfile is not None:
            job["dockerfile"] = dockerfile
        result = self._ask(job)
        result["kind"] = KIND_OF_RESOLVER.get(result["resolver"] or "")
        return result

    def resolve_many(self, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Many resolutions in one round trip; each job as :meth:`job` makes it."""
        results: list[dict[str, Any]] = self._ask(jobs)  # type: ignore[arg-type]
        for result in results:
            if "crash" in result:
                raise RuntimeError(f"the oracle crashed: {result['crash']}")
            result["kind"] = KIND_OF_RESOLVER.get(result["resolver"] or "")
        return results

    @staticmethod
    def job(tar: bytes, device_type: str, arch: str, *, dockerfile: str | None = None,
            variables: Mapping[str, str] | None = None,
            node_versions: list[str] | None = None) -> dict[str, Any]:
        """One resolve job for :meth:`resolve_many`, the tar sent inline."""
        job = {"tarBase64": base64.b64encode(tar).decode("ascii"), "deviceType": device_type,
               "arch": arch, "vars": dict(variables or {}), "nodeVersions": node_versions or []}
        if dockerfile is not None:  # undefined, not null: the resolvers default on undefined
            job["dockerfile"] = dockerfile
        return job

    def parse_compose_many(self, paths: list[Path]) -> list[dict[str, Any]]:
        """``@balena/compose-parser`` ``parse()`` of each compose file, in one round trip."""
        results: list[dict[str, Any]] = self._ask(  # type: ignore[arg-type]
            [{"compose": str(path)} for path in paths])
        return results

    def process_template(self, template: str, variables: Mapping[str, str]) -> dict[str, Any]:
        """Only balena's template step (``lib/dockerfile`` ``process()``) on ``template``."""
        return self._ask({"template": template, "vars": dict(variables)})

    def _ask(self, job: dict[str, Any] | list[dict[str, Any]]) -> dict[str, Any]:
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(json.dumps(job) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the oracle process died")
        result: dict[str, Any] = json.loads(line)
        if isinstance(result, dict) and "crash" in result:
            raise RuntimeError(f"the oracle crashed: {result['crash']}")
        return result

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=30)
