"""Prose with Markdown code spans, shown as HTML: the page's words keep their `code`."""

from __future__ import annotations

import html
import re

_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def prose_html(text: str) -> str:
    """``text`` escaped, each `` `span` `` a ``<code>`` element instead of literal backticks."""
    return _CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", html.escape(text))
