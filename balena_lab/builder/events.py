"""What a build reports while it runs, and what it leaves: small frozen values.

A build is a stream of events, every one tagged with its service::

    Notice            something the learner must know (a stand-in image, emulation)
    ContextReady      the build context: files, size, exclusions
    StepStarted       step n of m: the instruction and its ORIGINAL source line
    StepOutput        one line the step printed
    StepFinished      cache hit or not, duration, the layer made
    BuildFinished     the result (image, size, layers, arch, time)
    ReleaseFinished   every service of a multi-service release, built

Each event's ``str()`` is its one text form, the line (or lines) the CLI
prints, the build widget logs and a notebook shows; an event of a service
other than ``main`` starts every line with ``[service] ``.  Nothing here
talks to Docker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from .._values import JsonValue
from ..resolution.resolver import page_level

if TYPE_CHECKING:
    from ..context.archive import ContextSummary


@dataclass(frozen=True)
class SourceLine:
    """Where a step's instruction stands in the file the learner wrote."""

    path: str
    line: int
    end_line: int
    text: str


class _Event:
    """The text form every event shares: its own text, each line led by its service."""

    service: str

    def text(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        if self.service == "main":
            return self.text()
        prefix = f"[{self.service}] "
        return prefix + self.text().replace("\n", "\n" + prefix)


@dataclass(frozen=True)
class Notice(_Event):
    service: str
    message: str

    def text(self) -> str:
        return f"note: {self.message}"


@dataclass(frozen=True)
class ContextReady(_Event):
    service: str
    summary: ContextSummary

    def text(self) -> str:
        return str(self.summary)


@dataclass(frozen=True)
class StepStarted(_Event):
    service: str
    number: int
    total: int
    instruction: str  # as the engine shows it (after substitution)
    source: SourceLine | None  # where it stands in the learner's file

    def text(self) -> str:
        if self.source is None:  # the LABEL step balena_lab appends
            return (f"Step {self.number}/{self.total}  added by balena-lab  "
                    "LABEL io.balena-lab.* (image labels)")
        return (f"Step {self.number}/{self.total}  {self.source.path}:{self.source.line}  "
                f"{self.instruction}")


@dataclass(frozen=True)
class StepOutput(_Event):
    service: str
    number: int
    line: str

    def text(self) -> str:
        return f"  | {self.line}"


@dataclass(frozen=True)
class StepFinished(_Event):
    service: str
    number: int
    total: int
    instruction: str
    source: SourceLine | None
    cached: bool
    seconds: float
    layer: str | None

    def text(self) -> str:
        return "  -> cached" if self.cached else f"  -> done in {self.seconds:.2f}s"


@dataclass(frozen=True)
class StandIn:
    """A FROM image replaced by a local stand-in, because it was asked for."""

    line: int
    upstream: str
    local: str


@dataclass(frozen=True)
class BuildResult(JsonValue):
    """A finished build: what was built, for which arch, how long it took."""

    service: str
    image_id: str
    tag: str
    device_type: str
    arch: str
    architecture: str  # as the image config records it (amd64, arm64, arm, 386)
    variant: str | None
    size: int
    layers: int
    seconds: float
    emulated: bool
    resolution_kind: str
    source: str  # the file that was built, relative to the service directory
    dockerfile: str  # the text sent to the engine (substituted, stand-ins applied)
    steps: tuple[StepFinished, ...] = ()
    stand_ins: tuple[StandIn, ...] = ()
    context_files: int = 0
    context_size: int = 0
    #: what the learner must know about the image, e.g. a base of another platform
    warnings: tuple[str, ...] = ()

    @property
    def platform(self) -> str:
        """The platform the image records: ``arm64/v8``, ``arm/v7``, ``amd64``."""
        return "/".join(p for p in (self.architecture, self.variant) if p)

    @property
    def cached_steps(self) -> int:
        return sum(1 for step in self.steps if step.cached)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cached_steps"] = self.cached_steps
        return data

    def rows(self) -> list[tuple[str, str]]:
        platform = self.platform
        rows = [
            ("service", self.service),
            ("image", f"{self.tag} ({self.image_id[7:19]})"),
            ("device type / arch", f"{self.device_type} / {self.arch}"),
            ("platform", platform + (" (built under QEMU emulation)" if self.emulated else "")),
            ("built from", self._built_from()),
            ("size", f"{self.size / 1e6:.1f} MB"),
            ("layers", str(self.layers)),
            ("steps", f"{len(self.steps)} ({self.cached_steps} from cache)"),
            ("time", f"{self.seconds:.2f} s"),
        ]
        for stand_in in self.stand_ins:
            rows.append(("stand-in", f"line {stand_in.line}: {stand_in.upstream} -> {stand_in.local}"))
        rows.extend(("warning", warning) for warning in self.warnings)
        return rows

    def _built_from(self) -> str:
        level = page_level(self.resolution_kind, self.source, self.arch) or self.resolution_kind
        return self.source if level == self.source else f"{self.source} ({level})"

    def __str__(self) -> str:
        width = max(len(name) for name, _ in self.rows())
        return "\n".join(f"{name.ljust(width)}  {value}" for name, value in self.rows())

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><th style='text-align:left'>{escape(n)}</th><td>{escape(v)}</td></tr>"
            for n, v in self.rows()
        )
        return f"<table>{body}</table>"


@dataclass(frozen=True)
class BuildFinished(_Event):
    service: str
    result: BuildResult

    def text(self) -> str:
        return f"built {self.result.tag} ({self.result.arch}) in {self.result.seconds:.2f} s"


@dataclass(frozen=True)
class ReleaseResult(JsonValue):
    """Every service of a multi-service release, built."""

    services: dict[str, BuildResult] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"services": {k: v.to_dict() for k, v in self.services.items()},
                "seconds": self.seconds}

    def __str__(self) -> str:
        return "\n\n".join(str(result) for result in self.services.values())


@dataclass(frozen=True)
class ReleaseFinished(_Event):
    service: str  # always "release"
    result: ReleaseResult

    def text(self) -> str:
        return (f"built {len(self.result.services)} service(s) "
                f"({', '.join(self.result.services)}) in {self.result.seconds:.2f} s")


BuildEvent = (
    Notice | ContextReady | StepStarted | StepOutput | StepFinished | BuildFinished | ReleaseFinished
)
