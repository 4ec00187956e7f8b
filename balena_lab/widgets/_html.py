"""Small HTML pieces the widgets share (presentation only)."""

from __future__ import annotations

import html
from pathlib import Path

from ..errors import BalenaLabError, BuildStepFailed, UnreadableInputError
from ..resolution.resolver import mark_html
from ..resolution.templates import references

PRE = ("<pre style='margin:0;padding:6px;background:#f7f7f7;border:1px solid #ddd;"
       "white-space:pre-wrap;font-size:12px'>{}</pre>")


def pre(inner_html: str) -> str:
    return PRE.format(inner_html)


def scrolled(inner_html: str, height: str = "22em") -> str:
    """``inner_html`` in a box of at most ``height`` that scrolls, and stays scrolled to
    its end as lines are added (a column laid out in reverse starts at the bottom)."""
    return (f"<div class='balena-lab-scroll' style='max-height:{height};overflow:auto;"
            f"display:flex;flex-direction:column-reverse'><div>{inner_html}</div></div>")


def mark_references(text: str) -> str:
    """``text`` escaped, with every ``%%NAME%%`` the builder substitutes in a ``<mark>``
    (:func:`balena_lab.resolution.templates.references`: comment lines are not marked)."""
    return mark_html(text, [(r.line, r.column, len(r.text), None) for r in references(text)])


def error_html(error: BalenaLabError, *, log_shown: bool = False) -> str:
    """An error as the notebook should read it: its type, then its message with its lines
    kept.  ``log_shown``: the view shows the build log already, so a failed step's output
    is not repeated under it."""
    text = error.for_notebook()
    if log_shown and isinstance(error, BuildStepFailed):
        text = error.headline + "\n  (the step's output is in the log above)"
        if error.fix:
            text += f"\n  fix: {error.notebook_fix or error.fix}"
    return (f"<div class='balena-lab-error' style='color:#a00'>"
            f"<b>{html.escape(type(error).__name__)}</b>"
            f"<pre style='margin:2px 0;padding:6px;color:#a00;background:#fff5f5;"
            f"border:1px solid #f0c0c0;white-space:pre-wrap'>{html.escape(text)}</pre></div>")


def project_folder(project_dir: str | Path) -> Path:
    """``project_dir`` as given, after checking that it is a folder (a view's input)."""
    folder = Path(project_dir)
    if not folder.is_dir():
        raise UnreadableInputError(
            "no such project folder", path=folder.resolve(),
            fix="pass the folder of a project (in a notebook: "
                "balena_lab.lessons.projects.masterclass_project(NAME))")
    return folder
