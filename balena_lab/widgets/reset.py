"""The reset button: a lesson's scratch project back to its starting state, views refreshed."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import BalenaLabError
from ..lessons.scratch import reset
from ._html import error_html


class ResetButton(w.HBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Reset ``project`` (a :func:`~..lessons.scratch.scratch_project` copy), then call
    each of ``then`` (a view's ``refresh``, say)."""

    def __init__(self, project: Path, *then: Callable[[], Any], **kwargs: Any) -> None:
        self.project = Path(project)
        self.then = then
        self.button = w.Button(description="Reset the project", icon="undo",
                               tooltip="put the scratch project back as the lesson starts")
        self.status = w.HTML()
        super().__init__([self.button, self.status], **kwargs)
        self.add_class("balena-lab-reset")
        self.button.on_click(lambda _: self.reset())

    def reset(self) -> None:
        try:
            reset(self.project)
        except BalenaLabError as error:
            self.status.value = error_html(error)
            return
        for refresh in self.then:
            refresh()
        names = ", ".join(sorted(p.name for p in self.project.iterdir()))
        self.status.value = f"reset: <code>{html.escape(names)}</code>"
