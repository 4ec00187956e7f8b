"""The build panel: Build, progress over the steps, the live log, the result, the output."""

from __future__ import annotations

import html
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets

from ..builder.build import iter_build
from ..builder.events import BuildEvent, BuildFinished, BuildResult, StepFinished, StepStarted
from ..engine.containers import RunResult, run
from ..engine.names import image_tag
from ..errors import BalenaLabError
from ._html import error_html, pre, scrolled

_LOG_LINES = 400  # the log shows the last lines only
_REFRESH = 0.15  # seconds between two log repaints while a build streams


class BuildPanel(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Build ``project_dir`` for ``device_type`` on the local engine, then run it.

    The Build button and :meth:`build` do the same thing (a notebook calls
    :meth:`build` so that the build happens when the cell runs). ``command``
    (None: the image's CMD) runs in a container of the new image afterwards,
    unless ``run_after`` is False. ``result`` and ``run_result`` keep the last answers.

    ``device_type`` and ``arch`` are read when the build starts, so a panel
    linked to a picker builds for the picker's current device type. ``arch``
    (``""``: the device type's own) builds for another arch, as a fleet's arch
    would. The image's tag is chosen then too (:meth:`image_tag`):
    ``balena-lab/<namespace>/<name>:<device type>[-<arch>]``, ``name``
    defaulting to the project folder's (the namespace keeps learners sharing
    an engine apart); a fixed ``tag`` is used as given, whatever the device
    type (then it names only the last build).
    """

    device_type = traitlets.Unicode("raspberrypi4-64")
    arch = traitlets.Unicode("")

    def __init__(self, project_dir: str | Path, device_type: str = "raspberrypi4-64", *,
                 stand_ins: bool = False, command: str | Sequence[str] | None = None,
                 run_after: bool = True, run_timeout: float = 60,
                 variables: Mapping[str, str] | None = None, arch: str | None = None,
                 tag: str | None = None, name: str | None = None,
                 **kwargs: Any) -> None:
        self.project_dir = Path(project_dir)
        self.stand_ins, self.command, self.run_after = stand_ins, command, run_after
        self.run_timeout, self.variables, self.tag = run_timeout, dict(variables or {}), tag
        self.name = name
        self.result: BuildResult | None = None
        self.run_result: RunResult | None = None
        self.error: BalenaLabError | None = None
        self.button = w.Button(description="Build", icon="hammer", button_style="primary")
        self.progress = w.IntProgress(value=0, min=0, max=1, description="Steps",
                                      layout=w.Layout(width="420px"))
        self.status = w.HTML()
        self.log_view = w.HTML()
        self.log_view.add_class("balena-lab-build-log")
        self.summary = w.HTML()
        self.output = w.HTML()
        self._lines: list[str] = []  # HTML, one line each
        self._own_steps: set[int] = set()  # the steps balena_lab adds (its LABEL step)
        self._painted = 0.0
        super().__init__([w.HBox([self.button, self.progress, self.status]), self.log_view,
                          self.summary, self.output], **kwargs)
        self.add_class("balena-lab-build")
        self.set_trait("device_type", device_type)
        self.set_trait("arch", arch or "")
        self.button.on_click(lambda _: self.build())
        self._show_target()

    @traitlets.observe("device_type", "arch")
    def _changed(self, _: dict[str, Any]) -> None:
        # A new target: what the panel shows belonged to the old one.
        self._lines, self._own_steps = [], set()
        self.log_view.value = self.summary.value = self.output.value = ""
        self.progress.value, self.progress.max, self.progress.bar_style = 0, 1, ""
        self._show_target()

    def _target(self) -> str:
        return self.device_type + (f" ({self.arch})" if self.arch else "")

    def _show_target(self) -> None:
        self.status.value = f"ready to build for <b>{html.escape(self._target())}</b>"

    def image_tag(self) -> str:
        """The tag the next build gets, from the current device type and arch."""
        if self.tag:
            return self.tag
        return image_tag(self.project_dir, self.device_type, self.arch or None, name=self.name)

    def _say(self, line: str, *, force: bool = False, own: bool = False) -> None:
        escaped = html.escape(line)
        self._lines.append(f"<span class='balena-lab-own-step' style='color:#888'>{escaped}</span>"
                           if own else escaped)
        now = time.monotonic()
        if force or now - self._painted > _REFRESH:
            self.log_view.value = scrolled(pre("\n".join(self._lines[-_LOG_LINES:])))
            self._painted = now

    def build(self) -> BuildResult | None:
        """Build (and run); returns the result, or None after an error shown in the panel."""
        self.button.disabled = True
        self._lines, self._own_steps, self._painted = [], set(), 0.0
        self.result = self.run_result = self.error = None
        self.summary.value = self.output.value = ""
        self.progress.value, self.progress.max, self.progress.bar_style = 0, 1, ""
        self.status.value = f"building for <b>{html.escape(self._target())}</b>..."
        try:
            for event in iter_build(self.project_dir, self.device_type, self.arch or None,
                                    variables=self.variables, stand_ins=self.stand_ins,
                                    tag=self.image_tag()):
                self._event(event)
            if self.run_after and self.result is not None:
                self.status.value = "running a container of the new image..."
                lines: list[str] = []

                def show(line: str) -> None:
                    lines.append(line)
                    self.output.value = ("<b>container output</b>"
                                         + pre(html.escape("\n".join(lines[-_LOG_LINES:]))))

                self.run_result = run(self.result.tag, self.command, timeout=self.run_timeout,
                                      on_output=show)
                self.output.value = ("<b>container output</b>"
                                     + pre(html.escape(str(self.run_result))))
            self.progress.bar_style = "success"
            self.status.value = f"built for <b>{html.escape(self._target())}</b>"
        except BalenaLabError as error:
            self.error = error
            self.progress.bar_style = "danger"
            self.status.value = "failed"
            self.summary.value = error_html(error, log_shown=bool(self._lines))
        finally:
            self._say("", force=True)
            self.button.disabled = False
        return self.result

    def _event(self, event: BuildEvent) -> None:
        own = False
        if isinstance(event, StepStarted):
            self.progress.max = max(event.total, 1)
            if event.source is None:  # not a line of the learner's: balena_lab's LABEL step
                self._own_steps.add(event.number)
        elif isinstance(event, StepFinished):
            self.progress.value = event.number
        elif isinstance(event, BuildFinished):
            self.result = event.result
            self.progress.value = self.progress.max
            self.summary.value = event.result._repr_html_()
            return
        own = getattr(event, "number", None) in self._own_steps
        self._say(str(event), force=isinstance(event, StepStarted), own=own)
