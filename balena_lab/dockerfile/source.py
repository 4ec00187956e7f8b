"""Reading a Dockerfile's bytes into text, with typed errors for what is not text."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UnreadableInputError

BOM = "\ufeff"
#: Larger input is refused unread (``lint /dev/zero`` must not fill the memory); the
#: biggest real Dockerfiles are a few hundred lines.
MAX_BYTES = 8 << 20


def _looks_like_utf16(data: bytes) -> bool:
    """A UTF-16 byte order mark, or text whose every other byte is NUL (UTF-16 without one)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:512]
    if len(head) < 4 or head.count(b"\x00") * 2 < len(head) - 1:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) == len(even) or odd.count(0) == len(odd)


def decode(data: bytes, *, path: str | None = None) -> str:
    """``data`` as text, or :class:`UnreadableInputError` naming the line that is not.

    Docker reads bytes and would carry on with garbage; a learner is better
    served by "line 3 is not UTF-8" than by a mysterious build failure.
    """
    if not data.strip():
        raise UnreadableInputError("empty file: a Dockerfile needs at least a FROM line", path=path)
    if _looks_like_utf16(data):
        raise UnreadableInputError("saved as UTF-16: save it as UTF-8", path=path)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise UnreadableInputError(
            "binary data (a NUL byte): not a Dockerfile", path=path, line=line
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableInputError(
            f"byte 0x{data[error.start]:02x} is not UTF-8 text",
            path=path,
            line=line,
            fix="save the file as UTF-8",
        ) from None


def _bounded(data: bytes, name: str) -> bytes:
    if len(data) > MAX_BYTES:
        raise UnreadableInputError(f"larger than {MAX_BYTES >> 20} MiB: not a Dockerfile",
                                   path=name)
    return data


def read(path: str | Path) -> tuple[str, str]:
    """Read ``path`` (``-`` is standard input) and return ``(text, name)``."""
    name = str(path)
    if name == "-":
        return decode(_bounded(sys.stdin.buffer.read(MAX_BYTES + 1), "<stdin>"),
                      path="<stdin>"), "<stdin>"
    try:
        with Path(path).open("rb") as handle:
            data = _bounded(handle.read(MAX_BYTES + 1), name)
    except FileNotFoundError:
        raise UnreadableInputError("no such file", path=name) from None
    except IsADirectoryError:
        raise UnreadableInputError("is a directory, not a Dockerfile", path=name) from None
    except OSError as error:
        raise UnreadableInputError(f"cannot read: {error.strerror}", path=name) from None
    return decode(data, path=name), name
