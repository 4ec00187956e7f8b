"""The laptop-device: what runs for a project's app, and each update as it happens.

A thin view over :mod:`balena_lab.supervisor.release`: **Apply the release**
runs ``up`` and shows its events (build steps folded into one line each), the
containers before and after, and any error as an error.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..builder.events import StepOutput
from ..errors import BalenaLabError
from ..supervisor.release import DeviceState, device_metadata, device_state, iter_up
from ._html import error_html, pre, scrolled


def state_html(state: DeviceState, title: str) -> str:
    if not state.services:
        return f"<p><b>{html.escape(title)}</b>: nothing runs</p>"
    rows = "".join(
        f"<tr><td><b>{html.escape(s.service)}</b></td><td><code>{html.escape(s.container)}"
        f"</code></td><td>{s.release}</td><td>{html.escape(s.status)}</td>"
        f"<td>{'yes' if s.privileged else 'no'}</td><td><code>{html.escape(s.network)}</code>"
        "</td></tr>" for s in state.services)
    return (f"<p><b>{html.escape(title)}</b></p><table><tr><th>service</th><th>container</th>"
            "<th>release</th><th>status</th><th>privileged</th><th>network</th></tr>"
            f"{rows}</table>")


class DeviceView(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """``project`` on a laptop-device of ``device_type``; ``options`` go to ``up``."""

    def __init__(self, project: str | Path, device_type: str, arch: str | None = None,
                 **options: Any) -> None:
        self.project, self.device_type, self.arch = Path(project), device_type, arch
        self.options = options
        self.app_id = device_metadata(self.project, device_type, arch).app_id
        self.button = w.Button(description="Apply the release (up)", icon="play",
                               layout=w.Layout(width="auto"))
        self.before = w.HTML()
        self.events_html = w.HTML()
        self.after = w.HTML()
        self.error: BalenaLabError | None = None
        self.events: list[object] = []
        super().__init__([self.button, w.HBox([self.before, self.after]), self.events_html])
        self.add_class("balena-lab-device")
        self.button.on_click(lambda _: self.up())
        self.refresh()

    def refresh(self) -> DeviceState:
        state = device_state(self.app_id)
        self.after.value = state_html(state, "on the device now")
        return state

    def up(self, **options: Any) -> DeviceState | None:
        """Apply the project's release now (what a click does); None on an error."""
        self.error, self.events = None, []
        self.before.value = state_html(device_state(self.app_id), "before")
        self.button.disabled = True
        lines: list[str] = []
        try:
            for event in iter_up(self.project, self.device_type, self.arch,
                                 **{**self.options, **options}):
                self.events.append(event)
                if not isinstance(event, StepOutput):
                    lines.append(html.escape(str(event)))
                    self.events_html.value = scrolled(pre("\n".join(lines)))
        except BalenaLabError as error:
            self.error = error
            self.events_html.value = scrolled(pre("\n".join(lines))) + error_html(error)
            return None
        finally:
            self.button.disabled = False
        return self.refresh()
