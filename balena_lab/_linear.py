"""Linear-time regular expressions: RE2, through ``google-re2``.

Python's ``re`` backtracks, so a pattern such as ``<%([\\s\\S]+?)%>`` or a
``.dockerignore`` line ``*a*a*a...c`` takes quadratic or exponential time on
text a learner (or an attacker) controls.  RE2 guarantees time linear in the
text, keeps Perl's leftmost-first alternation and lazy quantifiers, and is
the engine of Go's ``regexp``, which Docker itself uses for ``.dockerignore``.
"""

from __future__ import annotations

from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every syntax error to stderr itself


class LinearPatternError(ValueError):
    """RE2 refuses the pattern; the message is RE2's own (Go's regexp words it alike)."""


def compile_linear(pattern: str) -> Any:
    """``pattern`` compiled by RE2 (``match``, ``search``, ``finditer`` as in ``re``)."""
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else "invalid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", errors="replace")
        raise LinearPatternError(str(reason)) from None
