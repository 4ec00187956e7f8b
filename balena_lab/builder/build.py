"""Real builds, through the Docker SDK, for a device type's arch.

``iter_build`` resolves the project as balena would
(:mod:`balena_lab.resolution`), checks its base images (:mod:`.base_check`),
packs the build context (:mod:`balena_lab.context.archive`), and builds on
the local engine for the arch's platform, yielding :mod:`events <.events>`
as it goes; ``build`` runs it to the end and returns the
:class:`~balena_lab.builder.events.BuildResult`.

Guarantees:

- an ARM device gets an ARM image: the platform is passed to the engine,
  QEMU's binfmt handler is checked first, and the built image's recorded
  architecture is checked after; a mismatch removes the image and fails;
- except where the ``FROM`` image is of another platform: the engine decides,
  as it does for balena's builder.  Docker 20.10 runs ``RUN`` steps on it and
  gives an image of the base's platform (``FROM balenalib/aarch64-debian`` in
  an ``armv7hf`` fleet gives an ``arm64`` image), but refuses ``COPY`` and
  ``ADD`` into it ("does not match the specified platform").  The build warns
  of the base's platform in the log and the result, and a refused step says why;
- a ``FROM`` image that is neither present nor pullable is named, with the
  local stand-ins on offer; stand-ins replace upstream names only when asked
  (``stand_ins=True``), and each replacement is reported;
- a failing step raises :class:`~balena_lab.errors.BuildStepFailed` with the
  exit code, the last lines it printed and the line of the ORIGINAL file
  (the template, not the substituted text); the classic builder tags only on
  success, so no half-tagged image is left behind.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import docker
import docker.errors

from ..catalog.arches import Arch, get_arch
from ..catalog.devicetypes import get_device_type
from ..context import archive
from ..dockerfile import parse as parse_dockerfile
from ..engine import names, standins
from ..engine.client import connect, engine_transport
from ..engine.emulation import require_emulation
from ..errors import BuildError, BuildStepFailed
from ..resolution.resolver import Resolution, resolve
from .base_check import apply_stand_ins, check_base_images
from .events import (
    BuildEvent,
    BuildFinished,
    BuildResult,
    ContextReady,
    Notice,
    SourceLine,
    StandIn,
    StepOutput,
)
from .log import BuildLogReader

# Docker 20.10's classic builder runs RUN steps on a base image of another platform,
# but refuses COPY and ADD into it with this error (tests/builder/test_build.py).
FOREIGN_BASE_REFUSAL = "does not match the specified platform"
FOREIGN_BASE_FIX = ("the FROM image is of another platform than the build's (see the warning "
                    "above): Docker's classic builder refuses to COPY or ADD into it. Use a base "
                    "image of the fleet's arch, e.g. balenalib/%%BALENA_ARCH%%-debian in a "
                    "Dockerfile.template, or a multi-platform one such as debian:trixie")

#: Set to 1 to use local stand-ins for upstream FROM images without asking each time.
STAND_INS_ENV = "BALENA_LAB_STAND_INS"


def build_labels(resolution: Resolution, service: str) -> dict[str, str]:
    return names.owned({
        names.KIND_LABEL: names.BUILD_KIND,
        f"{names.LABEL}.service": service,
        # balena_lab's own naming: the canonical slug, as in the image tag (an alias and its
        # slug build the same image); the resolution itself keeps the name as given.
        f"{names.LABEL}.device-type": get_device_type(resolution.device_type).slug,
        f"{names.LABEL}.arch": resolution.arch,
        f"{names.LABEL}.resolved-kind": resolution.kind,
        f"{names.LABEL}.source": resolution.source,
    })


def with_labels(dockerfile: str, labels: Mapping[str, str]) -> str | None:
    """The Dockerfile with one LABEL instruction appended, or None when that is unsafe.

    The classic builder turns each ``labels=`` entry of the API into a step of
    its own; one appended instruction costs one step for all of them.  Lines
    above are unchanged, so step-to-source mapping still holds.  When the last
    instruction continues past the end of the file, an appended line would join
    it, so the caller must pass the labels through the API instead.
    """
    parsed = parse_dockerfile(dockerfile)
    if parsed.instructions and parsed.instructions[-1].continues_past_eof:
        return None

    def quote(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    pairs = " ".join(f"{quote(k)}={quote(v)}" for k, v in labels.items())
    return dockerfile + ("" if dockerfile.endswith("\n") else "\n") + f"LABEL {pairs}\n"


def _sources(resolution: Resolution, dockerfile: str) -> list[SourceLine | None]:
    """Step n -> where its instruction stands in the file the learner wrote."""
    parsed = parse_dockerfile(dockerfile, path=resolution.dockerfile_name)
    if resolution.kind == "nodejs":
        origin, original = f"{resolution.source} (generated Dockerfile)", dockerfile.split("\n")
    else:
        origin = resolution.source
        original = (Path(resolution.project_dir) / resolution.source).read_text(
            encoding="utf-8", errors="replace").split("\n")
    return [
        SourceLine(origin, ins.start_line, ins.end_line,
                   "\n".join(original[ins.start_line - 1: ins.end_line]).rstrip())
        for ins in parsed.instructions
    ]


def iter_build(
    project_dir: str | Path,
    device_type: str,
    arch: str | None = None,
    *,
    dockerfile: str | None = None,
    variables: Mapping[str, str] | None = None,
    build_args: Mapping[str, str] | None = None,
    tag: str | None = None,
    no_cache: bool = False,
    stand_ins: bool | None = None,
    service: str = "main",
    labels: Mapping[str, str] | None = None,
    client: docker.DockerClient | None = None,
    resolution: Resolution | None = None,
) -> Iterator[BuildEvent]:
    """Build ``project_dir`` for ``device_type`` and yield events; the last is BuildFinished.

    ``stand_ins`` None follows the environment: ``BALENA_LAB_STAND_INS=1`` turns them on
    for a whole classroom machine.
    """
    started = time.monotonic()
    if stand_ins is None:
        stand_ins = os.environ.get(STAND_INS_ENV) == "1"
    if resolution is None:
        resolution = resolve(project_dir, device_type, arch, dockerfile, variables,
                             service_name=service)
    target = get_arch(resolution.arch)
    client = client or connect()
    # A connection lost anywhere (the build's log stream, the image read after it) is
    # EngineUnreachable with the fix, never a urllib3 traceback.
    with engine_transport("went away during the build"):
        yield from _build(client, resolution, target, started, stand_ins=stand_ins,
                          build_args=build_args, labels=labels, tag=tag, no_cache=no_cache,
                          service=service)


def _build(client: docker.DockerClient, resolution: Resolution, target: Arch, started: float,
           *, stand_ins: bool, build_args: Mapping[str, str] | None,
           labels: Mapping[str, str] | None, tag: str | None, no_cache: bool,
           service: str) -> Iterator[BuildEvent]:
    require_emulation(target)
    if target.emulated:
        yield Notice(service, f"{target.name} steps run under QEMU emulation ({target.docker_platform})")

    text = resolution.dockerfile
    replaced: list[StandIn] = []
    if stand_ins:
        text, replaced = apply_stand_ins(text, target, path=resolution.source,
                                         build_args=build_args)
        for item in replaced:
            yield Notice(service, f"line {item.line}: FROM {item.upstream} replaced by the local "
                                  f"stand-in {item.local} (asked for)")
            own = standins.named_arch(item.upstream) or target  # aarch64-debian: aarch64
            for line in standins.ensure(client, item.local, own):
                yield StepOutput(service, 0, line)
    upstream = {item.line: item.upstream for item in replaced}
    warnings = tuple(
        foreign.message(target, upstream.get(foreign.line))
        for foreign in check_base_images(client, text, target, resolution.source, build_args))
    for warning in warnings:
        yield Notice(service, warning)

    all_labels = {**build_labels(resolution, service), **(labels or {})}
    sent_text = with_labels(text, all_labels)
    tar, summary = archive.create(
        resolution.project_dir, dockerfile_name=resolution.dockerfile_name,
        dockerfile_text=sent_text if sent_text is not None else text)
    yield ContextReady(service, summary)

    tag = tag or names.image_tag(resolution.project_dir, resolution.device_type,
                                 resolution.arch, service=service)
    reader = BuildLogReader(service, _sources(resolution, text))
    try:
        with tar:
            stream = client.api.build(
                fileobj=tar, custom_context=True, dockerfile=resolution.dockerfile_name,
                tag=tag, platform=target.docker_platform,
                labels=all_labels if sent_text is None else None,
                buildargs=dict(build_args or {}), nocache=no_cache, rm=True, forcerm=True,
                decode=True, pull=False,
            )
            for chunk in stream:
                yield from reader.feed(chunk)
                if reader.error is not None:
                    break
            yield from reader.close()
    except docker.errors.APIError as error:
        raise BuildError(f"the engine refused the build: {error.explanation}",
                         log=tuple(reader.log[-15:])) from None

    if reader.error is not None:
        _raise_failure(reader, resolution)
    image = client.images.get(reader.image_id or tag)
    attrs = image.attrs
    if not warnings and not target.runs_image(attrs.get("Architecture"), attrs.get("Variant")):
        # Every base was of the arch, yet the image is not: the engine ignored the platform.
        client.images.remove(image.id, force=True)
        raise BuildError(
            f"the engine built a {attrs.get('Architecture')}/{attrs.get('Variant')} image for a "
            f"{target.name} device; "
            "it was removed, since it would not run there",
            log=tuple(reader.log[-15:]),
        )
    result = BuildResult(
        service=service, image_id=image.id, tag=tag, device_type=resolution.device_type,
        arch=target.name, architecture=str(attrs.get("Architecture")),
        variant=attrs.get("Variant"), size=int(attrs.get("Size", 0)),
        layers=len(attrs.get("RootFS", {}).get("Layers", [])),
        seconds=time.monotonic() - started, emulated=target.emulated,
        resolution_kind=resolution.kind, source=resolution.source, dockerfile=text,
        steps=tuple(reader.steps), stand_ins=tuple(replaced), warnings=warnings,
        context_files=summary.file_count, context_size=summary.total_size,
    )
    yield BuildFinished(service, result)


def _raise_failure(reader: BuildLogReader, resolution: Resolution) -> None:
    assert reader.error is not None
    message = str(reader.error.get("message", "")).strip()
    step = reader.step
    if step is None:
        raise BuildError(f"the build failed before its first step: {message}",
                         log=tuple(reader.log[-15:]))
    source = reader.source(step.number)
    where = f"{source.path}:{source.line}" if source else f"step {step.number}"
    output = reader.failed_step_output()
    code = reader.exit_code()
    detail = f"exit code {code}" if code is not None else message
    shown = "\n    ".join(output) if output else "(no output)"
    headline = (f"{where}: step {step.number}/{step.total} failed ({detail})\n"
                f"  {source.text if source else step.instruction}")
    raise BuildStepFailed(
        f"{headline}\n  last output:\n    {shown}", headline=headline,
        step=step.number, instruction=step.instruction,
        path=source.path if source else None, line=source.line if source else None,
        source=source.text if source else None, exit_code=code, log=output,
        fix=FOREIGN_BASE_FIX if FOREIGN_BASE_REFUSAL in message else None,
    )


def build(
    project_dir: str | Path,
    device_type: str,
    arch: str | None = None,
    *,
    on_event: Callable[[BuildEvent], None] | None = None,
    **options: object,
) -> BuildResult:
    """Build and return the result; ``on_event`` sees every event as it happens.

    Takes the same options as :func:`iter_build`.
    """
    result: BuildResult | None = None
    for event in iter_build(project_dir, device_type, arch, **options):  # type: ignore[arg-type]
        if on_event:
            on_event(event)
        if isinstance(event, BuildFinished):
            result = event.result
    assert result is not None
    return result
