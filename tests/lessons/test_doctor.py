"""``balena-lab doctor`` on the real machine, with and without an engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import docker
import pytest

from balena_lab.lessons import doctor
from tests.conftest import REQUIRE_DOCKER


def _doctor_json(**env: str) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "balena_lab", "doctor", "--json"],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=120, check=False,
    )
    return result.returncode, json.loads(result.stdout)


def _by_name(report: dict) -> dict[str, dict]:
    return {check["name"]: check for check in report["checks"]}


def test_doctor_reports_the_engine(docker_client: docker.DockerClient) -> None:
    report = doctor.run_checks()
    engine = {c.name: c for c in report.checks}["docker engine"]
    assert engine.status == "ok"
    assert docker_client.version()["Version"] in engine.detail
    builder = {c.name: c for c in report.checks}["builder"]
    assert "classic" in builder.detail


def test_doctor_without_an_engine_says_what_to_run(tmp_path: os.PathLike[str]) -> None:
    code, report = _doctor_json(DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
    assert code == 1
    assert report["ok"] is False
    engine = _by_name(report)["docker engine"]
    assert engine["status"] == "fail"
    assert "no-engine.sock" in engine["detail"]
    assert "engine-up" in engine["fix"]
    # The checks that need the engine say so instead of crashing.
    assert _by_name(report)["base image amd64"]["status"] == "skip"


def test_doctor_text_output_lists_fixes(tmp_path: os.PathLike[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "balena_lab", "doctor"], capture_output=True, text=True, check=False,
        env={**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/none.sock"}, timeout=120,
    )
    assert result.returncode == 1
    assert "To fix:" in result.stdout
    assert "docker engine: sudo bash scripts/engine-up" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.skipif(not REQUIRE_DOCKER, reason="only a machine set up by .ci/run / make test has everything")
def test_doctor_passes_on_a_prepared_machine() -> None:
    code, report = _doctor_json()
    failing = [c for c in report["checks"] if c["status"] not in ("ok",) and c["required"]]
    assert failing == [] and code == 0
