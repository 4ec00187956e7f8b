"""What a build reports while it runs, and what it leaves: small frozen values.

A build is a stream of events, every one tagged with its service::

    Notice            something the learner must know (a stand-in image, emulation)
    ContextReady      the build context: files, size, exclusions
    StepStarted       step n of m: the instruction and its ORIGINAL source line
    StepOutput        one line the step printed
    StepFinished      cache hit or not, duration, the layer made
    BuildFinished     the result (image, size, layers, arch, time)
    ReleaseFinished   every service of a multi-service release, built

Widgets and the CLI render these; nothing here talks to Docker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..context.archive import ContextSummary
    from .log import SourceLine


@dataclass(frozen=True)
class Notice:
    service: str
    message: str


@dataclass(frozen=True)
class ContextReady:
    service: str
    summary: ContextSummary


@dataclass(frozen=True)
class StepStarted:
    service: str
    number: int
    total: int
    instruction: str  # as the engine shows it (after substitution)
    source: SourceLine | None  # where it stands in the learner's file


@dataclass(frozen=True)
class StepOutput:
    service: str
    number: int
    line: str


@dataclass(frozen=True)
class StepFinished:
    service: str
    number: int
    total: int
    instruction: str
    source: SourceLine | None
    cached: bool
    seconds: float
    layer: str | None


@dataclass(frozen=True)
class StandIn:
    """A FROM image replaced by a local stand-in, because it was asked for."""

    line: int
    upstream: str
    local: str


@dataclass(frozen=True)
class BuildResult:
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

    @property
    def cached_steps(self) -> int:
        return sum(1 for step in self.steps if step.cached)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cached_steps"] = self.cached_steps
        return data

    def rows(self) -> list[tuple[str, str]]:
        platform = "/".join(p for p in (self.architecture, self.variant) if p)
        rows = [
            ("service", self.service),
            ("image", f"{self.tag} ({self.image_id[7:19]})"),
            ("device type / arch", f"{self.device_type} / {self.arch}"),
            ("platform", platform + (" (built under QEMU emulation)" if self.emulated else "")),
            ("built from", f"{self.source} ({self.resolution_kind})"),
            ("size", f"{self.size / 1e6:.1f} MB"),
            ("layers", str(self.layers)),
            ("steps", f"{len(self.steps)} ({self.cached_steps} from cache)"),
            ("time", f"{self.seconds:.2f} s"),
        ]
        for stand_in in self.stand_ins:
            rows.append(("stand-in", f"line {stand_in.line}: {stand_in.upstream} -> {stand_in.local}"))
        return rows

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
class BuildFinished:
    service: str
    result: BuildResult


@dataclass(frozen=True)
class ReleaseResult:
    """Every service of a multi-service release, built."""

    services: dict[str, BuildResult] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"services": {k: v.to_dict() for k, v in self.services.items()},
                "seconds": self.seconds}

    def __str__(self) -> str:
        return "\n\n".join(str(result) for result in self.services.values())


@dataclass(frozen=True)
class ReleaseFinished:
    service: str  # always "release"
    result: ReleaseResult


BuildEvent = (
    Notice | ContextReady | StepStarted | StepOutput | StepFinished | BuildFinished | ReleaseFinished
)
