"""Terminal output shared by the subcommands: aligned tables, marks, JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO


def unicode_ok(stream: TextIO = sys.stdout) -> bool:
    """True when ``stream`` can print marks such as ✔ (UTF-8 terminals and files)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf16", "utf32")


def mark(status: str, stream: TextIO = sys.stdout) -> str:
    """A one-glyph mark for a check status, with an ASCII fallback."""
    if unicode_ok(stream):
        return {"ok": "✔", "fail": "✘", "warn": "!", "skip": "-"}[status]
    return {"ok": "OK", "fail": "XX", "warn": "!!", "skip": "--"}[status]


def table(rows: Sequence[Sequence[str]], headers: Sequence[str] | None = None) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    all_rows = [list(headers)] if headers else []
    all_rows += [list(row) for row in rows]
    if not all_rows:
        return ""
    widths = [max(len(row[i]) for row in all_rows) for i in range(len(all_rows[0]) - 1)]
    lines = []
    for row in all_rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_json(value: Any) -> None:
    """Exactly one JSON document on stdout."""
    json.dump(value, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
