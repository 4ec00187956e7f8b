"""Small HTML pieces the widgets share (presentation only)."""

from __future__ import annotations

import html
from pathlib import Path

from ..errors import BalenaLabError, UnreadableInputError
from ..resolution.resolver import mark_html
from ..resolution.templates import references

PRE = ("<pre style='margin:0;padding:6px;background:#f7f7f7;border:1px solid #ddd;"
       "white-space:pre-wrap;font-size:12px'>{}</pre>")


def pre(inner_html: str) -> str:
    return PRE.format(inner_html)


def mark_references(text: str) -> str:
    """``text`` escaped, with every ``%%NAME%%`` the builder substitutes in a ``<mark>``
    (:func:`balena_lab.resolution.templates.references`: comment lines are not marked)."""
    return mark_html(text, [(r.line, r.column, len(r.text), None) for r in references(text)])


def error_html(error: BalenaLabError) -> str:
    return (f"<div style='color:#a00' class='balena-lab-error'><b>{html.escape(type(error).__name__)}"
            f"</b>: {html.escape(error.for_notebook())}</div>")


def project_folder(project_dir: str | Path) -> Path:
    """``project_dir`` as given, after checking that it is a folder (a view's input)."""
    folder = Path(project_dir)
    if not folder.is_dir():
        raise UnreadableInputError(
            "no such project folder", path=folder.resolve(),
            fix="pass the folder of a project (in a notebook: "
                "balena_lab.lessons.projects.masterclass_project(NAME))")
    return folder
