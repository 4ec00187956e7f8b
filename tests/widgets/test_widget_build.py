"""The build panel against the real engine: progress, log, result table, container output."""

from __future__ import annotations

from pathlib import Path

import docker

from balena_lab.engine.names import namespace
from balena_lab.widgets import BuildPanel, DeviceTypePicker, link


def _project(tmp_path: Path, run_line: str = "RUN echo built-here > /built") -> Path:
    project = tmp_path / "panel-test"
    project.mkdir(parents=True)
    (project / "Dockerfile.template").write_text(
        "FROM balenalib/%%BALENA_ARCH%%-debian\n"
        f"{run_line}\n"
        'CMD ["/bin/sh", "-c", "cat /built; echo arch %%BALENA_ARCH%%"]\n')
    return project


def test_the_tag_follows_the_device_type_and_arch_until_the_build(tmp_path: Path) -> None:
    picker = DeviceTypePicker("raspberrypi3")
    panel = BuildPanel(_project(tmp_path), "raspberrypi3", name="p")
    link(picker, panel)
    assert panel.image_tag() == f"balena-lab/{namespace()}/p:raspberrypi3"
    picker.value = "genericx86-64-ext"
    assert panel.image_tag() == f"balena-lab/{namespace()}/p:genericx86-64-ext"
    panel.arch = "i386"  # not the device type's own arch: named in the tag
    assert panel.image_tag() == f"balena-lab/{namespace()}/p:genericx86-64-ext-i386"
    assert "(i386)" in panel.status.value
    panel.arch = "amd64"
    assert panel.image_tag() == f"balena-lab/{namespace()}/p:genericx86-64-ext"
    default = BuildPanel(_project(tmp_path / "other"), "raspberrypi4-64", arch="armv7hf")
    assert default.image_tag() == f"balena-lab/{namespace()}/panel-test:raspberrypi4-64-armv7hf"
    fixed = BuildPanel(_project(tmp_path / "fixed"), "raspberrypi3", tag="x/y:z")
    fixed.device_type = "genericx86-64-ext"
    assert fixed.image_tag() == "x/y:z"


def test_build_fills_progress_log_result_and_output(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    picker = DeviceTypePicker("raspberrypi3")
    panel = BuildPanel(_project(tmp_path), "raspberrypi3", stand_ins=True,
                       tag="balena-lab/widget-panel-test:latest")
    link(picker, panel)
    picker.value = "genericx86-64-ext"
    assert "genericx86-64-ext" in panel.status.value
    try:
        result = panel.build()
        assert result is not None, panel.error
        assert result.arch == "amd64"
        assert panel.progress.value == panel.progress.max >= 3
        assert panel.progress.bar_style == "success"
        assert "stand-in" in panel.log_view.value
        # The log shows each step in the one text form of build events (as the CLI prints).
        for step in result.steps:
            where = f"{step.source.path}:{step.source.line}" if step.source else "added by"
            assert f"Step {step.number}/{step.total}  {where}" in panel.log_view.value
        assert "balena-lab/widget-panel-test:latest" in panel.summary.value
        for row in ("size", "layers", "time", "platform"):
            assert row in panel.summary.value
        assert "built-here" in panel.output.value and "arch amd64" in panel.output.value
        assert panel.run_result.ok and not panel.button.disabled
    finally:
        docker_client.images.remove("balena-lab/widget-panel-test:latest", force=True)


def test_a_panel_linked_to_a_picker_builds_and_tags_for_the_picked_device_type(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    picker = DeviceTypePicker("raspberrypi4-64")
    panel = BuildPanel(_project(tmp_path), "raspberrypi4-64", stand_ins=True, run_after=False,
                       name="widget-panel-follow")
    link(picker, panel)
    picker.value = "genericx86-64-ext"
    try:
        result = panel.build()
        assert result is not None, panel.error
        assert (result.device_type, result.arch) == ("genericx86-64-ext", "amd64")
        assert result.tag == f"balena-lab/{namespace()}/widget-panel-follow:genericx86-64-ext"
        image = docker_client.images.get(result.tag)
        assert image.attrs["Architecture"] == "amd64"
    finally:
        docker_client.images.remove(f"balena-lab/{namespace()}/widget-panel-follow:genericx86-64-ext",
                                    force=True)


def test_a_failing_step_is_shown_not_raised(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    panel = BuildPanel(_project(tmp_path, "RUN exit 3"), "genericx86-64-ext", stand_ins=True,
                       tag="balena-lab/widget-panel-fail:latest")
    assert panel.build() is None
    assert panel.error is not None and panel.progress.bar_style == "danger"
    assert "exit code 3" in panel.summary.value
    assert panel.output.value == "" and not panel.button.disabled
    # The error is preformatted, keeps its lines, and does not repeat the log under it.
    summary = panel.summary.value
    assert "<pre" in summary and "exit code 3)\n  RUN exit 3" in summary
    assert "last output" not in summary and "in the log above" in summary
    assert "Step 2/" in panel.log_view.value  # the log has the step itself


def test_the_toolkits_own_step_is_marked_and_the_log_scrolls_and_resets(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    panel = BuildPanel(_project(tmp_path), "genericx86-64-ext", stand_ins=True,
                       run_after=False, tag="balena-lab/widget-panel-own:latest")
    try:
        result = panel.build()
        assert result is not None, panel.error
        (own,) = [s for s in result.steps if s.source is None]
        log = panel.log_view.value
        marked = [line for line in log.split("\n") if "balena-lab-own-step" in line]
        assert any(f"Step {own.number}/" in line and "added by balena-lab" in line
                   for line in marked), marked
        assert not any("Dockerfile.template:" in line for line in marked)  # learner's steps are not
        assert "max-height" in log and "overflow:auto" in log
        panel.device_type = "raspberrypi3"  # another target: the old log goes
        assert panel.log_view.value == panel.summary.value == ""
        assert panel.progress.value == 0 and "raspberrypi3" in panel.status.value
    finally:
        docker_client.images.remove("balena-lab/widget-panel-own:latest", force=True)
