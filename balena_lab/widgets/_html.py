"""Small HTML pieces the widgets share (presentation only)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import BalenaLabError, UnreadableInputError

PRE = ("<pre style='margin:0;padding:6px;background:#f7f7f7;border:1px solid #ddd;"
       "white-space:pre-wrap;font-size:12px'>{}</pre>")
_REFERENCE = re.compile(r"%%[A-Z][A-Z_]+%%")


def pre(inner_html: str) -> str:
    return PRE.format(inner_html)


def mark_references(text: str) -> str:
    """``text`` escaped, with every ``%%NAME%%`` build variable reference in a ``<mark>``.

    Lines starting with ``#`` are comments: balena's builder leaves them alone,
    so they are not marked.
    """
    out = []
    for line in text.split("\n"):
        if line.startswith("#"):
            out.append(html.escape(line))
            continue
        pieces, last = [], 0
        for match in _REFERENCE.finditer(line):
            pieces.append(html.escape(line[last:match.start()]))
            pieces.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
        pieces.append(html.escape(line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)


def error_html(error: BalenaLabError) -> str:
    return (f"<div style='color:#a00' class='balena-lab-error'><b>{html.escape(type(error).__name__)}"
            f"</b>: {html.escape(str(error))}</div>")


def project_folder(project_dir: str | Path) -> Path:
    """``project_dir`` as given, after checking that it is a folder (a view's input)."""
    folder = Path(project_dir)
    if not folder.is_dir():
        raise UnreadableInputError(
            "no such project folder", path=folder.resolve(),
            fix="pass the folder of a project (in a notebook: "
                "balena_lab.lessons.projects.projects.masterclass_project(NAME))")
    return folder
