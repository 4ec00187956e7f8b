"""Shared fixtures.

``docker_client`` is the gate for every test that needs the real engine: it
skips when no engine answers, except under ``BALENA_LAB_REQUIRE_DOCKER=1``
(set by CI), where the very same condition fails the test instead.

The ``docker`` mark follows from it: a test is marked ``docker`` exactly when
it asks for ``docker_client`` (directly, or through ``base_images`` or another
fixture), so ``pytest -m "not docker"`` runs every test that needs no engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

REQUIRE_DOCKER = os.environ.get("BALENA_LAB_REQUIRE_DOCKER") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "docker_client" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.docker)


def _missing(reason: str) -> None:
    if REQUIRE_DOCKER:
        pytest.fail(f"BALENA_LAB_REQUIRE_DOCKER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:  # type: ignore[name-defined]  # noqa: F821
    from balena_lab.engine.client import connect
    from balena_lab.errors import EngineUnreachable

    try:
        client = connect()
    except EngineUnreachable as error:
        _missing(f"no Docker engine: {error.message}")
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_images(docker_client: docker.DockerClient) -> dict[str, str]:  # type: ignore[name-defined]  # noqa: F821
    """The default arches' base images, made for real if missing: arch -> tag.

    ``make test`` bootstraps them before pytest starts, so here this is
    normally the idempotent path; on a machine where they cannot be made
    (not root, no debootstrap) the same rule as for the engine applies.
    """
    from balena_lab.engine import baseimages, rootfs
    from balena_lab.errors import BootstrapError

    try:
        outcomes = baseimages.bootstrap(docker_client, rootfs.DEFAULT_ARCHES)
    except BootstrapError as error:
        _missing(f"base images cannot be made: {error}")
    return {outcome.arch: outcome.tag for outcome in outcomes}
