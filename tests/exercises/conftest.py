"""Fixtures of the exercise tests: a grading-run label whose images are removed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import docker
import pytest

from balena_lab.exercises.context import GRADING_RUN_LABEL
from balena_lab.exercises.grading import remove_images


@pytest.fixture(scope="module")
def run_label(docker_client: docker.DockerClient) -> Iterator[dict[str, str]]:
    """Labels for images built by a test module; every such image is removed at its end."""
    run_id = f"pytest-{uuid.uuid4().hex[:8]}"
    yield {GRADING_RUN_LABEL: run_id}
    remove_images(run_id, docker_client)
    assert not docker_client.images.list(filters={"label": f"{GRADING_RUN_LABEL}={run_id}"})
