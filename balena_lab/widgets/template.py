"""The live template view: the file as written and as balena's builder resolves it."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets

from ..errors import BalenaLabError
from ..resolution.compose import compose
from ..resolution.resolver import Resolution, highlight_html, resolve
from ._html import error_html, mark_references, pre, project_folder


class TemplateView(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Source (left, ``%%NAME%%`` marked) and result (right, substituted values marked).

    Resolves ``project_dir`` for ``device_type`` with :func:`balena_lab.resolution.resolver.resolve`
    on every change; ``resolution`` holds the last answer (None after an error,
    then ``error`` holds it, and the view shows it). ``arch`` (``""``: the
    device type's own) overrides the device type's arch, as the fleet's arch
    would. ``service`` is the compose service the folder builds
    (``BALENA_SERVICE_NAME``), ``dockerfile`` its ``build.dockerfile``; for a
    multi-service project use :meth:`for_services`, which takes both from the
    project's ``docker-compose.yml``.

    A ``project_dir`` that is not a folder raises at once (UnreadableInputError):
    it is a wrong path, not a resolution the learner should explore.
    """

    device_type = traitlets.Unicode("raspberrypi4-64")
    arch = traitlets.Unicode("")

    def __init__(self, project_dir: str | Path, device_type: str = "raspberrypi4-64", *,
                 arch: str | None = None, variables: Mapping[str, str] | None = None,
                 service: str = "main", dockerfile: str | None = None,
                 **kwargs: Any) -> None:
        self.project_dir = project_folder(project_dir)
        self.variables = dict(variables or {})
        self.service, self.dockerfile = service, dockerfile
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
        self.set_trait("arch", arch or "")
        self.refresh()

    @classmethod
    def for_services(cls, project_dir: str | Path, device_type: str = "raspberrypi4-64", *,
                     arch: str | None = None, **kwargs: Any) -> list[TemplateView]:
        """One view per built service of a project, as :func:`balena_lab.resolution.compose.compose`
        resolves them: the service's folder, name and ``build.dockerfile``."""
        project = project_folder(project_dir)
        composition = compose(project, device_type, arch)
        views = []
        for service in composition.services:
            if service.resolution is None or service.folder is None:  # image only
                continue
            views.append(cls(service.folder, device_type, arch=arch, service=service.name,
                             dockerfile=service.dockerfile, **kwargs))
        return views

    @traitlets.observe("device_type", "arch")
    def _changed(self, _: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Resolve again (after files changed on disk, say)."""
        try:
            r = resolve(self.project_dir, self.device_type, self.arch or None,
                        dockerfile=self.dockerfile, variables=self.variables,
                        service_name=self.service)
        except BalenaLabError as error:
            self.resolution, self.error = None, error
            self.title.value = (f"<b>{html.escape(self.device_type)}</b>: "
                                f"{html.escape(type(error).__name__)}")
            self.source.value, self.result.value, self.notes.value = "", error_html(error), ""
            return
        self.resolution, self.error = r, None
        text = (self.project_dir / r.source).read_text(encoding="utf-8", errors="replace")
        service = "" if self.service == "main" else f"service <b>{html.escape(self.service)}</b>, "
        self.title.value = (
            f"{service}<b>{html.escape(r.device_type)}</b> ({html.escape(r.arch)}): "
            f"<code>{html.escape(r.source)}</code> &rarr; <code>{html.escape(r.dockerfile_name)}"
            f"</code>, {len(r.substitutions)} substitution(s)")
        self.source.value = (f"<div><i>{html.escape(r.source)}</i> (as written)</div>"
                             + pre(mark_references(text)))
        self.result.value = (f"<div><i>{html.escape(r.dockerfile_name)}</i> (what is built)</div>"
                             + pre(highlight_html(r.dockerfile, r.substitutions)))
        self.notes.value = "".join(f"<div>note: {html.escape(n)}</div>" for n in r.notes)
