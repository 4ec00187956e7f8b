"""The device view against the real engine: a click applies the release, the tables show
the containers before and after, the log shows the update's events."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from balena_lab.supervisor.release import down
from balena_lab.widgets import DeviceView

from ..files import write_tree

pytestmark = pytest.mark.docker


def test_a_click_applies_the_release_and_shows_before_and_after(
    tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient,
) -> None:
    project = write_tree(tmp_path / "view-test", {
        "Dockerfile": f'FROM {base_images["amd64"]}\n'
                      'CMD ["/bin/sh", "-c", "trap \'exit 0\' TERM; while :; do sleep 1; done"]\n'})
    locks = tmp_path / "locks"
    try:
        view = DeviceView(project, "intel-nuc", locks=locks)
        assert "nothing runs" in view.after.value
        view.button.click()
        assert view.error is None
        assert "nothing runs" in view.before.value and "main_1_1_" in view.after.value
        assert "release 1 applied" in view.events_html.value
        assert "ask with --privileged" in view.events_html.value  # the device would, here it does not
        assert not view.button.disabled
        second = view.up()
        assert second is not None and "main_1_1_" in view.before.value
    finally:
        down(project, locks=locks, client=docker_client)
    assert not view.refresh().services and "nothing runs" in view.after.value


def test_an_error_is_shown_as_an_error(tmp_path: Path, docker_client: docker.DockerClient,
                                       ) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    view = DeviceView(empty, "intel-nuc", locks=tmp_path / "locks")
    assert view.up() is None
    assert view.error is not None and "balena-lab-error" in view.events_html.value
    assert not view.button.disabled
