"""The Dockerfile engine: parse a Dockerfile as Docker does, explain it, lint it.

::

    from balena_lab.dockerfile import parse, explain, lint
    dockerfile = parse(open("Dockerfile").read(), path="Dockerfile")
    explain(dockerfile)          # a table in a notebook, text in a terminal
    lint(dockerfile)             # findings with ids, severities and lines
"""

from __future__ import annotations

from .model import Comment, Directive, Dockerfile, Form, Heredoc, Instruction
from .parser import parse, parse_file

__all__ = [
    "Comment",
    "Directive",
    "Dockerfile",
    "Form",
    "Heredoc",
    "Instruction",
    "parse",
    "parse_file",
]
