"""The lint panel: an editable Dockerfile, linted and explained on every change."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..dockerfile.explain import explain
from ..errors import BalenaLabError
from ..lint import LintReport, lint
from ._html import error_html


class LintPanel(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Edit ``editor.value``; ``report`` (a LintReport) and the findings follow.

    ``path`` names the file (``Dockerfile.template`` makes it a template, so
    build variables are expected); ``explain`` adds the line-by-line explanation.
    """

    def __init__(self, text: str = "FROM debian:bookworm\n", *, path: str = "Dockerfile",
                 show_explanation: bool = True, **kwargs: Any) -> None:
        self.path = path
        self.report: LintReport | None = None
        self.error: BalenaLabError | None = None
        self.editor = w.Textarea(value=text, continuous_update=True,
                                 layout=w.Layout(width="100%", height="180px"))
        self.findings = w.HTML()
        self.findings.add_class("balena-lab-lint-findings")
        self.explanation = w.HTML()
        self.show_explanation = show_explanation
        super().__init__([w.HTML(f"<b>{path}</b> (edit me)"), self.editor, self.findings,
                          self.explanation], **kwargs)
        self.add_class("balena-lab-lint")
        self.editor.observe(lambda _: self.refresh(), "value")
        self.refresh()

    def refresh(self) -> None:
        text = self.editor.value
        try:
            self.report = lint(text, path=self.path)
            self.error = None
            self.findings.value = self.report._repr_html_()
            self.explanation.value = explain(text)._repr_html_() if self.show_explanation else ""
        except BalenaLabError as error:
            self.report, self.error = None, error
            self.findings.value = error_html(error)
            self.explanation.value = ""
