"""Presenter mode: one switch for text a projector shows, in every table and log.

JupyterLab's own styles set tables small and right-aligned; on a projector
from the back of a room neither reads.  :class:`PresenterMode` displays a
stylesheet scoped to notebook outputs: tables always left-aligned, and with
the switch on, large text, wide tables and larger logs.  The styles apply to
the whole JupyterLab page while the widget is displayed: one switch makes every
open notebook large, and with two notebooks open, each switched on, both must
be switched off (a widget's HTML cannot style only its own notebook).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import traitlets

_OUT = ".jp-OutputArea-output"
_WIDGET = ".widget-html-content"

#: Always: tables read left to right, like the page.
BASE_CSS = (f"{_OUT} th, {_OUT} td, {_WIDGET} th, {_WIDGET} td "
            "{ text-align: left !important; vertical-align: top; }")

#: Presenter mode: what the back row can read.
PRESENTER_CSS = BASE_CSS + (
    f" {_OUT}, {_WIDGET}, {_OUT} table, {_WIDGET} table, .jp-RenderedMarkdown "
    "{ font-size: 20px !important; line-height: 1.45 !important; }"
    f" {_OUT} table, {_WIDGET} table {{ width: 100%; }}"
    f" {_OUT} pre, {_WIDGET} pre, .jp-InputArea-editor {{ font-size: 18px !important; }}"
    " .widget-label, .widget-dropdown select, .widget-text input, .widget-button "
    "{ font-size: 18px !important; }"
    " .balena-lab-scroll { max-height: 30em !important; }"
)


class PresenterMode(w.HBox):  # type: ignore[misc]  # ipywidgets is untyped
    """A switch: ``on`` makes every output of the notebook large and left-aligned."""

    on = traitlets.Bool(False)

    def __init__(self, on: bool = False, **kwargs: Any) -> None:
        self.switch = w.ToggleButton(description="Presenter mode", icon="desktop",
                                     tooltip="large, left-aligned text and wide tables")
        self.style_sheet = w.HTML()
        super().__init__([self.switch, self.style_sheet], **kwargs)
        self.add_class("balena-lab-presenter")
        w.link((self.switch, "value"), (self, "on"))
        self._paint()
        self.on = on

    @traitlets.observe("on")
    def _changed(self, _: dict[str, Any]) -> None:
        self._paint()

    def _paint(self) -> None:
        self.style_sheet.value = f"<style>{PRESENTER_CSS if self.on else BASE_CSS}</style>"
