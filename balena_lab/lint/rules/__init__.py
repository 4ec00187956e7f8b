"""The BLxxx rules, one small function each, grouped by the page topic they teach.

Importing this package registers every rule in :data:`..registry.RULES`.
"""

from __future__ import annotations

from . import add, arguments, build_variables, buildkit, exec_form, structure, tmp_balena

__all__ = [
    "add",
    "arguments",
    "build_variables",
    "buildkit",
    "exec_form",
    "structure",
    "tmp_balena",
]
