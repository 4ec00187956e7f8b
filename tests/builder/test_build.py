"""Real builds on the real engine: the page's examples, ARM under QEMU, failures."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import docker
import pytest

from balena_lab.builder import build as builder
from balena_lab.builder.events import Notice, StepOutput, StepStarted
from balena_lab.engine.containers import run
from balena_lab.errors import BaseImageMissing, BuildStepFailed

from ..files import write_tree as _project


@pytest.fixture
def tags(docker_client: docker.DockerClient):  # type: ignore[no-untyped-def]
    """Tags made by a test, removed afterwards."""
    made: list[str] = []
    yield made
    for tag in made:
        try:
            docker_client.images.remove(tag, force=True)
        except docker.errors.ImageNotFound:
            pass


TEMPLATE = """FROM balena-lab/debian:bookworm-%%BALENA_ARCH%%
# the build runs on the builder; CMD runs on the device
RUN uname -m > /built-on && \\
    echo "built for %%BALENA_MACHINE_NAME%%" > /built-for
CMD ["sh", "-c", "echo running on $(uname -m); cat /built-for"]
"""


@pytest.mark.parametrize(
    ("device_type", "architecture", "variant", "machine"),
    [("intel-nuc", "amd64", None, "x86_64"),
     ("raspberrypi4-64", "arm64", "v8", "aarch64"),
     ("raspberrypi3", "arm", "v7", "armv7l")],
)
def test_template_builds_for_the_device_arch(
    tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient,
    tags: list[str], device_type: str, architecture: str, variant: str | None, machine: str,
) -> None:
    project = _project(tmp_path, {"Dockerfile.template": TEMPLATE})
    result = builder.build(project, device_type, client=docker_client)
    tags.append(result.tag)
    attrs = docker_client.images.get(result.tag).attrs
    assert (attrs["Architecture"], attrs.get("Variant")) == (architecture, variant)
    assert (result.architecture, result.variant) == (architecture, variant)
    assert result.resolution_kind == "template" and result.source == "Dockerfile.template"
    assert result.emulated is (machine != "x86_64")
    built_on = run(result.tag, "cat /built-on", client=docker_client)
    assert built_on.output.strip() == machine  # RUN ran under QEMU for ARM
    on_device = run(result.tag, client=docker_client)  # the CMD
    assert on_device.output.split("\n")[:2] == [f"running on {machine}", f"built for {device_type}"]


def test_steps_point_at_the_template_lines(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {"Dockerfile.template": TEMPLATE})
    events = []
    result = builder.build(project, "raspberrypi3", on_event=events.append)
    tags.append(result.tag)
    started = [e for e in events if isinstance(e, StepStarted)]
    assert [(e.number, e.source.line if e.source else None) for e in started] == [
        (1, 1), (2, 3), (3, 5), (4, None)]  # step 4: balena_lab's labels
    assert started[1].source is not None
    assert "%%BALENA_MACHINE_NAME%%" in started[1].source.text  # the ORIGINAL line
    assert "raspberrypi3" in started[1].instruction  # what the engine ran
    assert any(isinstance(e, Notice) and "QEMU" in e.message for e in events)


def test_a_second_build_comes_from_cache(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {"Dockerfile.template": TEMPLATE})
    first = builder.build(project, "intel-nuc")
    second = builder.build(project, "intel-nuc")
    tags.append(second.tag)
    assert second.image_id == first.image_id
    assert second.cached_steps == len(second.steps) - 1  # all but FROM


def test_failing_run_reports_the_original_template_line(
    tmp_path: Path, base_images: dict[str, str]
) -> None:
    project = _project(tmp_path, {"Dockerfile.template": (
        "FROM balena-lab/debian:bookworm-%%BALENA_ARCH%%\n"
        "RUN echo preparing %%BALENA_MACHINE_NAME%%\n"
        "\n"
        "RUN echo about to fail >&2 && \\\n"
        "    exit 3\n"
        "CMD [\"true\"]\n")})
    with pytest.raises(BuildStepFailed) as caught:
        builder.build(project, "raspberrypi4-64", tag="balena-lab/test-failing:latest")
    error = caught.value
    assert (error.path, error.line, error.exit_code, error.step) == ("Dockerfile.template", 4, 3, 3)
    assert error.source is not None and error.source.startswith("RUN echo about to fail")
    assert "about to fail" in error.log
    assert "Dockerfile.template:4" in str(error)
    client = docker.from_env()
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get("balena-lab/test-failing:latest")  # nothing half-tagged


def _tar_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_add_unpacks_a_local_tar_and_copy_does_not(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {
        "site.tar": _tar_bytes({"index.html": "<h1>hi</h1>", "about.html": "about"}),
        "Dockerfile": ("FROM balena-lab/debian:bookworm-amd64\n"
                       "ADD site.tar /added/\n"
                       "COPY site.tar /copied/\n"
                       "CMD [\"sh\", \"-c\", \"ls /added; echo --; ls /copied\"]\n"),
    })
    result = builder.build(project, "intel-nuc")
    tags.append(result.tag)
    added, copied = run(result.tag).output.split("--\n")
    assert added.split() == ["about.html", "index.html"]
    assert copied.split() == ["site.tar"]


def test_shell_form_uses_a_shell_and_exec_form_does_not(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {"Dockerfile": (
        "FROM balena-lab/debian:bookworm-amd64\n"
        "ENV GREETING=hello\n"
        "RUN echo $GREETING > /shell-form.txt\n"
        "RUN [\"/bin/echo\", \"$GREETING\"]\n"
        "RUN [\"sh\", \"-c\", \"echo $GREETING > /exec-form-with-sh.txt\"]\n"
        "CMD [\"cat\", \"/shell-form.txt\", \"/exec-form-with-sh.txt\"]\n")})
    events: list[object] = []
    result = builder.build(project, "intel-nuc", on_event=events.append, no_cache=True)
    tags.append(result.tag)
    exec_output = [e.line for e in events if isinstance(e, StepOutput) and e.number == 4]
    assert exec_output == ["$GREETING"]  # exec form: no shell, no expansion
    assert run(result.tag).output.split() == ["hello", "hello"]


def test_dockerignore_exclusions_are_not_in_the_image(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {
        ".dockerignore": "*.log\nsecrets/\n",
        ".git/config": "[core]", "app.py": "print()", "debug.log": "x", "secrets/key": "k",
        "Dockerfile": "FROM balena-lab/debian:bookworm-amd64\nCOPY . /app\nCMD [\"ls\", \"-A\", \"/app\"]\n",
    })
    result = builder.build(project, "intel-nuc")
    tags.append(result.tag)
    assert run(result.tag).output.split() == [".dockerignore", "Dockerfile", "app.py"]


def test_a_missing_base_image_is_named_with_the_local_offers(
    tmp_path: Path, base_images: dict[str, str]
) -> None:
    project = _project(tmp_path, {"Dockerfile": "FROM debian:trixie\nCMD [\"true\"]\n"})
    with pytest.raises(BaseImageMissing) as caught:
        builder.build(project, "raspberrypi4-64")
    assert caught.value.image == "debian:trixie"
    assert "balena-lab/debian:bookworm-aarch64" in caught.value.stand_ins
    assert "--stand-ins" in str(caught.value)


def test_stand_ins_only_when_asked_and_always_reported(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {"Dockerfile": "FROM debian:trixie\nCMD [\"uname\", \"-m\"]\n"})
    events: list[object] = []
    result = builder.build(project, "raspberrypi4-64", stand_ins=True, on_event=events.append)
    tags.append(result.tag)
    assert [(s.upstream, s.local) for s in result.stand_ins] == [
        ("debian:trixie", "balena-lab/debian:bookworm-aarch64")]
    assert any(isinstance(e, Notice) and "stand-in" in e.message for e in events)
    assert "stand-in" in str(result)
    assert run(result.tag).output.strip() == "aarch64"


def test_a_base_of_another_platform_builds_as_balena_builds_it_with_a_warning(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    """The page's arch-specific image in the wrong fleet: ``FROM balenalib/aarch64-debian``
    built for a Raspberry Pi 3 fleet gives an arm64 image, which its CPU refuses."""
    from balena_lab.catalog.arches import get_arch
    from balena_lab.engine.devicecpu import run_as_device

    project = _project(tmp_path, {"Dockerfile": 'FROM balenalib/aarch64-debian\n'
                                                'CMD ["uname", "-m"]\n'})
    events: list[object] = []
    result = builder.build(project, "raspberrypi3", stand_ins=True, on_event=events.append)
    tags.append(result.tag)
    assert (result.arch, result.platform) == ("armv7hf", "arm64/v8")
    assert [s.local for s in result.stand_ins] == [base_images["aarch64"]]
    warning, = result.warnings
    assert "line 1: FROM balenalib/aarch64-debian (stood in by" in warning
    assert "an image for arm64/v8, but this build is for armv7hf" in warning
    assert any(isinstance(e, Notice) and e.message == warning for e in events)
    assert ("warning", warning) in result.rows() and warning in str(result)
    assert run_as_device(result.tag, get_arch("armv7hf")).outcome == "refused"
    on_a_pi4 = run_as_device(result.tag, get_arch("aarch64")).result
    assert on_a_pi4 is not None and on_a_pi4.output.strip() == "aarch64"


def test_nodejs_project_builds_and_starts_with_npm_start(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {
        "package.json": '{"name": "hello", "version": "1.0.0", "engines": {"node": "0.10.22"},'
                        ' "scripts": {"start": "node server.js"}}',
        "server.js": 'console.log("node says hi on " + process.arch)\n',
    })
    result = builder.build(project, "intel-nuc", stand_ins=True)
    tags.append(result.tag)
    assert result.resolution_kind == "nodejs"
    assert result.stand_ins[0].local == "balena-lab/node:bookworm-amd64-onbuild"
    output = run(result.tag).output
    assert "> node server.js" in output and "node says hi on x64" in output


def test_stand_ins_can_be_configured_for_a_machine(
    tmp_path: Path, base_images: dict[str, str], tags: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path, {"Dockerfile": "FROM debian:bookworm\n"})
    monkeypatch.setenv("BALENA_LAB_STAND_INS", "1")
    result = builder.build(project, "intel-nuc")
    tags.append(result.tag)
    assert result.stand_ins[0].local == "balena-lab/debian:bookworm-amd64"


def test_an_invalid_from_name_is_a_clear_error(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    project = _project(tmp_path, {"Dockerfile": "FROM Debian:bookworm\n"})
    with pytest.raises(BaseImageMissing, match="Dockerfile:1: FROM Debian:bookworm"):
        builder.build(project, "intel-nuc")


def test_labels_survive_a_trailing_continuation(
    tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient,
    tags: list[str],
) -> None:
    # A last line ending in "\" would swallow an appended LABEL line.
    project = _project(tmp_path, {"Dockerfile": "FROM balena-lab/debian:bookworm-amd64\nRUN echo hi \\\n"})
    result = builder.build(project, "intel-nuc")
    tags.append(result.tag)
    labels = docker_client.images.get(result.tag).attrs["Config"]["Labels"]
    assert labels["io.balena-lab.kind"] == "build"
    assert labels["io.balena-lab.device-type"] == "intel-nuc"


def test_the_engine_refuses_a_copy_into_a_base_of_another_platform(
    tmp_path: Path, base_images: dict[str, str]
) -> None:
    """What Docker 20.10 itself does: RUN on an arm64 base in an arm/v7 build works, COPY
    into it is refused; the refusal is the engine's, explained."""
    project = _project(tmp_path, {"Dockerfile": "FROM balenalib/raspberrypi4-64-debian\n"
                                                "RUN uname -m\nCOPY app.txt /app.txt\n",
                                  "app.txt": "hello\n"})
    with pytest.raises(BuildStepFailed) as caught:
        builder.build(project, "raspberrypi3", stand_ins=True)
    assert caught.value.line == 3 and caught.value.instruction.startswith("COPY")
    assert "does not match the specified platform" in caught.value.message
    assert "refuses to COPY or ADD into it" in (caught.value.fix or "")


def test_an_armv7_base_for_an_armv6_device_is_built_with_a_warning(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {"Dockerfile": "FROM balena-lab/debian:bookworm-armv7hf\n"})
    result = builder.build(project, "raspberry-pi")
    tags.append(result.tag)
    assert result.platform == "arm/v7"
    assert "an image for arm/v7, but this build is for rpi" in result.warnings[0]


def test_a_template_with_an_arg_in_from_builds_with_stand_ins(
    tmp_path: Path, base_images: dict[str, str], tags: list[str]
) -> None:
    project = _project(tmp_path, {"Dockerfile.template": (
        "ARG ARCH=%%BALENA_ARCH%%\nFROM balenalib/${ARCH}-debian\nCMD [\"uname\", \"-m\"]\n")})
    result = builder.build(project, "raspberrypi3", stand_ins=True)
    tags.append(result.tag)
    assert result.stand_ins[0].upstream == "balenalib/armv7hf-debian"
    assert run(result.tag).output.strip() == "armv7l"
