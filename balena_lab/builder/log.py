"""Reading the classic builder's JSON stream as steps, outputs and results.

The Docker SDK hands back the engine's build stream: ``{"stream": ...}``
chunks of text (``Step 2/5 : RUN ...``, `` ---> Using cache``, the command's
own output, `` ---> 3f2a...``), ``{"aux": {"ID": ...}}`` and
``{"error": ..., "errorDetail": ...}``.  :class:`BuildLogReader` turns that
into :mod:`structured events <balena_lab.builder.events>`, mapping each step to
the instruction and the line of the ORIGINAL file it came from.

Written by hand because this is the classic builder's human-oriented text
protocol; neither docker-py nor any other library parses it into steps.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .events import BuildEvent, SourceLine, StepFinished, StepOutput, StepStarted

_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_LAYER = re.compile(r"^ ---> ([0-9a-f]{12})$")
_RUNNING = re.compile(r"^ ---> Running in ([0-9a-f]{12})$")
_EXIT_CODE = re.compile(r"returned a non-zero code: (\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # the builder paints a step's stderr red
_NOISE = re.compile(r"^(Removing intermediate container [0-9a-f]+|Successfully built [0-9a-f]+|"
                    r"Successfully tagged .+| ---> \[Warning\].*)$")


@dataclass
class _Step:
    number: int
    total: int
    instruction: str
    started: float
    cached: bool = False
    layer: str | None = None
    output: list[str] | None = None


class BuildLogReader:
    """Feed it stream chunks; it yields events and remembers what the build did."""

    def __init__(self, service: str, sources: list[SourceLine | None]) -> None:
        self.service = service
        self.sources = sources
        self.image_id: str | None = None
        self.error: dict[str, Any] | None = None
        self.log: list[str] = []
        self.step: _Step | None = None
        self.steps: list[StepFinished] = []
        self._partial = ""

    def source(self, number: int) -> SourceLine | None:
        return self.sources[number - 1] if 0 < number <= len(self.sources) else None

    def feed(self, chunk: dict[str, Any]) -> Iterator[BuildEvent]:
        if "error" in chunk or "errorDetail" in chunk:
            self.error = chunk.get("errorDetail") or {"message": chunk.get("error", "")}
            self.error.setdefault("message", chunk.get("error", ""))
            return
        aux = chunk.get("aux")
        if isinstance(aux, dict) and "ID" in aux:
            self.image_id = aux["ID"]
        text = chunk.get("stream")
        if not text:
            return
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            yield from self._line(_ANSI.sub("", line).rstrip("\r"))

    def close(self) -> Iterator[BuildEvent]:
        """End of stream: flush a partial line and finish the last step."""
        if self._partial:
            yield from self._line(_ANSI.sub("", self._partial))
            self._partial = ""
        if self.step and self.error is None:
            yield self._finish()

    def _line(self, line: str) -> Iterator[BuildEvent]:
        self.log.append(line)
        match = _STEP.match(line)
        if match and not self._is_next_step(int(match[1]), int(match[2])):
            match = None  # a command that printed "Step n/m : ..." itself
        if match:
            if self.step:
                yield self._finish()
            number, total = int(match[1]), int(match[2])
            self.step = _Step(number, total, match[3], time.monotonic(), output=[])
            yield StepStarted(self.service, number, total, match[3], self.source(number))
            return
        if self.step is None:
            return
        if line == " ---> Using cache":
            self.step.cached = True
            return
        layer = _LAYER.match(line)
        if layer:
            self.step.layer = layer[1]
            return
        if _RUNNING.match(line) or _NOISE.match(line) or not line.strip():
            return
        assert self.step.output is not None
        self.step.output.append(line)
        yield StepOutput(self.service, self.step.number, line)

    def _is_next_step(self, number: int, total: int) -> bool:
        done = self.steps[-1] if self.steps else None
        current = self.step.number if self.step else (done.number if done else 0)
        known_total = self.step.total if self.step else (done.total if done else total)
        return number == current + 1 and total == known_total

    def _finish(self) -> StepFinished:
        step = self.step
        assert step is not None
        self.step = None
        finished = StepFinished(
            self.service, step.number, step.total, step.instruction, self.source(step.number),
            cached=step.cached, seconds=time.monotonic() - step.started, layer=step.layer,
        )
        self.steps.append(finished)
        return finished

    def failed_step_output(self, last: int = 15) -> tuple[str, ...]:
        if self.step is not None:
            return tuple((self.step.output or [])[-last:])
        return tuple(self.log[-last:])

    def exit_code(self) -> int | None:
        if self.error is None:
            return None
        code = self.error.get("code")
        if isinstance(code, int):
            return code
        match = _EXIT_CODE.search(str(self.error.get("message", "")))
        return int(match[1]) if match else None
