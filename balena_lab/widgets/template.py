"""The live template view: the file as written and as balena's builder resolves it."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets

from ..errors import BalenaLabError
from ..resolution import Resolution, highlight_html, resolve
from ._html import error_html, mark_references, pre


class TemplateView(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Source (left, ``%%NAME%%`` marked) and result (right, substituted values marked).

    Resolves ``project_dir`` for ``device_type`` with :func:`balena_lab.resolution.resolve`
    on every change; ``resolution`` holds the last answer (None after an error,
    then ``error`` holds it). ``arch`` overrides the device type's arch, as the
    fleet's arch would.
    """

    device_type = traitlets.Unicode("raspberrypi4-64")
    arch = traitlets.Unicode("")

    def __init__(self, project_dir: str | Path, device_type: str = "raspberrypi4-64", *,
                 variables: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        self.project_dir = Path(project_dir)
        self.variables = dict(variables or {})
        self.resolution: Resolution | None = None
        self.error: BalenaLabError | None = None
        self.title = w.HTML()
        self.source = w.HTML(layout=w.Layout(width="50%"))
        self.result = w.HTML(layout=w.Layout(width="50%"))
        self.result.add_class("balena-lab-template-result")
        self.notes = w.HTML()
        super().__init__([self.title, w.HBox([self.source, self.result]), self.notes], **kwargs)
        self.add_class("balena-lab-template")
        self.set_trait("device_type", device_type)
        self.refresh()

    @traitlets.observe("device_type", "arch")
    def _changed(self, _: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Resolve again (after files changed on disk, say)."""
        try:
            r = resolve(self.project_dir, self.device_type, self.arch or None,
                        variables=self.variables)
        except BalenaLabError as error:
            self.resolution, self.error = None, error
            self.title.value = f"<b>{html.escape(self.device_type)}</b>"
            self.source.value, self.result.value, self.notes.value = "", error_html(error), ""
            return
        self.resolution, self.error = r, None
        text = (self.project_dir / r.source).read_text(encoding="utf-8", errors="replace")
        self.title.value = (
            f"<b>{html.escape(r.device_type)}</b> ({html.escape(r.arch)}): "
            f"<code>{html.escape(r.source)}</code> &rarr; <code>{html.escape(r.dockerfile_name)}"
            f"</code>, {len(r.substitutions)} substitution(s)")
        self.source.value = (f"<div><i>{html.escape(r.source)}</i> (as written)</div>"
                             + pre(mark_references(text)))
        self.result.value = (f"<div><i>{html.escape(r.dockerfile_name)}</i> (what is built)</div>"
                             + pre(highlight_html(r.dockerfile, r.substitutions)))
        self.notes.value = "".join(f"<div>note: {html.escape(n)}</div>" for n in r.notes)
