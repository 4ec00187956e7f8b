"""Short forms of text that came from a learner's file, for messages."""

from __future__ import annotations


def snippet(text: str, limit: int = 40) -> str:
    """``text`` as it is, or its first ``limit`` characters ending in "..."

    A message quotes what the learner wrote; a 100 KB range or template line
    quoted whole would bury the message itself.
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."
