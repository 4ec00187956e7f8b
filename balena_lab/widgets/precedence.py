"""The precedence view: every candidate file, which one wins for a device type, and why."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets

from ..catalog import devicetypes
from ..errors import BalenaLabError, ResolutionError
from ..resolution.resolver import Candidate, Resolution, page_choice, page_level, resolve
from ._html import error_html, project_folder

_COLOURS = {"chosen": "#d4f7d4", "outranked": "#fff3cd", "ignored": "#eee", "marker": "#eef"}


def _table(candidates: tuple[Candidate, ...], arch: str) -> str:
    rows = "".join(
        f"<tr style='background:{_COLOURS.get(c.outcome, '#fff')}'>"
        f"<td><code>{html.escape(c.path)}</code></td>"
        f"<td>{html.escape(page_level(c.kind, c.path, arch) or '-')}</td>"
        f"<td><b>{html.escape(c.outcome)}</b></td><td>{html.escape(c.reason)}</td></tr>"
        for c in candidates)
    return ("<table class='balena-lab-candidates'><tr><th>file</th><th>the page's level</th>"
            f"<th>outcome</th><th>why</th></tr>{rows}</table>")


class PrecedenceView(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """The resolver's candidates for ``project_dir`` and ``device_type``; ``refresh()``
    after adding or removing files. ``arch`` (``""``: the device type's own)
    overrides the arch, as a fleet's arch would."""

    device_type = traitlets.Unicode("raspberrypi4-64")
    arch = traitlets.Unicode("")

    def __init__(self, project_dir: str | Path, device_type: str = "raspberrypi4-64", *,
                 arch: str | None = None, **kwargs: Any) -> None:
        self.project_dir = project_folder(project_dir)
        self.resolution: Resolution | None = None
        self.error: BalenaLabError | None = None
        self.verdict = w.HTML()
        self.table = w.HTML()
        super().__init__([self.verdict, self.table], **kwargs)
        self.add_class("balena-lab-precedence")
        self.set_trait("device_type", device_type)
        self.set_trait("arch", arch or "")
        self.refresh()

    @traitlets.observe("device_type", "arch")
    def _changed(self, _: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        try:
            r = resolve(self.project_dir, self.device_type, self.arch or None)
        except ResolutionError as error:
            self.resolution, self.error = None, error
            self.verdict.value = error_html(error)
            device = devicetypes.find_device_type(self.device_type)
            self.table.value = _table(tuple(
                c for c in error.candidates if isinstance(c, Candidate)),
                self.arch or (device.arch if device else ""))
            return
        self.resolution, self.error = r, None
        self.verdict.value = (
            f"<p>For <b>{html.escape(r.device_type)}</b> ({html.escape(r.arch)}) balena builds "
            f"<code>{html.escape(r.source)}</code>: {html.escape(r.level)}, "
            f"{html.escape(page_choice(r.level))} (balena's builder calls it "
            f"{html.escape(r.builder_resolver)})</p>")
        self.table.value = _table(r.candidates, r.arch)
