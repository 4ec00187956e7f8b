"""Small HTML pieces the widgets share (presentation only)."""

from __future__ import annotations

import html
from pathlib import Path

from ..errors import BalenaLabError, UnreadableInputError
from ..resolution.templates import Reference, references

PRE = ("<pre style='margin:0;padding:6px;background:#f7f7f7;border:1px solid #ddd;"
       "white-space:pre-wrap;font-size:12px'>{}</pre>")


def pre(inner_html: str) -> str:
    return PRE.format(inner_html)


def mark_references(text: str) -> str:
    """``text`` escaped, with every ``%%NAME%%`` the builder substitutes in a ``<mark>``
    (:func:`balena_lab.resolution.templates.references`: comment lines are not marked)."""
    by_line: dict[int, list[Reference]] = {}
    for reference in references(text):
        by_line.setdefault(reference.line, []).append(reference)
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        pieces, last = [], 0
        for ref in by_line.get(number, ()):
            start = ref.column - 1
            pieces.append(html.escape(line[last:start]))
            pieces.append(f"<mark>{html.escape(ref.text)}</mark>")
            last = start + len(ref.text)
        pieces.append(html.escape(line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)


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
